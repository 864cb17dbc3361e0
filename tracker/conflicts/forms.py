"""Forms for conflicts and their phase changes."""

from __future__ import annotations

from wtforms import SubmitField

from tracker import rules
from tracker.forms.fields import partial_date_field, text_field, version_field, vocab_field
from tracker.forms.inputs import InputForm
from tracker.forms.validators import rule
from tracker.inputs.records import ConflictInput, NewConflictInput, PhaseInput
from tracker.vocab import ConflictType, Phase


class ConflictForm(InputForm):
    input_type = ConflictInput

    name = text_field("Name", "name", required=True)
    slug = text_field(
        "Short name in URLs",
        "slug",
        required=True,
        description="Lower-case letters, digits and hyphens, e.g. camp-david.",
    )
    type = vocab_field(
        ConflictType,
        "Type",
        description="Interstate, intrastate, secessionist, self-determination or internationalized intrastate.",
    )
    region = text_field("Region", "region", required=True)
    start_date = partial_date_field("Start date")
    end_date = partial_date_field(
        "End date", required=False, end=True, description="Leave empty while the conflict goes on."
    )
    summary = text_field("Summary", "summary", area=True)
    ucdp_id = text_field("UCDP conflict id", "external_id")
    acled_id = text_field("ACLED id", "external_id")
    pax_process = text_field("PA-X peace process", "pax_process")
    version = version_field()
    submit = SubmitField("Save conflict")

    def validate_slug(self, field) -> None:
        rule(rules.slug)(self, field)


class NewConflictForm(ConflictForm):
    input_type = NewConflictInput

    phase = vocab_field(Phase, "Current phase", description="Where the conflict stands in its life cycle now.")
    phase_since = partial_date_field("In that phase since")


class PhaseForm(InputForm):
    input_type = PhaseInput

    phase = vocab_field(Phase, "Phase")
    since = partial_date_field("Since")
    note = text_field("Note", "note", area=True)
    version = version_field()
    submit = SubmitField("Save phase change")
