"""Row streams of the smaller exports: conflicts, parties, participations, recognitions, audit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker import audit as audit_queries
from tracker.conflicts.queries import current_phase_column
from tracker.exports import columns, multivalue
from tracker.exports.activities import stamp
from tracker.exports.serializers import Getter, csv_row, field
from tracker.models import (
    Activity,
    AuditEntry,
    Conflict,
    Participation,
    ParticipationMotive,
    ParticipationSupportKind,
    Party,
    Recognition,
    User,
)  # fmt: skip
from tracker.rules import format_partial_date
from tracker.vocab import Motive, SupportKind

BATCH = 2_000


def _stream(connection: sa.Connection, stmt: sa.Select) -> Iterator[sa.Row]:
    yield from connection.execution_options(stream_results=True, yield_per=BATCH).execute(stmt)


def _partial(value: Any, precision: Any) -> str:
    """A date as it was given: ``1978``, ``1978-09`` or ``1978-09-17`` (empty for none)."""
    return format_partial_date(value, precision) if value is not None else ""


def _date(label: str) -> Getter:
    """A partial date and its precision (``label`` and ``label_precision``), as given."""
    return Getter(lambda r: _partial(getattr(r, label), getattr(r, f"{label}_precision")))


def _key(label: str) -> Getter:
    """A codebook key (``None`` for nothing)."""
    return Getter(lambda r: _value(getattr(r, label)))


def _value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


CONFLICT = {
    "conflict_id": field("id"), "slug": field("slug"), "name": field("name", text=True), "type": _key("type"),
    "region": field("region", text=True), "phase": _key("phase"), "start_date": _date("start_date"),
    "end_date": _date("end_date"), "activities": field("activities"), "ucdp_id": field("ucdp_id", text=True),
    "acled_id": field("acled_id", text=True), "pax_process": field("pax_process", text=True),
    "summary": field("summary", text=True),
}  # fmt: skip
PARTY = {
    "party_id": field("id"), "name": field("name", text=True), "full_name": field("full_name", text=True),
    "kind": _key("kind"), "recognition_status": _key("recognition_status"), "country_code": field("country_code"),
    "description": field("description", text=True),
}  # fmt: skip
PARTICIPATION = {
    "participation_id": field("id"), "conflict": field("conflict"), "party": field("party", text=True),
    "role": _key("role"), "side": _key("side"), "supports": field("supports", text=True),
    "support_kinds": field("support_kinds"), "capacity": _key("capacity"), "motives": field("motives"),
    "leverage": _key("leverage"), "since": _date("since"), "until": _date("until"), "notes": field("notes", text=True),
}  # fmt: skip
RECOGNITION = {
    "recognition_id": field("id"), "recognizer": field("recognizer", text=True),
    "recognized": field("recognized", text=True), "status": _key("status"), "since": _date("since"),
    "until": _date("until"), "source": field("source", text=True), "source_url": field("source_url", text=True),
}  # fmt: skip
AUDIT = {
    "entry_id": field("id"), "at": Getter(lambda r: stamp(r.at)),
    "user": Getter(lambda r: r.email or r.actor, text=True), "action": _key("action"),
    "record_type": field("record_type"), "record_id": field("record_id"), "summary": field("summary", text=True),
    "changes": Getter(lambda r: json.dumps(r.changes, ensure_ascii=False, sort_keys=True), text=True),
}  # fmt: skip


def conflict_items(connection: sa.Connection, slug: str | None = None) -> Iterator[sa.Row]:
    """Every conflict (or the one under ``slug``) with its current phase and activity count."""
    counts = sa.select(sa.func.count(Activity.id)).where(Activity.conflict_id == Conflict.id).scalar_subquery()
    stmt = sa.select(
        Conflict.id, Conflict.slug, Conflict.name, Conflict.type, Conflict.region, current_phase_column().label("phase"),
        Conflict.start_date, Conflict.start_date_precision, Conflict.end_date, Conflict.end_date_precision,
        counts.label("activities"), Conflict.ucdp_id, Conflict.acled_id, Conflict.pax_process, Conflict.summary,
    ).order_by(Conflict.name)  # fmt: skip
    if slug is not None:
        stmt = stmt.where(Conflict.slug == slug)
    yield from _stream(connection, stmt)


def conflicts(connection: sa.Connection) -> Iterator[list[Any]]:
    row = csv_row(CONFLICT, columns.CONFLICTS)
    for item in conflict_items(connection):
        yield row(item)


def party_items(connection: sa.Connection, party_id: int | None = None) -> Iterator[sa.Row]:
    """Every party by name (or the one with ``party_id``)."""
    stmt = sa.select(
        Party.id,
        Party.name,
        Party.full_name,
        Party.kind,
        Party.recognition_status,
        Party.country_code,
        Party.description,
    ).order_by(Party.name)
    if party_id is not None:
        stmt = stmt.where(Party.id == party_id)
    yield from _stream(connection, stmt)


def parties(connection: sa.Connection) -> Iterator[list[Any]]:
    row = csv_row(PARTY, columns.PARTIES)
    for item in party_items(connection):
        yield row(item)


def participations(connection: sa.Connection) -> Iterator[list[Any]]:
    supported = aliased(Party)
    kinds = sa.select(ParticipationSupportKind.participation_id, ParticipationSupportKind.kind)
    motives = sa.select(ParticipationMotive.participation_id, ParticipationMotive.motive)
    chosen: dict[str, dict[int, set[str]]] = {"support_kinds": {}, "motives": {}}
    for name, keyed in (("support_kinds", kinds), ("motives", motives)):
        for pid, key in connection.execute(keyed):
            chosen[name].setdefault(pid, set()).add(_value(key))
    stmt = (
        sa.select(
            Participation.id, Conflict.slug.label("conflict"), Party.name.label("party"), Participation.role,
            Participation.side, supported.name.label("supports"), Participation.capacity, Participation.leverage,
            Participation.since, Participation.since_precision, Participation.until, Participation.until_precision,
            Participation.notes,
        )
        .join(Conflict, Conflict.id == Participation.conflict_id)
        .join(Party, Party.id == Participation.party_id)
        .outerjoin(supported, supported.id == Participation.supports_id)
        .order_by(Conflict.slug, Party.name, Participation.id)
    )  # fmt: skip

    def listed(name: str, keys: list[str]) -> Getter:
        return Getter(lambda r: multivalue.join([k for k in keys if k in chosen[name].get(r.id, ())]))

    table = PARTICIPATION | {"support_kinds": listed("support_kinds", SupportKind.keys()),
                             "motives": listed("motives", Motive.keys())}  # fmt: skip
    row = csv_row(table, columns.PARTICIPATIONS)
    for item in _stream(connection, stmt):
        yield row(item)


def recognitions(connection: sa.Connection) -> Iterator[list[Any]]:
    recognizer, recognized = aliased(Party), aliased(Party)
    stmt = (
        sa.select(Recognition.id, recognizer.name.label("recognizer"), recognized.name.label("recognized"),
                  Recognition.status, Recognition.since, Recognition.since_precision, Recognition.until,
                  Recognition.until_precision, Recognition.source, Recognition.source_url)
        .join(recognizer, recognizer.id == Recognition.recognizer_id)
        .join(recognized, recognized.id == Recognition.recognized_id)
        .order_by(Recognition.since, Recognition.id)
    )  # fmt: skip
    row = csv_row(RECOGNITION, columns.RECOGNITIONS)
    for item in _stream(connection, stmt):
        yield row(item)


def audit(connection: sa.Connection, **filters: Any) -> Iterator[list[Any]]:
    stmt = (
        sa.select(AuditEntry.id, AuditEntry.at, User.email, AuditEntry.actor, AuditEntry.action, AuditEntry.record_type,
                  AuditEntry.record_id, AuditEntry.summary, AuditEntry.changes)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(*audit_queries.log_conditions(**filters))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )  # fmt: skip
    row = csv_row(AUDIT, columns.AUDIT)
    for item in _stream(connection, stmt):
        yield row(item)
