"""Reading one seed record at a time into plain records, collecting every problem (with its
file, record and field) instead of stopping; ``files.read_seed`` puts the records together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tracker import rules
from tracker.inputs.activity import FIELDS as ACTIVITY_INPUT_FIELDS
from tracker.inputs.activity import ActivityInput
from tracker.inputs.base import Invalid, start_date, text, vocab
from tracker.inputs.records import ConflictInput, ParticipationInput, PartyInput, PhaseInput, RecognitionInput
from tracker.seeding.records import ActivitySpec, Problem
from tracker.vocab import ActivityType


class _Reader:
    """Reads fields out of YAML mappings, collecting problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, record: str, name: str, message: str) -> None:
        self.problems.append(Problem(self.file, record, name, message))

    def record(self, data: object, record: str, allowed: set[str]) -> dict[str, Any]:
        """``data`` as a mapping with only ``allowed`` keys (unknown keys are typos)."""
        if not isinstance(data, dict):
            self.problem(record, "-", "expected a mapping of fields")
            return {}
        for key in sorted(set(data) - allowed, key=str):
            self.problem(record, str(key), "unknown field")
        return data

    def get(
        self,
        data: dict[str, Any],
        record: str,
        name: str,
        parse: Callable[[Any], Any],
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.problem(record, name, "is required")
            return default
        try:
            return parse(value)
        except rules.RuleError as error:
            self.problem(record, name, str(error))
            return default


def _label(kind: str, index: int, data: object, name_field: str) -> str:
    """How a record is named in problems: ``party 'Russia'``, ``activity 3 ('Summit')``."""
    name = data.get(name_field) if isinstance(data, dict) else None
    if not isinstance(name, str) or not name.strip():
        return f"{kind} {index + 1}"
    if kind == "party":
        return f"party {name!r}"
    if kind == "participation":
        return f"participation {index + 1} ({name})"
    return f"{kind} {index + 1} ({name!r})"


PARTY_FIELDS = {"name", "full_name", "kind", "recognition_status", "country_code", "description"}


def _via(r: _Reader, label: str, kind: Any, given: dict[str, Any]) -> Any | None:
    """``given`` read through the input every door shares; its problems land on ``label``."""
    try:
        return kind.parse(given)
    except Invalid as invalid:
        for problem in invalid.problems:
            r.problem(label, problem.field, problem.message)
        return None


def _read_party(r: _Reader, data: object, index: int) -> PartyInput | None:
    label = _label("party", index, data, "name")
    return _via(r, label, PartyInput, r.record(data, label, PARTY_FIELDS))


CONFLICT_FIELDS = {
    "slug", "name", "type", "region", "start_date", "end_date", "summary",
    "ucdp_id", "acled_id", "pax_process", "phases",
}  # fmt: skip
PARTICIPATION_FIELDS = {
    "party", "role", "side", "supports", "support_kinds", "capacity", "motives", "leverage",
    "since", "until", "notes",
}  # fmt: skip
RECOGNITION_FIELDS = {"recognizer", "recognized", "status", "since", "until", "source", "source_url"}
#: The activity input's fields, and the seed's own names for an example (``ref``, ``was``).
ACTIVITY_FIELDS = {*ACTIVITY_INPUT_FIELDS, "ref", "was"}


def _read_conflict(r: _Reader, data: object) -> tuple[ConflictInput, list[PhaseInput]] | None:
    label = "conflict"
    data = r.record(data, label, CONFLICT_FIELDS)
    phases = []
    raw_phases = data.get("phases") or []
    if not isinstance(raw_phases, list):
        r.problem(label, "phases", "expected a list")
        raw_phases = []
    for i, item in enumerate(raw_phases):
        plabel = f"phase {i + 1}"
        phase = _via(r, plabel, PhaseInput, r.record(item, plabel, {"phase", "since", "note"}))
        if phase is not None:
            phases.append(phase)
    if len({p.since[0] for p in phases}) != len(phases):
        r.problem(label, "phases", "two phase changes on the same date")
    conflict = _via(r, label, ConflictInput, {k: v for k, v in data.items() if k != "phases"})
    return (conflict, sorted(phases, key=lambda p: p.since[0])) if conflict is not None else None


def _read_participation(r: _Reader, data: object, index: int) -> ParticipationInput | None:
    label = _label("participation", index, data, "party")
    return _via(r, label, ParticipationInput, r.record(data, label, PARTICIPATION_FIELDS))


def _read_recognition(r: _Reader, data: object, index: int) -> RecognitionInput | None:
    label = f"recognition {index + 1}"
    return _via(r, label, RecognitionInput, r.record(data, label, RECOGNITION_FIELDS))


def _read_activity(r: _Reader, data: object, index: int) -> ActivitySpec | None:
    """One activity of a seed file, read through the activity input every door shares."""
    label = _label("activity", index, data, "title")
    data = r.record(data, label, ACTIVITY_FIELDS)
    given = {k: v for k, v in data.items() if k in ACTIVITY_FIELDS - {"ref", "was"}}
    ref = r.get(data, label, "ref", rules.slug)
    was = _read_was(r, data.get("was"), label)
    activity = _via(r, label, ActivityInput, given)
    return ActivitySpec(activity, ref=ref, was=was) if activity is not None else None


def _read_was(r: _Reader, data: object, label: str) -> tuple[date, ActivityType, str] | None:
    """The activity's earlier natural key: ``{date, type, title}`` as an earlier seed had them."""
    if data is None:
        return None
    data = r.record(data, f"{label} was", {"date", "type", "title"})
    when = r.get(data, f"{label} was", "date", start_date, required=True)
    kind = r.get(data, f"{label} was", "type", vocab(ActivityType), required=True)
    title = r.get(data, f"{label} was", "title", text("title", required=True), required=True)
    return (when[0], kind, title) if when and kind and title else None
