"""Forms for parties and recognitions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from tracker import rules
from tracker.forms.fields import partial_date_field, text_field, version_field, vocab_field
from tracker.forms.inputs import InputForm
from tracker.forms.validators import rule
from tracker.inputs.records import PartyInput, RecognitionInput
from tracker.vocab import PartyKind, RecognitionKind, RecognitionStatus


class PartyForm(InputForm):
    input_type = PartyInput

    name = text_field("Name", "name", required=True, description="The common name, used everywhere in the tracker.")
    full_name = text_field("Formal name", "full_name")
    kind = vocab_field(PartyKind, "Kind")
    recognition_status = vocab_field(
        RecognitionStatus,
        "Recognition status",
        description="International standing; only states and state-like authorities have one (others: Not applicable).",
    )
    country_code = text_field("Country code", "country_code", description="ISO 3166-1 alpha-3, e.g. EST.")
    description = text_field("Description", "description", area=True)
    version = version_field()
    submit = SubmitField("Save party")

    def validate_country_code(self, field) -> None:
        rule(rules.country_code)(self, field)


def party_select(label: str, description: str = "") -> SelectField:
    """A party picker: a select that jumps by typing (choices set by the view)."""
    return SelectField(label, coerce=int, validate_choice=True, validators=[DataRequired()], description=description)


class RecognitionForm(InputForm):
    input_type = RecognitionInput

    recognizer = party_select(
        "Recognizer", description="A state, a state-like authority, or an IGO acting for its members."
    )
    recognized = party_select(
        "Recognized",
        description="A state or a state-like authority: recognition is about statehood. "
        "Refusing to deal with a government is a diplomatic sanction (log it as an activity).",
    )
    status = vocab_field(RecognitionKind, "Stance")
    since = partial_date_field("Since")
    until = partial_date_field("Until", required=False, end=True)
    source = text_field("Source", "source")
    source_url = text_field("Source URL", "url")
    version = version_field()
    submit = SubmitField("Save recognition")

    def validate_source_url(self, field) -> None:
        rule(rules.url)(self, field)


class AliasForm(FlaskForm):
    """Another name, or a country or actor code, by which event data names the party."""

    kind = SelectField("Kind", choices=[("name", "Name"), ("code", "Code (ISO 3166, CAMEO)")], default="name")
    value = text_field("Alias", "alias", required=True, description="A name in any case (Russian Federation), or a "
                       "code (RUS, RUSGOV).")  # fmt: skip
    submit = SubmitField("Add alias")
