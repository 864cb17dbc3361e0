"""The activity form: every codebook field, the parties involved and the sources."""

from __future__ import annotations

from typing import Any, cast

from wtforms import BooleanField, FieldList, Form, FormField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from tracker import rules
from tracker.forms.fields import partial_date_field, text_field, version_field, vocab_field
from tracker.forms.inputs import InputForm
from tracker.forms.validators import rule
from tracker.inputs.activity import FIELDS, ActivityInput
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    Effect,
    Incentive,
    OfficialLevel,
    Purpose,
    Scope,
    Track,
)
from tracker.vocab import (
    Form as FormOfInteraction,
)

#: Rows a new form shows (the page's "Add a party" and "Add a source" buttons add more).
PARTY_ROWS = 3
SOURCE_ROWS = 1


class PartyLinkForm(Form):
    """One party involved in the activity, with its role in it."""

    party = SelectField("Party", coerce=int, validate_choice=False, validators=[Optional()])
    role = SelectField(
        "Role in the activity",
        choices=[("", "Choose a role…"), *ActivityPartyRole.choices()],
        validate_choice=False,
        validators=[Optional(), rule(lambda key: rules.vocab(ActivityPartyRole, key))],
    )


class SourceForm(Form):
    """One source: a citation, a URL, or both (the activity input checks them)."""

    citation = text_field("Citation", "citation")
    url = text_field("URL", "url", type="url")


class ActivityForm(InputForm):
    input_type = ActivityInput

    date = partial_date_field("Date")
    end_date = partial_date_field(
        "End date", required=False, end=True, description="For events that ran over several days."
    )
    type = vocab_field(ActivityType, "Type of activity")
    cameo_code = text_field(
        "CAMEO code",
        "cameo_code",
        description="Empty: the type's own code. Or a finer code of the 312, leading zeros kept (0311, 0871).",
        inputmode="numeric",
        list="cameo-codes",
    )
    track = vocab_field(
        Track,
        "Track",
        description="1: official, government to government. 1.5: officials in a personal capacity, "
        "or an NGO mediating between official parties. 2: unofficial.",
    )
    scope = vocab_field(Scope, "Scope", description="Between two states, several, a region, or globally through IGOs.")
    official_level = vocab_field(
        OfficialLevel, "Official level", description="The highest level present; raising it signals commitment."
    )
    form = vocab_field(
        FormOfInteraction, "Form", description="Written, formal meeting, informal conversation, or a mix."
    )
    purpose = vocab_field(
        Purpose, "Purpose", description="Coercing, persuading, adjusting the relationship, or reaching an agreement."
    )
    effect = vocab_field(Effect, "Effect on the conflict")
    incentive = vocab_field(
        Incentive,
        "Incentive",
        required=False,
        description="Carrot (aid, trade, arms sales) or stick (sanctions, expulsion, force).",
    )
    title = text_field("Title", "title", required=True)
    description = text_field("Description", "description", area=True)
    parties = FieldList(FormField(PartyLinkForm), min_entries=PARTY_ROWS, max_entries=30)
    add_missing_parties = BooleanField(
        "Add parties not yet in this conflict as third parties (observers)",
        description="Otherwise every party must already have a role in the conflict.",
    )
    sources = FieldList(FormField(SourceForm), min_entries=SOURCE_ROWS, max_entries=20)
    version = version_field()
    submit = SubmitField("Save activity")
    save_and_add = SubmitField("Save and add another")

    party_choices: list[tuple[int, str]]  # set per form by set_party_choices

    def set_party_choices(self, choices: list[tuple[int, str]]) -> None:
        """The parties every row offers (kept, for rows added later)."""
        self.party_choices = choices
        for row in self.parties:
            cast(SelectField, row.party).choices = [(0, "Choose a party…"), *choices]

    def _party_rows(self) -> list[int]:
        return [i for i, row in enumerate(self.parties) if row.party.data]

    def _source_rows(self) -> list[int]:
        return [i for i, row in enumerate(self.sources) if row.citation.data or row.url.data]

    def raw(self) -> dict[str, Any]:
        """The entries as the activity input reads them (empty rows left out)."""
        raw = {name: self[name].data for name in FIELDS if name not in ("parties", "sources")}
        raw["parties"] = [
            {"party": self.parties[i].party.data, "role": self.parties[i].role.data} for i in self._party_rows()
        ]
        raw["sources"] = [
            {"citation": self.sources[i].citation.data, "url": self.sources[i].url.data} for i in self._source_rows()
        ]
        return raw

    def locate(self, path: str) -> str:
        head, _, rest = path.partition("/")
        rows = {"parties": self._party_rows, "sources": self._source_rows}.get(head)
        if rows is None or not rest:
            return path
        index, _, tail = rest.partition("/")
        return "/".join(filter(None, (head, str(rows()[int(index)]), tail)))

    def validate_parties(self, field) -> None:
        known = (
            {choice[0] for choice in cast(list, cast(SelectField, self.parties[0].party).choices)}
            if len(self.parties)
            else set()
        )
        for row in field:
            if row.party.data and row.party.data not in known:
                row.party.errors = [*row.party.errors, "No such party."]
            elif row.party.data and not row.role.data:
                row.role.errors = [*row.role.errors, "Give this party's role in the activity."]
            elif row.role.data and not row.party.data:
                row.party.errors = [*row.party.errors, "Choose the party that had this role."]
        if any(row.errors for row in field):
            raise ValidationError("Check the parties marked below.")
