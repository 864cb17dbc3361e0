"""Importing parties from CSV in the parties export's format (matched by name)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import audit, rules
from tracker.exports import columns
from tracker.exports.csvfile import restore
from tracker.imports.reader import Plan, Problems, Unreadable, decode, records
from tracker.inputs.base import Invalid
from tracker.inputs.records import PartyInput
from tracker.models import Party
from tracker.parties import service


@dataclass
class PartyRow:
    line: int
    data: PartyInput
    action: str = "create"
    existing_id: int | None = None


@dataclass
class PartyPlan(Plan):
    on_duplicate: str = "skip"


def _read(line: int, raw: dict[str, str], problems: Problems) -> PartyRow | None:
    """One CSV row mapped onto the party input; its problems come back by column."""
    given = {name: restore(raw.get(name, "") or "").strip() for name in PartyInput.SPEC}
    try:
        return PartyRow(line, PartyInput.parse(given))
    except Invalid as invalid:
        for problem in invalid.problems:
            problems.add(line, problem.field, problem.message)
        return None


def plan(session: Session, data: bytes, on_duplicate: str = "skip") -> PartyPlan:
    result = PartyPlan(on_duplicate=on_duplicate)
    try:
        found = [
            row
            for line, raw in records(decode(data), columns.PARTIES, result.problems)
            if (row := _read(line, raw, result.problems))
        ]
    except Unreadable as error:
        result.fatal = str(error)
        return result
    if not found and not result.problems:
        result.fatal = "The file has a header but no rows."
        return result
    # Names are unique whatever their case: "germany" is the party Germany, here and in the file.
    names = {r.data.name.lower() for r in found}
    existing = {
        name.lower(): pid
        for name, pid in session.execute(sa.select(Party.name, Party.id).where(sa.func.lower(Party.name).in_(names)))
    }
    seen: dict[str, int] = {}
    for row in found:
        name = row.data.name.lower()
        if name in seen:
            result.problems.add(row.line, "name", f"repeats line {seen[name]} (names differ only in case)")
            continue
        seen[name] = row.line
        row.existing_id = existing.get(name)
        if row.existing_id is not None:
            row.action = "update" if on_duplicate == "update" else "skip"
        result.rows.append(row)
    return result


@audit.through("import")
def apply(session: Session, result: PartyPlan) -> dict[str, int]:
    if not result.ok:
        raise rules.RuleError("the import has problems; nothing was written")
    counts = {"created": 0, "updated": 0, "skipped": 0}
    for row in result.rows:
        if row.action == "create":
            service.create_party(session, row.data)
            counts["created"] += 1
        elif row.action == "update":
            service.update_party(session, session.get_one(Party, row.existing_id), row.data, version=None)
            counts["updated"] += 1
        else:
            counts["skipped"] += 1
    return counts
