"""The records a seed file holds, once read and checked, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.inputs.activity import ActivityInput
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    Capacity,
    ConflictType,
    DatePrecision,
    Leverage,
    Motive,
    PartyKind,
    Phase,
    RecognitionKind,
    RecognitionStatus,
    Role,
    Side,
    SupportKind,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a seed file."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


class SeedError(Exception):
    """The seed was refused; ``problems`` says why, and nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class PartySpec:
    name: str
    kind: PartyKind
    recognition_status: RecognitionStatus
    full_name: str | None = None
    country_code: str | None = None
    description: str = ""


@dataclass
class PhaseSpec:
    phase: Phase
    since: date
    note: str = ""
    since_precision: DatePrecision = DatePrecision.DAY


@dataclass
class ConflictSpec:
    slug: str
    name: str
    type: ConflictType
    region: str
    start_date: date
    end_date: date | None
    summary: str
    ucdp_id: str | None
    acled_id: str | None
    pax_process: str | None
    phases: list[PhaseSpec]
    start_date_precision: DatePrecision = DatePrecision.DAY
    end_date_precision: DatePrecision = DatePrecision.DAY


@dataclass
class ParticipationSpec:
    party: str
    role: Role
    supports: str | None = None
    support_kinds: list[SupportKind] = field(default_factory=list)
    capacity: Capacity | None = None
    motives: list[Motive] = field(default_factory=list)
    leverage: Leverage | None = None
    since: date | None = None
    until: date | None = None
    notes: str = ""
    since_precision: DatePrecision = DatePrecision.DAY
    until_precision: DatePrecision = DatePrecision.DAY
    side: Side | None = None


@dataclass
class RecognitionSpec:
    recognizer: str
    recognized: str
    status: RecognitionKind
    since: date
    until: date | None = None
    source: str = ""
    source_url: str | None = None
    since_precision: DatePrecision = DatePrecision.DAY
    until_precision: DatePrecision = DatePrecision.DAY


@dataclass
class ActivitySpec:
    #: The activity, its parties named as in ``parties.yaml``.
    data: ActivityInput
    #: A name for the example that stays when its date, type or title is corrected.
    ref: str | None = None
    #: The natural key (date, type, title) an earlier seed gave it, when a correction changed it.
    was: tuple[date, ActivityType, str] | None = None

    @property
    def key(self) -> tuple[date, ActivityType, str]:
        return (self.data.date, self.data.type, self.data.title)

    @property
    def title(self) -> str:
        return self.data.title

    @property
    def party_names(self) -> list[tuple[str, ActivityPartyRole]]:
        return [(str(link.party), link.role) for link in self.data.parties]


@dataclass
class ConflictFile:
    conflict: ConflictSpec
    participations: list[ParticipationSpec]
    recognitions: list[RecognitionSpec]
    activities: list[ActivitySpec]


@dataclass
class SeedData:
    parties: dict[str, PartySpec]
    conflicts: list[ConflictFile]
