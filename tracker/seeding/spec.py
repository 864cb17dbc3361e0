"""Reading one seed record at a time into plain records, collecting every problem (with its
file, record and field) instead of stopping; ``files.read_seed`` puts the records together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any


from tracker import rules
from tracker.inputs.activity import ActivityInput
from tracker.inputs.base import Invalid
from tracker.seeding.records import (
    ActivitySpec,
    ConflictSpec,
    ParticipationSpec,
    PartySpec,
    PhaseSpec,
    Problem,
    RecognitionSpec,
)
from tracker.vocab import (
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


def _string(value: object) -> str:
    """YAML may turn ``1978`` into an int; dates and ids are read as the text they were."""
    if isinstance(value, (int, float, date)) and not isinstance(value, bool):
        return str(value)
    return value  # type: ignore[return-value]


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

    def many(self, data: dict[str, Any], record: str, name: str, parse: Callable[[Any], Any]) -> list:
        value = data.get(name) or []
        if not isinstance(value, list):
            self.problem(record, name, "expected a list")
            return []
        out = []
        for item in value:
            try:
                out.append(parse(item))
            except rules.RuleError as error:
                self.problem(record, name, str(error))
        return out


def _vocab(kind):  # noqa: ANN001, ANN202 - tiny parser factory
    return lambda value: rules.vocab(kind, _string(value))


def _partial(value: object) -> tuple[date, DatePrecision]:
    """A start: ``1992`` is 1992-01-01 at year precision."""
    return rules.partial_date(_string(value))


def _partial_end(value: object) -> tuple[date, DatePrecision]:
    """An end: ``1992`` is 1992-12-31 at year precision."""
    return rules.partial_end(_string(value))


def _split(parsed: tuple[date, DatePrecision] | None) -> tuple[date | None, DatePrecision]:
    return parsed if parsed else (None, DatePrecision.DAY)


def _text(name: str, *, required: bool = False):  # noqa: ANN202
    return lambda value: rules.text(_string(value), name, required=required)


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


def _read_party(r: _Reader, data: object, index: int) -> PartySpec | None:
    label = _label("party", index, data, "name")
    data = r.record(data, label, PARTY_FIELDS)
    name = r.get(data, label, "name", _text("name"), required=True)
    kind = r.get(data, label, "kind", _vocab(PartyKind), required=True)
    status = r.get(data, label, "recognition_status", _vocab(RecognitionStatus), required=True)
    try:
        rules.recognition_status(kind, status)
    except rules.RuleError as error:
        r.problem(label, "recognition_status", str(error))
    spec = PartySpec(
        name=name,
        kind=kind,
        recognition_status=status,
        full_name=r.get(data, label, "full_name", _text("full_name")),
        country_code=r.get(data, label, "country_code", rules.country_code),
        description=r.get(data, label, "description", _text("description"), default=""),
    )
    return spec if name and kind and status else None


CONFLICT_FIELDS = {
    "slug", "name", "type", "region", "start_date", "end_date", "summary",
    "ucdp_id", "acled_id", "pax_process", "phases",
}  # fmt: skip
PARTICIPATION_FIELDS = {
    "party", "role", "side", "supports", "support_kinds", "capacity", "motives", "leverage",
    "since", "until", "notes",
}  # fmt: skip
RECOGNITION_FIELDS = {"recognizer", "recognized", "status", "since", "until", "source", "source_url"}
ACTIVITY_FIELDS = {
    "date", "end_date", "type", "track", "scope", "official_level", "form", "purpose",
    "effect", "incentive", "cameo_code", "title", "description", "parties", "sources", "ref", "was",
}  # fmt: skip


def _read_conflict(r: _Reader, data: object) -> ConflictSpec | None:
    label = "conflict"
    data = r.record(data, label, CONFLICT_FIELDS)
    start, start_precision = _split(r.get(data, label, "start_date", _partial, required=True))
    end, end_precision = _split(r.get(data, label, "end_date", _partial_end))
    try:
        rules.date_order(start, end)
    except rules.RuleError as error:
        r.problem(label, "end_date", str(error))
    phases = []
    raw_phases = data.get("phases") or []
    if not isinstance(raw_phases, list):
        r.problem(label, "phases", "expected a list")
        raw_phases = []
    for i, item in enumerate(raw_phases):
        plabel = f"phase {i + 1}"
        item = r.record(item, plabel, {"phase", "since", "note"})
        phase = r.get(item, plabel, "phase", _vocab(Phase), required=True)
        since, since_precision = _split(r.get(item, plabel, "since", _partial, required=True))
        if phase and since:
            phases.append(PhaseSpec(phase, since, r.get(item, plabel, "note", _text("note"), default=""), since_precision))
    if len({p.since for p in phases}) != len(phases):
        r.problem(label, "phases", "two phase changes on the same date")
    spec = ConflictSpec(
        slug=r.get(data, label, "slug", lambda v: rules.slug(_string(v)), required=True),
        name=r.get(data, label, "name", _text("name"), required=True),
        type=r.get(data, label, "type", _vocab(ConflictType), required=True),
        region=r.get(data, label, "region", _text("region"), required=True),
        start_date=start,
        start_date_precision=start_precision,
        end_date=end,
        end_date_precision=end_precision,
        summary=r.get(data, label, "summary", _text("summary"), default=""),
        ucdp_id=r.get(data, label, "ucdp_id", _string),
        acled_id=r.get(data, label, "acled_id", _string),
        pax_process=r.get(data, label, "pax_process", _string),
        phases=sorted(phases, key=lambda p: p.since),
    )
    return spec if spec.slug and spec.name and spec.type and spec.region and start else None


def _in_codebook_order(kind, values: list) -> list:  # noqa: ANN001
    """Each value once, in the order the codebook lists them."""
    return [member for member in kind if member in set(values)]


def _read_participation(r: _Reader, data: object, index: int) -> ParticipationSpec | None:
    label = _label("participation", index, data, "party")
    data = r.record(data, label, PARTICIPATION_FIELDS)
    party = r.get(data, label, "party", _text("name"), required=True)
    since, since_precision = _split(r.get(data, label, "since", _partial))
    until, until_precision = _split(r.get(data, label, "until", _partial_end))
    spec = ParticipationSpec(
        party=party,
        role=r.get(data, label, "role", _vocab(Role), required=True),
        side=r.get(data, label, "side", _vocab(Side)),
        supports=r.get(data, label, "supports", _text("name")),
        support_kinds=_in_codebook_order(SupportKind, r.many(data, label, "support_kinds", _vocab(SupportKind))),
        capacity=r.get(data, label, "capacity", _vocab(Capacity)),
        motives=_in_codebook_order(Motive, r.many(data, label, "motives", _vocab(Motive))),
        leverage=r.get(data, label, "leverage", _vocab(Leverage)),
        since=since,
        until=until,
        notes=r.get(data, label, "notes", _text("notes"), default=""),
        since_precision=since_precision,
        until_precision=until_precision,
    )
    if not (party and spec.role):
        return None
    try:
        rules.participation_shape(
            spec.role,
            supports=spec.supports,
            support_kinds=spec.support_kinds,
            capacity=spec.capacity,
            leverage=spec.leverage,
            motives=spec.motives,
            side=spec.side,
        )
        rules.date_order(spec.since, spec.until, end_field="until date")
    except rules.RuleError as error:
        r.problem(label, getattr(error, "field", "until"), str(error))
        return None
    return spec


def _read_recognition(r: _Reader, data: object, index: int) -> RecognitionSpec | None:
    label = f"recognition {index + 1}"
    data = r.record(data, label, RECOGNITION_FIELDS)
    since, since_precision = _split(r.get(data, label, "since", _partial, required=True))
    until, until_precision = _split(r.get(data, label, "until", _partial_end))
    spec = RecognitionSpec(
        recognizer=r.get(data, label, "recognizer", _text("name"), required=True),
        recognized=r.get(data, label, "recognized", _text("name"), required=True),
        status=r.get(data, label, "status", _vocab(RecognitionKind), required=True),
        since=since,
        until=until,
        source=r.get(data, label, "source", _text("source"), default=""),
        source_url=r.get(data, label, "source_url", rules.url),
        since_precision=since_precision,
        until_precision=until_precision,
    )
    try:
        rules.date_order(spec.since, spec.until, end_field="until date")
    except rules.RuleError as error:
        r.problem(label, "until", str(error))
        return None
    try:
        rules.distinct_parties(spec.recognizer, spec.recognized)
    except rules.RuleError as error:
        r.problem(label, "recognized", str(error))
        return None
    ok = spec.recognizer and spec.recognized and spec.status and spec.since
    return spec if ok else None


def _read_activity(r: _Reader, data: object, index: int) -> ActivitySpec | None:
    """One activity of a seed file, read through the activity input every door shares."""
    label = _label("activity", index, data, "title")
    data = r.record(data, label, ACTIVITY_FIELDS)
    given = {k: v for k, v in data.items() if k in ACTIVITY_FIELDS - {"ref", "was"}}
    ref = r.get(data, label, "ref", rules.slug)
    was = _read_was(r, data.get("was"), label)
    try:
        activity = ActivityInput.parse(given)
    except Invalid as invalid:
        for problem in invalid.problems:
            r.problem(label, problem.field, problem.message)
        return None
    return ActivitySpec(activity, ref=ref, was=was)


def _read_was(r: _Reader, data: object, label: str) -> tuple[date, ActivityType, str] | None:
    """The activity's earlier natural key: ``{date, type, title}`` as an earlier seed had them."""
    if data is None:
        return None
    data = r.record(data, f"{label} was", {"date", "type", "title"})
    when = r.get(data, f"{label} was", "date", _partial, required=True)
    kind = r.get(data, f"{label} was", "type", _vocab(ActivityType), required=True)
    title = r.get(data, f"{label} was", "title", _text("title", required=True), required=True)
    return (when[0], kind, title) if when and kind and title else None
