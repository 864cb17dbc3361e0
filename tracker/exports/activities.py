"""The activities export: one row per activity, streamed.

Three cursors walk the same filtered activities in the same order (activities; their party
links with names; their sources) and are merged row by row, so memory stays flat whatever the
number of activities, and no ORM entity is built.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from typing import Any
from uuid import uuid4

import sqlalchemy as sa

from tracker import cameo
from tracker.activities.filters import ActivityFilter
from tracker.exports import columns, multivalue
from tracker.exports.serializers import Getter, csv_row, field
from tracker.models import Activity, ActivityParty, Conflict, Party, Source, User
from tracker.vocab import ActivityType

BATCH = 2_000


def _scoped(
    stmt: sa.Select, conflict_id: int | None, flt: ActivityFilter, ids: Sequence[int] | None = None
) -> sa.Select:
    if conflict_id is not None:
        stmt = stmt.where(Activity.conflict_id == conflict_id)
    if ids is not None:
        stmt = stmt.where(Activity.id.in_(ids))
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
    driver: Any = connection.connection.dbapi_connection
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


#: What the main query selects for each activity, by label.
def _selected() -> dict[str, Any]:
    return {
        "id": Activity.id, "conflict_id": Activity.conflict_id, "recorded_by_id": Activity.recorded_by_id,
        "date": _plain(Activity.date), "date_precision": _plain(Activity.date_precision),
        "end_date": _plain(Activity.end_date), "end_date_precision": _plain(Activity.end_date_precision),
        "type": _plain(Activity.type), "cameo_code": Activity.cameo_code, "track": _plain(Activity.track),
        "scope": _plain(Activity.scope), "official_level": _plain(Activity.official_level), "form": _plain(Activity.form),
        "purpose": _plain(Activity.purpose), "effect": _plain(Activity.effect), "incentive": _plain(Activity.incentive),
        "title": Activity.title, "description": Activity.description,
        "recorded_at": _plain(Activity.recorded_at), "updated_at": _plain(Activity.updated_at),
    }  # fmt: skip


Item = namedtuple("Item", [*_selected(), "parties", "sources"])  # type: ignore[misc]


@dataclass(frozen=True)
class Names:
    """The names an activity's row shows for ids: small tables, read once per export."""

    conflicts: dict[int, str]
    parties: dict[int, str]
    users: dict[int, str]

    @classmethod
    def read(cls, connection: sa.Connection) -> Names:
        return cls(
            dict(connection.execute(sa.select(Conflict.id, Conflict.name)).all()),
            dict(connection.execute(sa.select(Party.id, Party.name)).all()),
            dict(connection.execute(sa.select(User.id, User.email)).all()),
        )


def getters(names: Names) -> dict[str, Getter]:
    """Each column of the activities export (``columns.ACTIVITIES``), from an :class:`Item`."""
    labels = {k.value: k.label for k in ActivityType}
    weights = {c.code: (c.goldstein, c.quad_class.value) for c in cameo.codes().values()}
    join, fmt = multivalue.join, multivalue.format_source

    name_of = names.parties.__getitem__

    def parties(role: str) -> Getter:
        return Getter(
            lambda i: join(list(map(name_of, i.parties[role]))) if role in i.parties else "",
            text=True,
            json=lambda i: [{"id": pid, "name": name_of(pid)} for pid in i.parties.get(role, ())],
        )

    return {
        "activity_id": field("id"),
        "conflict_id": field("conflict_id"),
        "conflict": Getter(lambda i: names.conflicts[i.conflict_id], text=True),
        "date": Getter(lambda i: _day(i.date, i.date_precision)),
        "date_precision": field("date_precision"),
        "end_date": Getter(lambda i: _day(i.end_date, i.end_date_precision) if i.end_date else None),
        "type": field("type"),
        "type_label": Getter(lambda i: labels[i.type]),
        "cameo_code": field("cameo_code"),
        "goldstein": Getter(lambda i: weights[i.cameo_code][0] if i.cameo_code in weights else None),
        "quad_class": Getter(lambda i: weights[i.cameo_code][1] if i.cameo_code in weights else None),
        "track": field("track"),
        "scope": field("scope"),
        "official_level": field("official_level"),
        "form": field("form"),
        "purpose": field("purpose"),
        "effect": field("effect"),
        "incentive": field("incentive"),
        "title": field("title", text=True),
        "description": field("description", text=True),
        "initiators": parties("initiator"),
        "targets": parties("target"),
        "participants": parties("participant"),
        "mediators": parties("mediator"),
        "sources": Getter(
            lambda i: join([fmt(c, u) for c, u in i.sources]),
            text=True,
            json=lambda i: [{"citation": c, "url": u} for c, u in i.sources],
        ),
        "recorded_by": Getter(lambda i: names.users.get(i.recorded_by_id), text=True),
        "recorded_at": Getter(lambda i: stamp(i.recorded_at)),
        "updated_at": Getter(lambda i: stamp(i.updated_at)),
    }


def items(
    connection: sa.Connection, conflict_id: int | None, flt: ActivityFilter, ids: Sequence[int] | None = None
) -> Iterator[Any]:
    """:class:`Item` rows: the activities (``ids``: only those), in timeline order (conflict, date, id), each with
    its party links (ids by role) and sources: three cursors walked side by side, memory flat."""
    main = _scoped(sa.select(*(c.label(n) for n, c in _selected().items())), conflict_id, flt, ids)
    links = _scoped(
        sa.select(ActivityParty.activity_id, _plain(ActivityParty.role), ActivityParty.party_id).join(
            Activity, Activity.id == ActivityParty.activity_id
        ),
        conflict_id,
        flt,
        ids,
    ).order_by(ActivityParty.position)
    sources = _scoped(
        sa.select(Source.activity_id, Source.citation, Source.url).join(Activity, Activity.id == Source.activity_id),
        conflict_id,
        flt,
        ids,
    ).order_by(Source.position)
    flat = partial(_stream, connection)
    link_rows = flat(links)
    source_rows = flat(sources)
    link = next(link_rows, None)
    source = next(source_rows, None)
    make = Item._make
    for row in flat(main):
        activity_id = row[0]
        by_role: dict[str, list[int]] = {}
        while link is not None and link[0] == activity_id:
            by_role.setdefault(link[1], []).append(link[2])
            link = next(link_rows, None)
        cited = []
        while source is not None and source[0] == activity_id:
            cited.append((source[1], source[2]))
            source = next(source_rows, None)
        yield make((*row, by_role, cited))


def rows(connection: sa.Connection, conflict_id: int | None, flt: ActivityFilter) -> Iterator[list[Any]]:
    """The export's rows, in the order of ``columns.ACTIVITIES``, free text neutralised."""
    row = csv_row(getters(Names.read(connection)), columns.ACTIVITIES)
    for item in items(connection, conflict_id, flt):
        yield row(item)
