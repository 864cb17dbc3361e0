"""The records a seed file holds, once read and checked, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.inputs.activity import ActivityInput
from tracker.inputs.records import ConflictInput, ParticipationInput, PartyInput, PhaseInput, RecognitionInput
from tracker.vocab import ActivityPartyRole, ActivityType


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
    """One file of ``seed/conflicts``: the inputs every door shares, parties named."""

    conflict: ConflictInput
    phases: list[PhaseInput]
    participations: list[ParticipationInput]
    recognitions: list[RecognitionInput]
    activities: list[ActivitySpec]


@dataclass
class SeedData:
    parties: dict[str, PartyInput]
    conflicts: list[ConflictFile]
