"""The activities export: one row per activity, streamed.

Three cursors walk the same filtered activities in the same order (activities; their party
links with names; their sources) and are merged row by row, so memory stays flat whatever the
number of activities, and no ORM entity is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from functools import partial
from uuid import uuid4
from typing import Any

import sqlalchemy as sa

from tracker import cameo
from tracker.activities.filters import ActivityFilter
from tracker.exports import columns, multivalue
from tracker.exports.csvfile import neutralise
from tracker.models import Activity, ActivityParty, Conflict, Party, Source, User
from tracker.vocab import ActivityType

HEADER = columns.names(columns.ACTIVITIES)
BATCH = 2_000


def _scoped(stmt: sa.Select, conflict_id: int | None, flt: ActivityFilter) -> sa.Select:
    if conflict_id is not None:
        stmt = stmt.where(Activity.conflict_id == conflict_id)
    return flt.apply(stmt).order_by(Activity.conflict_id, Activity.date, Activity.id)


def stamp(value: Any) -> str:
    """A moment in ISO 8601, UTC. SQLite hands back its stored text (naive UTC), read raw."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"{value[:10]}T{value[11:19]}+00:00"
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="seconds")


def _day(value: Any, precision: str) -> str:
    """A date (object, or SQLite's stored text) at its precision: 1978, 1978-09, 1978-09-17."""
    text = value if isinstance(value, str) else value.isoformat()
    return text[:4] if precision == "year" else text[:7] if precision == "month" else text[:10]


def _plain(column: Any) -> Any:
    """The column's stored key as a plain string (no enum built per value)."""
    return sa.type_coerce(column, sa.String())


def _stream(connection: sa.Connection, stmt: sa.Select) -> Iterator[tuple[Any, ...]]:
    """The rows of ``stmt`` as plain tuples, straight from a driver cursor (server-side on
    PostgreSQL), ``BATCH`` at a time: no result objects per row on the hot path."""
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positiontup is not None:
        arguments: Any = tuple(params[name] for name in compiled.positiontup)
    else:
        arguments = params
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"export_{uuid4().hex}")
        cursor.itersize = BATCH
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(compiled.string, arguments)
        while batch := cursor.fetchmany(BATCH):
            yield from batch
    finally:
        cursor.close()


def rows(connection: sa.Connection, conflict_id: int | None, flt: ActivityFilter) -> Iterator[list[Any]]:
    """The export's rows, in timeline order (conflict, date, id), text cells neutralised."""
    # Names of conflicts, parties and users: small tables, read once instead of joined per row.
    conflicts = dict(connection.execute(sa.select(Conflict.id, Conflict.name)).all())
    parties = dict(connection.execute(sa.select(Party.id, Party.name)).all())
    users = dict(connection.execute(sa.select(User.id, User.email)).all())
    main = _scoped(
        sa.select(
            Activity.id, Activity.conflict_id, Activity.recorded_by_id, _plain(Activity.date),
            _plain(Activity.date_precision), _plain(Activity.end_date), _plain(Activity.type), _plain(Activity.track),
            _plain(Activity.scope), _plain(Activity.official_level), _plain(Activity.form), _plain(Activity.purpose),
            _plain(Activity.effect), _plain(Activity.incentive), Activity.title, Activity.description,
            _plain(Activity.recorded_at), _plain(Activity.updated_at), _plain(Activity.end_date_precision),
            Activity.cameo_code,
        ),
        conflict_id, flt,
    )  # fmt: skip
    links = _scoped(
        sa.select(ActivityParty.activity_id, _plain(ActivityParty.role), ActivityParty.party_id)
        .join(Activity, Activity.id == ActivityParty.activity_id),
        conflict_id, flt,
    ).order_by(ActivityParty.position)
    sources = _scoped(
        sa.select(Source.activity_id, Source.citation, Source.url).join(Activity, Activity.id == Source.activity_id),
        conflict_id, flt,
    ).order_by(Source.position)
    flat = partial(_stream, connection)
    link_rows = flat(links)
    source_rows = flat(sources)
    link = next(link_rows, None)
    source = next(source_rows, None)
    labels = {k.value: k.label for k in ActivityType}
    weights = {c.code: (c.goldstein, c.quad_class.value) for c in cameo.codes().values()}
    safe, join, fmt = neutralise, multivalue.join, multivalue.format_source
    for row in flat(main):
        activity_id = row[0]
        by_role: dict[str, list[str]] = {"initiator": [], "target": [], "participant": [], "mediator": []}
        while link is not None and link[0] == activity_id:
            by_role[link[1]].append(parties[link[2]])
            link = next(link_rows, None)
        cited = []
        while source is not None and source[0] == activity_id:
            cited.append(fmt(source[1], source[2]))
            source = next(source_rows, None)
        goldstein, quad = weights.get(row[19], ("", ""))
        yield [
            activity_id, row[1], safe(conflicts[row[1]]), _day(row[3], row[4]), row[4],
            _day(row[5], row[18]) if row[5] else "", row[6], labels[row[6]], row[19], goldstein, quad, row[7], row[8], row[9], row[10], row[11],
            row[12], row[13] or "", safe(row[14]), safe(row[15]), safe(join(by_role["initiator"])),
            safe(join(by_role["target"])), safe(join(by_role["participant"])), safe(join(by_role["mediator"])),
            safe(join(cited)), safe(users.get(row[2], "")), stamp(row[16]), stamp(row[17]),
        ]  # fmt: skip
