"""Importing a conflict's activities from CSV in the export's own format.

:func:`plan` reads and checks the whole file without writing; :func:`apply` writes a clean
plan through the activity service, in the caller's transaction (all or nothing).
"""

from __future__ import annotations

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
from tracker.models import Activity, ActivityParty, Conflict, Participation, Party
from tracker.vocab import (
    ActivityPartyRole, ActivityType, AuditAction, DatePrecision, Effect, Form, Incentive, OfficialLevel, PartyKind, Purpose,
    RecognitionStatus, Scope, Track,
)  # fmt: skip

VOCAB_COLUMNS = {
    "type": ActivityType, "track": Track, "scope": Scope, "official_level": OfficialLevel,
    "form": Form, "purpose": Purpose, "effect": Effect,
}  # fmt: skip
ROLE_COLUMNS = {"initiators": ActivityPartyRole.INITIATOR, "targets": ActivityPartyRole.TARGET,
                "participants": ActivityPartyRole.PARTICIPANT, "mediators": ActivityPartyRole.MEDIATOR}  # fmt: skip
DUPLICATE_CHOICES = ("skip", "update")


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
    key: tuple[date, str, str]
    values: dict[str, Any]
    parties: list[tuple[str, ActivityPartyRole]]
    sources: list[tuple[str, str | None]]
    action: str = "create"  # create | update | skip | unchanged
    existing_id: int | None = None
    #: For a row matching a recorded activity: the columns where the file differs from it.
    changes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.key[2]


@dataclass
class Plan(BasePlan):
    conflict_id: int = 0
    options: Options = field(default_factory=Options)
    new_parties: list[str] = field(default_factory=list)


def _cell(raw: dict[str, str], name: str) -> str:
    return restore(raw.get(name, "") or "").strip()


def _read_row(line: int, raw: dict[str, str], problems: Problems) -> Row | None:
    before = problems.total
    values: dict[str, Any] = {}

    def check(name: str, parse: Any) -> Any:
        try:
            return parse(_cell(raw, name))
        except rules.RuleError as error:
            problems.add(line, name, str(error))
            return None

    when = check("date", lambda v: rules.partial_date(v) if v else _missing())
    end = check("end_date", lambda v: rules.partial_end(v) if v else None)
    for name, kind in VOCAB_COLUMNS.items():
        values[name] = check(name, lambda v, kind=kind: rules.vocab(kind, v) if v else _missing())
    values["incentive"] = check("incentive", lambda v: rules.vocab(Incentive, v) if v else None)
    values["cameo_code"] = check("cameo_code", lambda v: rules.cameo_code(v, values.get("type")))
    values["title"] = check("title", lambda v: rules.text(v, "title", required=True))
    values["description"] = check("description", lambda v: rules.text(v, "description"))
    if when:
        values["date"], values["date_precision"] = when
        try:
            rules.date_order(when[0], end[0] if end else None)
        except rules.RuleError as error:
            problems.add(line, "end_date", str(error))
    values["end_date"], values["end_date_precision"] = end or (None, DatePrecision.DAY)
    parties: list[tuple[str, ActivityPartyRole]] = []
    for name, role in ROLE_COLUMNS.items():
        for party in multivalue.split(_cell(raw, name)):
            try:
                parties.append((rules.text(restore(party), "name", required=True), role))
            except rules.RuleError as error:
                problems.add(line, name, str(error))
    sources = []
    for item in multivalue.split(_cell(raw, "sources")):
        try:
            sources.append(rules.source(*multivalue.parse_source(restore(item))))
        except rules.RuleError as error:
            problems.add(line, "sources", str(error))
    if not sources and problems.total == before:
        problems.add(line, "sources", "an activity needs at least one source")
    if problems.total != before:
        return None
    return Row(line, (values["date"], values["type"].value, values["title"]), values, parties, sources)


def _missing() -> None:
    raise rules.RuleError("is required")


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


def _resolve(session: Session, conflict: Conflict, found: list[Row], result: Plan) -> None:
    """Match rows with existing activities and parties (three queries for the whole file)."""
    existing = {
        (d, ActivityType(t).value, title): aid
        for aid, d, t, title in session.execute(
            sa.select(Activity.id, Activity.date, Activity.type, Activity.title).where(Activity.conflict_id == conflict.id)
        )
    }
    names = {name for row in found for name, _ in row.parties}
    known = dict(session.execute(sa.select(Party.name, Party.id).where(Party.name.in_(names))).all()) if names else {}
    unknown = sorted(names - set(known))
    if unknown and result.options.new_party_kind is None:
        first_line = {name: next(r.line for r in found if name in {n for n, _ in r.parties}) for name in unknown}
        for name in unknown:
            result.problems.add(first_line[name], "parties", f"no party named {name!r}: create it first, or ask the import to create it")
        return
    result.new_parties = unknown
    if not result.options.add_missing_parties:
        involved = set(session.scalars(
            sa.select(Party.name).join(Participation, Participation.party_id == Party.id)
            .where(Participation.conflict_id == conflict.id)
        ))  # fmt: skip
        for row in found:
            outside = sorted({name for name, _ in row.parties} - involved)
            if outside:
                result.problems.add(
                    row.line, "parties",
                    f"not parties to this conflict: {', '.join(outside)} (give them a role first, "
                    "or ask the import to add them as observers)",
                )  # fmt: skip
    seen: dict[tuple, int] = {}
    for row in found:
        if row.key in seen:
            result.problems.add(row.line, "title", f"repeats line {seen[row.key]} (same date, type and title)")
            continue
        seen[row.key] = row.line
        row.existing_id = existing.get((row.key[0], row.key[1], row.key[2]))
        result.rows.append(row)
    _compare(session, [r for r in result.rows if r.existing_id is not None], result.options)


