"""The participation form: a party's role in a conflict."""

from __future__ import annotations

from wtforms import SelectField, SubmitField
from wtforms.validators import Optional

from tracker.forms.fields import partial_date_field, text_field, version_field, vocab_field, vocab_multi_field
from tracker.forms.inputs import InputForm
from tracker.inputs.records import ParticipationInput
from tracker.parties.forms import party_select
from tracker.vocab import Capacity, Leverage, Motive, Role, Side, SupportKind


class ParticipationForm(InputForm):
    input_type = ParticipationInput

    party = party_select("Party")
    role = vocab_field(
        Role, "Role", description="Direct party; supporter of one side; or third party (mediator, facilitator, ...)."
    )
    side = vocab_field(
        Side,
        "Side",
        required=False,
        description="For a direct party: its camp. In a conflict within a "
        "state, side A is the government; between states, choose and keep it consistent.",
    )
    supports = SelectField(
        "Supports",
        coerce=int,
        validate_choice=True,
        validators=[Optional()],
        description="For a supporter: the party of this conflict it backs.",
    )
    support_kinds = vocab_multi_field(SupportKind, "Kinds of support")
    capacity = vocab_field(Capacity, "Capacity", required=False, description="For a third party.")
    motives = vocab_multi_field(Motive, "Motives", description="Why the third party intervenes.")
    leverage = vocab_field(Leverage, "Leverage", required=False)
    since = partial_date_field("From", required=False)
    until = partial_date_field("Until", required=False, end=True)
    notes = text_field("Notes", "notes", area=True)
    version = version_field()
    submit = SubmitField("Save role")
