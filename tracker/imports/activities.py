"""Importing a conflict's activities from CSV in the export's own format.

:func:`plan` reads and checks the whole file without writing; :func:`apply` writes a clean
plan through the activity service, in the caller's transaction (all or nothing).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import audit, rules
from tracker.activities import service
from tracker.exports import columns, multivalue
from tracker.exports.csvfile import restore
from tracker.imports.reader import Plan as BasePlan
from tracker.imports.reader import Problems, Unreadable, decode, records
from tracker.inputs.activity import COLUMNS, FIELDS, ActivityInput, PartyLink
from tracker.inputs.base import Invalid
from tracker.inputs.records import PartyInput
from tracker.models import Activity, ActivityParty, Conflict, Participation, Party
from tracker.vocab import ActivityPartyRole, ActivityType, PartyKind, RecognitionStatus, Role

ROLE_COLUMNS = {"initiators": ActivityPartyRole.INITIATOR, "targets": ActivityPartyRole.TARGET,
                "participants": ActivityPartyRole.PARTICIPANT, "mediators": ActivityPartyRole.MEDIATOR}  # fmt: skip


@dataclass
class Options:
    on_duplicate: str = "skip"
    #: Create parties named in the file but not in the tracker, with this kind (None: refuse).
    new_party_kind: PartyKind | None = None
    #: Give parties not yet in the conflict a role there (third party, observer).
    add_missing_parties: bool = False


@dataclass
class Row:
    line: int
    #: The activity, its parties still named as in the file.
    data: ActivityInput
    action: str = "create"  # create | update | skip | unchanged
    existing_id: int | None = None
    #: For a row matching a recorded activity: the columns where the file differs from it.
    changes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[date, str, str]:
        return (self.data.date, self.data.type.value, self.data.title)

    @property
    def title(self) -> str:
        return self.data.title

    @property
    def party_names(self) -> list[tuple[str, ActivityPartyRole]]:
        return [(str(link.party), link.role) for link in self.data.parties]


@dataclass
class Plan(BasePlan):
    conflict_id: int = 0
    options: Options = field(default_factory=Options)
    new_parties: list[str] = field(default_factory=list)


def _cell(raw: dict[str, str], name: str) -> str:
    return restore(raw.get(name, "") or "").strip()


def _column(path: str, owners: list[str]) -> str:
    """The CSV column a problem of the activity input belongs to."""
    head, _, rest = path.partition("/")
    if head == "parties" and rest:
        return owners[int(rest.split("/")[0])]
    return head


def _read_row(line: int, raw: dict[str, str], problems: Problems) -> Row | None:
    """One CSV row mapped onto the activity input; its problems come back by column."""
    given: dict[str, Any] = {name: _cell(raw, name) for name in FIELDS if name not in ("parties", "sources")}
    parties, owners = [], []
    for column, role in ROLE_COLUMNS.items():
        for name in multivalue.split(_cell(raw, column)):
            parties.append({"party": restore(name), "role": role})
            owners.append(column)
    given["parties"] = parties
    given["sources"] = [
        dict(zip(("citation", "url"), multivalue.parse_source(restore(item)), strict=True))
        for item in multivalue.split(_cell(raw, "sources"))
    ]
    try:
        return Row(line, ActivityInput.parse(given))
    except Invalid as invalid:
        for problem in invalid.problems:
            problems.add(line, _column(problem.field, owners), problem.message)
        return None


def plan(session: Session, conflict: Conflict, data: bytes, options: Options) -> Plan:
    """Check ``data`` whole and say what importing it would do; writes nothing."""
    result = Plan(conflict_id=conflict.id, options=options)
    try:
        text = decode(data)
        found = [
            row for line, raw in records(text, columns.ACTIVITIES, result.problems)
            if (row := _read_row(line, raw, result.problems)) is not None
        ]  # fmt: skip
    except Unreadable as error:
        result.fatal = str(error)
        return result
    if not found and not result.problems:
        result.fatal = "The file has a header but no rows."
        return result
    _resolve(session, conflict, found, result)
    return result


def _spell_as_recorded(session: Session, found: list[Row]) -> None:
    """Party names as the tracker spells them (names are unique whatever their case); a name
    the tracker lacks keeps the first spelling the file gives it."""
    lowered = {name.lower() for row in found for name, _ in row.party_names}
    if not lowered:
        return
    spelling = {
        name.lower(): name
        for name in session.scalars(sa.select(Party.name).where(sa.func.lower(Party.name).in_(lowered)))
    }
    for row in found:
        for name, _role in row.party_names:
            spelling.setdefault(name.lower(), name)
        links = tuple(PartyLink(spelling[str(link.party).lower()], link.role) for link in row.data.parties)
        row.data = dataclasses.replace(row.data, parties=links)


def _resolve(session: Session, conflict: Conflict, found: list[Row], result: Plan) -> None:
    """Match rows with existing activities and parties (three queries for the whole file)."""
    existing = {
        (d, ActivityType(t).value, title): aid
        for aid, d, t, title in session.execute(
            sa.select(Activity.id, Activity.date, Activity.type, Activity.title).where(
                Activity.conflict_id == conflict.id
            )
        )
    }
    _spell_as_recorded(session, found)  # "russia" is the party Russia
    names = {name for row in found for name, _ in row.party_names}
    known = dict(session.execute(sa.select(Party.name, Party.id).where(Party.name.in_(names))).all()) if names else {}
    unknown = sorted(names - set(known))
    if unknown and result.options.new_party_kind is None:
        first_line = {name: next(r.line for r in found if name in {n for n, _ in r.party_names}) for name in unknown}
        for name in unknown:
            result.problems.add(
                first_line[name], "parties", f"no party named {name!r}: create it first, or ask the import to create it"
            )
        return
    result.new_parties = unknown
    if not result.options.add_missing_parties:
        involved = set(session.scalars(
            sa.select(Party.name).join(Participation, Participation.party_id == Party.id)
            .where(Participation.conflict_id == conflict.id)
        ))  # fmt: skip
        for row in found:
            outside = sorted({name for name, _ in row.party_names} - involved)
            if outside:
                result.problems.add(
                    row.line, "parties",
                    f"not parties to this conflict: {', '.join(outside)} (give them a role first, "
                    "or ask the import to add them as observers)",
                )  # fmt: skip
    direct = set(session.scalars(
        sa.select(Party.name).join(Participation, Participation.party_id == Party.id)
        .where(Participation.conflict_id == conflict.id, Participation.role == Role.PRIMARY)
    ))  # fmt: skip
    seen: dict[tuple, int] = {}
    for row in found:
        from_outside = any(role == ActivityPartyRole.INITIATOR and name not in direct for name, role in row.party_names)
        try:
            rules.incentive_applies(row.data.type, row.data.incentive, outside_initiator=from_outside)
        except rules.FieldError as error:
            result.problems.add(row.line, error.field, str(error))
            continue
        if row.key in seen:
            result.problems.add(row.line, "title", f"repeats line {seen[row.key]} (same date, type and title)")
            continue
        seen[row.key] = row.line
        row.existing_id = existing.get((row.key[0], row.key[1], row.key[2]))
        result.rows.append(row)
    _compare(session, [r for r in result.rows if r.existing_id is not None], result.options)


#: The columns of a row compared with the recorded activity (as the export names them).
_COMPARED = tuple(f for f in COLUMNS if not f.endswith("_precision"))


def _compare(session: Session, rows: list[Row], options: Options) -> None:
    """Say, for each row matching a recorded activity, which columns differ: none makes it
    ``unchanged``; otherwise it is updated or skipped, as the options say. Parties and sources
    are compared as sets (their order is not a change)."""
    ids = [r.existing_id for r in rows if r.existing_id is not None]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        activities = {
            a.id: a for a in session.scalars(
                sa.select(Activity).where(Activity.id.in_(part))
                .options(selectinload(Activity.parties).selectinload(ActivityParty.party), selectinload(Activity.sources))
            )
        }  # fmt: skip
        for row in rows[chunk : chunk + 500]:
            activity = activities[row.existing_id or 0]
            values = row.data.columns()
            row.changes = [name for name in _COMPARED if getattr(activity, name) != values[name]]
            if (activity.date_precision, activity.end_date_precision) != (
                values["date_precision"],
                values["end_date_precision"],
            ):
                row.changes += [n for n in ("date", "end_date") if n not in row.changes]
            if {(link.party.name, link.role) for link in activity.parties} != set(row.party_names):
                row.changes.append("parties")
            if {(s.citation, s.url) for s in activity.sources} != set(row.data.source_pairs()):
                row.changes.append("sources")
            if not row.changes:
                row.action = "unchanged"
            else:
                row.action = "update" if options.on_duplicate == "update" else "skip"


@audit.through("import")
def apply(session: Session, conflict: Conflict, result: Plan, *, recorded_by: int | None) -> dict[str, int]:
    """Write a clean plan through the activity service, in the session's transaction; the
    caller commits (or rolls back): all or nothing."""
    if not result.ok:
        raise rules.RuleError("the import has problems; nothing was written")
    from tracker.parties.service import create_party

    kind = result.options.new_party_kind
    for name in result.new_parties:
        assert kind is not None  # the plan names new parties only when asked to create them
        status = {
            PartyKind.STATE: RecognitionStatus.RECOGNIZED,
            PartyKind.STATE_LIKE: RecognitionStatus.UNRECOGNIZED,
        }.get(kind, RecognitionStatus.NOT_APPLICABLE)
        create_party(session, PartyInput(name=name, kind=kind, recognition_status=status,
                                         description="Created by a CSV import; check its kind and recognition status."))  # fmt: skip
    names = {name for row in result.rows for name, _ in row.party_names}
    ids = dict(session.execute(sa.select(Party.name, Party.id).where(Party.name.in_(names))).all()) if names else {}
    counts = {"created": 0, "updated": 0, "skipped": 0, "unchanged": 0}
    new: list[ActivityInput] = []
    lines: list[int] = []
    for row in result.rows:
        data = row.data.with_parties([(ids[name], role) for name, role in row.party_names])
        counts[{"create": "created", "update": "updated", "unchanged": "unchanged"}.get(row.action, "skipped")] += 1
        if row.action == "create":
            new.append(data)
            lines.append(row.line)
        elif row.action == "update":
            activity = service.load_for_edit(session, row.existing_id or 0)
            if activity is None:
                raise rules.RuleError(f"line {row.line}: the activity it updates was deleted meanwhile")
            try:
                service.update_activity(
                    session, activity, data, version=None, add_missing_parties=result.options.add_missing_parties
                )
            except rules.RuleError as error:
                raise rules.RuleError(f"line {row.line}: {error}") from None
    try:
        service.create_many(
            session, conflict, new, recorded_by=recorded_by, add_missing_parties=result.options.add_missing_parties
        )
    except service.ItemError as error:
        raise rules.RuleError(f"line {lines[error.index]}: {error}") from None
    return counts
