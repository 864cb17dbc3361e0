"""Row streams of the smaller exports: conflicts, parties, participations, recognitions, audit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker import audit as audit_queries
from tracker.conflicts.queries import current_phase_column
from tracker.exports import multivalue
from tracker.exports.activities import stamp
from tracker.models import (
    Activity, AuditEntry, Conflict, Participation, ParticipationMotive, ParticipationSupportKind, Party,
    Recognition, User,
)  # fmt: skip
from tracker.rules import format_partial_date
from tracker.vocab import Motive, SupportKind

BATCH = 2_000


def _stream(connection: sa.Connection, stmt: sa.Select) -> Iterator[sa.Row]:
    yield from connection.execution_options(stream_results=True, yield_per=BATCH).execute(stmt)


def _partial(value: Any, precision: Any) -> str:
    """A date as it was given: ``1978``, ``1978-09`` or ``1978-09-17`` (empty for none)."""
    return format_partial_date(value, precision) if value is not None else ""


def conflicts(connection: sa.Connection) -> Iterator[list[Any]]:
    counts = sa.select(sa.func.count(Activity.id)).where(Activity.conflict_id == Conflict.id).scalar_subquery()
    stmt = sa.select(
        Conflict.id, Conflict.slug, Conflict.name, Conflict.type, Conflict.region, current_phase_column(),
        Conflict.start_date, Conflict.end_date, counts, Conflict.ucdp_id, Conflict.acled_id, Conflict.pax_process,
        Conflict.summary, Conflict.start_date_precision, Conflict.end_date_precision,
    ).order_by(Conflict.name)  # fmt: skip
    for row in _stream(connection, stmt):
        yield [row[0], row[1], row[2], row[3], row[4], row[5] or "", _partial(row[6], row[13]), _partial(row[7], row[14]),
               row[8], row[9] or "", row[10] or "", row[11] or "", row[12]]  # fmt: skip


def parties(connection: sa.Connection) -> Iterator[list[Any]]:
    stmt = sa.select(
        Party.id, Party.name, Party.full_name, Party.kind, Party.recognition_status, Party.country_code, Party.description
    ).order_by(Party.name)
    for row in _stream(connection, stmt):
        yield [row[0], row[1], row[2] or "", row[3], row[4], row[5] or "", row[6]]


def participations(connection: sa.Connection) -> Iterator[list[Any]]:
    supported = aliased(Party)
    stmt = (
        sa.select(
            Participation.id, Conflict.slug, Party.name, Participation.role, supported.name, Participation.capacity,
            Participation.leverage, Participation.since, Participation.until, Participation.notes,
            Participation.since_precision, Participation.until_precision, Participation.side,
        )
        .join(Conflict, Conflict.id == Participation.conflict_id)
        .join(Party, Party.id == Participation.party_id)
        .outerjoin(supported, supported.id == Participation.supports_id)
        .order_by(Conflict.slug, Party.name, Participation.id)
    )  # fmt: skip
    kinds: dict[int, list[str]] = {}
    for pid, kind in connection.execute(sa.select(ParticipationSupportKind.participation_id, ParticipationSupportKind.kind)):
        kinds.setdefault(pid, []).append(SupportKind(kind).value)
    motives: dict[int, list[str]] = {}
    for pid, motive in connection.execute(sa.select(ParticipationMotive.participation_id, ParticipationMotive.motive)):
        motives.setdefault(pid, []).append(Motive(motive).value)
    for row in _stream(connection, stmt):
        yield [
            row[0], row[1], row[2], row[3], row[12] or "", row[4] or "",
            multivalue.join([k for k in SupportKind.keys() if k in kinds.get(row[0], [])]),
            row[5] or "", multivalue.join([m for m in Motive.keys() if m in motives.get(row[0], [])]),
            row[6] or "", _partial(row[7], row[10]), _partial(row[8], row[11]), row[9],
        ]  # fmt: skip


def recognitions(connection: sa.Connection) -> Iterator[list[Any]]:
    recognizer, recognized = aliased(Party), aliased(Party)
    stmt = (
        sa.select(Recognition.id, recognizer.name, recognized.name, Recognition.status, Recognition.since,
                  Recognition.until, Recognition.source, Recognition.source_url, Recognition.since_precision,
                  Recognition.until_precision)
        .join(recognizer, recognizer.id == Recognition.recognizer_id)
        .join(recognized, recognized.id == Recognition.recognized_id)
        .order_by(Recognition.since, Recognition.id)
    )  # fmt: skip
    for row in _stream(connection, stmt):
        yield [row[0], row[1], row[2], row[3], _partial(row[4], row[8]), _partial(row[5], row[9]), row[6], row[7] or ""]


def audit(connection: sa.Connection, **filters: Any) -> Iterator[list[Any]]:
    stmt = (
        sa.select(AuditEntry.id, AuditEntry.at, User.email, AuditEntry.actor, AuditEntry.action, AuditEntry.record_type,
                  AuditEntry.record_id, AuditEntry.summary, AuditEntry.changes)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(*audit_queries.log_conditions(**filters))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )  # fmt: skip
    for row in _stream(connection, stmt):
        yield [row[0], stamp(row[1]), row[2] or row[3], row[4], row[5], row[6], row[7],
               json.dumps(row[8], ensure_ascii=False, sort_keys=True)]  # fmt: skip
