"""The inputs of conflicts, phase changes, parties, recognitions and roles in conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from tracker import rules
from tracker.inputs.base import Reader, as_text, party_ref, text, vocab
from tracker.inputs.record import RecordInput, Spec, check_order, end, start
from tracker.vocab import (
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
    UserRole,
)

PartialDate = tuple[date, DatePrecision]


def _optional(name: str) -> Any:
    """Free text where empty means nothing recorded (``None``)."""
    return lambda value: rules.text(as_text(value), name) or None


def _many(kind: Any) -> Any:
    """Several keys of a vocabulary, each once, in the codebook's order."""

    def parse(values: object) -> list[Any]:
        if not isinstance(values, (list, tuple)):
            raise rules.RuleError("expected a list")
        chosen = {vocab(kind)(v) for v in values}
        return [member for member in kind if member in chosen]

    return parse


@dataclass(frozen=True)
class ConflictInput(RecordInput):
    SPEC: ClassVar[dict[str, Spec]] = {
        "name": Spec(text("name", required=True), required=True),
        "slug": Spec(rules.slug, required=True),
        "type": Spec(vocab(ConflictType), required=True),
        "region": Spec(text("region", required=True), required=True),
        "start_date": start(required=True),
        "end_date": end(),
        "summary": Spec(text("summary"), default=""),
        "ucdp_id": Spec(_optional("external_id")),
        "acled_id": Spec(_optional("external_id")),
        "pax_process": Spec(_optional("pax_process")),
    }

    name: str
    slug: str
    type: ConflictType
    region: str
    start_date: PartialDate
    end_date: PartialDate | None = None
    summary: str = ""
    ucdp_id: str | None = None
    acled_id: str | None = None
    pax_process: str | None = None

    @classmethod
    def across(cls, r: Reader, values: dict[str, Any], said: set[str]) -> None:
        check_order(r, values, said, "start_date", "end_date", "end date")


@dataclass(frozen=True)
class PhaseInput(RecordInput):
    SPEC: ClassVar[dict[str, Spec]] = {
        "phase": Spec(vocab(Phase), required=True),
        "since": start(required=True),
        "note": Spec(text("note"), default=""),
    }

    phase: Phase
    since: PartialDate
    note: str = ""


@dataclass(frozen=True)
class NewConflictInput(ConflictInput):
    """A new conflict and the phase it is in (the form asks for both)."""

    SPEC: ClassVar[dict[str, Spec]] = ConflictInput.SPEC | {
        "phase": Spec(vocab(Phase), required=True),
        "phase_since": start(required=True),
    }

    phase: Phase | None = None
    phase_since: PartialDate | None = None

    def first_phase(self) -> PhaseInput:
        assert self.phase is not None and self.phase_since is not None
        return PhaseInput(phase=self.phase, since=self.phase_since)

    def conflict(self) -> ConflictInput:
        return ConflictInput(**{name: getattr(self, name) for name in ConflictInput.SPEC})


@dataclass(frozen=True)
class PartyInput(RecordInput):
    SPEC: ClassVar[dict[str, Spec]] = {
        "name": Spec(text("name", required=True), required=True),
        "full_name": Spec(_optional("full_name")),
        "kind": Spec(vocab(PartyKind), required=True),
        "recognition_status": Spec(vocab(RecognitionStatus), required=True),
        "country_code": Spec(rules.country_code),
        "description": Spec(text("description"), default=""),
    }

    name: str
    kind: PartyKind
    recognition_status: RecognitionStatus
    full_name: str | None = None
    country_code: str | None = None
    description: str = ""

    @classmethod
    def across(cls, r: Reader, values: dict[str, Any], said: set[str]) -> None:
        if not {"kind", "recognition_status"} & said:
            r.check(
                "recognition_status",
                lambda: rules.recognition_status(values.get("kind"), values.get("recognition_status")),
            )


@dataclass(frozen=True)
class RecognitionInput(RecordInput):
    """Who recognizes whom (parties by id, or by name until a door resolves them); who may
    recognize whom needs their kinds (the service)."""

    SPEC: ClassVar[dict[str, Spec]] = {
        "recognizer": Spec(party_ref, required=True, column="recognizer_id"),
        "recognized": Spec(party_ref, required=True, column="recognized_id"),
        "status": Spec(vocab(RecognitionKind), required=True),
        "since": start(required=True),
        "until": end(),
        "source": Spec(text("source"), default=""),
        "source_url": Spec(rules.url),
    }

    recognizer: int | str
    recognized: int | str
    status: RecognitionKind
    since: PartialDate
    until: PartialDate | None = None
    source: str = ""
    source_url: str | None = None

    @classmethod
    def across(cls, r: Reader, values: dict[str, Any], said: set[str]) -> None:
        if not {"recognizer", "recognized"} & said:
            r.check("recognized", lambda: rules.distinct_parties(values.get("recognizer"), values.get("recognized")))
        check_order(r, values, said, "since", "until", "until date")


@dataclass(frozen=True)
class ParticipationInput(RecordInput):
    """A party's role in a conflict (parties by id, or by name until a door resolves them)."""

    SPEC: ClassVar[dict[str, Spec]] = {
        "party": Spec(party_ref, required=True, column="party_id"),
        "role": Spec(vocab(Role), required=True),
        "side": Spec(vocab(Side)),
        "supports": Spec(party_ref, column="supports_id"),
        "support_kinds": Spec(_many(SupportKind), default=[]),
        "capacity": Spec(vocab(Capacity)),
        "motives": Spec(_many(Motive), default=[]),
        "leverage": Spec(vocab(Leverage)),
        "since": start(),
        "until": end(),
        "notes": Spec(text("notes"), default=""),
    }

    party: int | str
    role: Role
    side: Side | None = None
    supports: int | str | None = None
    support_kinds: list[SupportKind] = field(default_factory=list)
    capacity: Capacity | None = None
    motives: list[Motive] = field(default_factory=list)
    leverage: Leverage | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    notes: str = ""

    @classmethod
    def across(cls, r: Reader, values: dict[str, Any], said: set[str]) -> None:
        role = values.get("role")
        if role and not said & {"role", "side", "supports", "support_kinds", "capacity", "motives", "leverage"}:
            for problem in rules.participation_shape(
                role, supports=values.get("supports"), support_kinds=values.get("support_kinds") or [],
                capacity=values.get("capacity"), leverage=values.get("leverage"), motives=values.get("motives") or [],
                side=values.get("side"),
            ):  # fmt: skip
                r.add(problem.field, str(problem))
        if values.get("supports") is not None and values.get("supports") == values.get("party"):
            r.add("supports", "a party does not support itself")
        check_order(r, values, said, "since", "until", "until date")


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("y", "yes", "true", "on", "1", 1):
        return True
    if value in ("n", "no", "false", "off", "0", 0, ""):
        return False
    raise rules.RuleError(f"{value!r} is not yes or no")


@dataclass(frozen=True)
class UserInput(RecordInput):
    """An account: its address, name, role and whether it may sign in (passwords apart)."""

    SPEC: ClassVar[dict[str, Spec]] = {
        "email": Spec(rules.email, required=True),
        "name": Spec(text("user_name"), default=""),
        "role": Spec(vocab(UserRole), required=True),
        "active": Spec(_flag, default=True),
    }

    email: str
    role: UserRole
    name: str = ""
    active: bool = True
