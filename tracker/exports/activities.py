"""The activities export: one row per activity, streamed.

Three cursors walk the same filtered activities in the same order (activities; their party
links with names; their sources) and are merged row by row, so memory stays flat whatever the
number of activities, and no ORM entity is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from itertools import groupby
from typing import Any

import sqlalchemy as sa

from tracker.activities.filters import ActivityFilter
from tracker.exports import columns, multivalue
from tracker.models import Activity, ActivityParty, Conflict, Party, Source, User
from tracker.rules import format_partial_date
from tracker.vocab import ActivityPartyRole, ActivityType

HEADER = columns.names(columns.ACTIVITIES)
BATCH = 2_000
_ROLES = [r.value for r in ActivityPartyRole]  # initiator, target, participant, mediator


def _scoped(stmt: sa.Select, conflict_id: int | None, flt: ActivityFilter) -> sa.Select:
    if conflict_id is not None:
        stmt = stmt.where(Activity.conflict_id == conflict_id)
    return flt.apply(stmt).order_by(Activity.conflict_id, Activity.date, Activity.id)


def stamp(value: Any) -> str:
    """A moment in ISO 8601, UTC (SQLite hands back naive UTC times)."""
    if value is None:
        return ""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="seconds")


def rows(connection: sa.Connection, conflict_id: int | None, flt: ActivityFilter) -> Iterator[list[Any]]:
    """The export's rows, in timeline order (conflict, date, id)."""
    main = _scoped(
        sa.select(
            Activity.id, Activity.conflict_id, Conflict.name, Activity.date, Activity.date_precision,
            Activity.end_date, Activity.type, Activity.track, Activity.scope, Activity.official_level,
            Activity.form, Activity.purpose, Activity.effect, Activity.incentive, Activity.title,
            Activity.description, User.email, Activity.recorded_at, Activity.updated_at,
        )
        .join(Conflict, Conflict.id == Activity.conflict_id)
        .outerjoin(User, User.id == Activity.recorded_by_id),
        conflict_id, flt,
    )  # fmt: skip
    links = _scoped(
        sa.select(ActivityParty.activity_id, ActivityParty.role, Party.name)
        .join(Activity, Activity.id == ActivityParty.activity_id)
        .join(Party, Party.id == ActivityParty.party_id),
        conflict_id, flt,
    ).order_by(ActivityParty.position)
    sources = _scoped(
        sa.select(Source.activity_id, Source.citation, Source.url).join(Activity, Activity.id == Source.activity_id),
        conflict_id, flt,
    ).order_by(Source.position)
    streaming = connection.execution_options(stream_results=True, yield_per=BATCH)
    link_groups = groupby(streaming.execute(links), key=lambda r: r[0])
    source_groups = groupby(streaming.execute(sources), key=lambda r: r[0])
    next_links = next(link_groups, None)
    next_sources = next(source_groups, None)
    for row in streaming.execute(main):
        activity_id = row[0]
        by_role: dict[str, list[str]] = {r: [] for r in _ROLES}
        if next_links is not None and next_links[0] == activity_id:
            for _aid, role, name in next_links[1]:
                by_role[role].append(name)
            next_links = next(link_groups, None)
        cited: list[str] = []
        if next_sources is not None and next_sources[0] == activity_id:
            cited = [multivalue.format_source(c, u) for _aid, c, u in next_sources[1]]
            next_sources = next(source_groups, None)
        kind = ActivityType(row[6])
        yield [
            activity_id, row[1], row[2], format_partial_date(row[3], row[4]), row[4], row[5].isoformat() if row[5] else "",
            kind.value, kind.label, kind.cameo, row[7], row[8], row[9], row[10], row[11], row[12], row[13] or "",
            row[14], row[15], multivalue.join(by_role["initiator"]), multivalue.join(by_role["target"]),
            multivalue.join(by_role["participant"]), multivalue.join(by_role["mediator"]), multivalue.join(cited),
            row[16] or "", stamp(row[17]), stamp(row[18]),
        ]  # fmt: skip