#: The columns of a row compared with the recorded activity (as the export names them).
_COMPARED = tuple(f for f in service.FIELDS if not f.endswith("_precision"))


def _compare(session: Session, rows: list[Row], options: Options) -> None:
    """Say, for each row matching a recorded activity, which columns differ: none makes it
    ``unchanged``; otherwise it is updated or skipped, as the options say. Parties and sources
    are compared as sets (their order is not a change)."""
    ids = [r.existing_id for r in rows]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        activities = {
            a.id: a for a in session.scalars(
                sa.select(Activity).where(Activity.id.in_(part))
                .options(selectinload(Activity.parties).selectinload(ActivityParty.party), selectinload(Activity.sources))
            )
        }  # fmt: skip
        for row in rows[chunk : chunk + 500]:
            activity = activities[row.existing_id]
            values = service.clean_values(row.values)
            row.changes = [name for name in _COMPARED if getattr(activity, name) != values[name]]
            if (getattr(activity, "date_precision"), activity.end_date_precision) != (values["date_precision"], values["end_date_precision"]):
                row.changes += [n for n in ("date", "end_date") if n not in row.changes]
            if {(link.party.name, link.role) for link in activity.parties} != set(row.parties):
                row.changes.append("parties")
            if {(s.citation, s.url) for s in activity.sources} != set(row.sources):
                row.changes.append("sources")
            if not row.changes:
                row.action = "unchanged"
            else:
                row.action = "update" if options.on_duplicate == "update" else "skip"


BATCH = 500


@audit.through("import")
def apply(session: Session, conflict: Conflict, result: Plan, *, recorded_by: int | None) -> dict[str, int]:
    """Write a clean plan in the session's transaction; the caller commits (or rolls back).

    New activities go in batches with their audit entries; the plan already checked duplicates
    and parties for the whole file, so no per-row lookups are needed.
    """
    if not result.ok:
        raise rules.RuleError("the import has problems; nothing was written")
    from tracker.parties.service import create_party

    kind = result.options.new_party_kind
    for name in result.new_parties:
        status = {PartyKind.STATE: RecognitionStatus.RECOGNIZED, PartyKind.STATE_LIKE: RecognitionStatus.UNRECOGNIZED}.get(
            kind, RecognitionStatus.NOT_APPLICABLE
        )
        create_party(session, {"name": name, "kind": kind, "recognition_status": status,
                               "description": "Created by a CSV import; check its kind and recognition status."})  # fmt: skip
    names = {name for row in result.rows for name, _ in row.parties}
    by_name = {p.name: p for p in session.scalars(sa.select(Party).where(Party.name.in_(names)))} if names else {}
    by_id = {p.id: p for p in by_name.values()}
    if result.options.add_missing_parties:
        service.add_observers(session, conflict, sorted(set(by_id) - service.involved_party_ids(session, conflict)))
    counts = {"created": 0, "updated": 0, "skipped": 0, "unchanged": 0}
    batch: list[Activity] = []
    for row in result.rows:
        data = service.ActivityInput(
            values=row.values,
            links=[(by_name[name].id, role) for name, role in row.parties],
            sources=row.sources,
            add_missing_parties=result.options.add_missing_parties,
        )
        try:
            if row.action == "create":
                batch.append(service.build_activity(conflict, data, by_id, recorded_by=recorded_by))
                counts["created"] += 1
                if len(batch) == BATCH:
                    _write(session, batch)
            elif row.action == "update":
                activity = service.load_for_edit(session, row.existing_id)
                service.update_activity(session, activity, data, version=None)
                counts["updated"] += 1
            elif row.action == "unchanged":
                counts["unchanged"] += 1
            else:
                counts["skipped"] += 1
        except rules.RuleError as error:
            raise rules.RuleError(f"line {row.line}: {error}") from None
    _write(session, batch)
    return counts


def _write(session: Session, batch: list[Activity]) -> None:
    """Insert a batch of new activities, then their audit entries (two flushes)."""
    if not batch:
        return
    session.add_all(batch)
    session.flush()
    session.add_all([audit.entry(AuditAction.CREATE, activity) for activity in batch])
    session.flush()
    batch.clear()
