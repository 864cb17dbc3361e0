"""The dashboard's numbers, each one ``GROUP BY`` over a conflict's filtered activities.

Every function runs one statement; Python only arranges the (small) grouped result. The
same functions feed the dashboard page and its CSV downloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.activities.filters import ActivityFilter
from tracker.dashboards.buckets import Bucketing, choose
from tracker.models import Activity, ActivityParty, Party
from tracker.vocab import LEVEL_RANK, Effect, Incentive, OfficialLevel, Purpose, Track, ActivityType


def _scope(conflict_id: int, flt: ActivityFilter) -> sa.Select:
    """The filtered activity ids of the conflict, as a subquery to aggregate over."""
    return flt.apply(sa.select(Activity.id).where(Activity.conflict_id == conflict_id))


def _base(conflict_id: int, flt: ActivityFilter, *columns: Any) -> sa.Select:
    stmt = sa.select(*columns).select_from(Activity).where(Activity.conflict_id == conflict_id)
    return flt.apply(stmt)


@dataclass
class Span:
    count: int
    first: date | None
    last: date | None
    bucketing: Bucketing


def span(session: Session, conflict_id: int, flt: ActivityFilter) -> Span:
    """How many activities the filter leaves, their first and last date, and the bucket."""
    count, first, last = session.execute(
        _base(conflict_id, flt, sa.func.count(Activity.id), sa.func.min(Activity.date), sa.func.max(Activity.date))
    ).one()
    return Span(count or 0, first, last, choose(first, last))


@dataclass
class Series:
    """Counts per bucket and per key: ``values[key][i]`` is the count in ``buckets[i]``."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    keys: list[str]
    values: dict[str, list[int]] = field(default_factory=dict)

    def totals(self) -> list[int]:
        return [sum(self.values[k][i] for k in self.keys) for i in range(len(self.buckets))]


def _series(session: Session, stmt: sa.Select, bucketing: Bucketing, keys: list[str], key_of: Any) -> Series:
    rows = session.execute(stmt).all()
    if not rows:
        return Series([], [], keys, {k: [] for k in keys})
    present = sorted({bucketing.key(r) for r in rows})
    buckets = bucketing.span(present[0], present[-1])
    index = {b: i for i, b in enumerate(buckets)}
    values = {k: [0] * len(buckets) for k in keys}
    for row in rows:
        values[key_of(row)][index[bucketing.key(row)]] += int(row.n)
    return Series(buckets, [bucketing.label(b) for b in buckets], keys, values)


def tracks_over_time(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> Series:
    """Activity counts per bucket, stacked by track."""
    cols = bucketing.columns()
    stmt = _base(conflict_id, flt, *cols, Activity.track, sa.func.count().label("n")).group_by(*cols, Activity.track)
    return _series(session, stmt, bucketing, Track.keys(), lambda r: Track(r.track).value)


def incentives_over_time(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> Series:
    """Carrots and sticks per bucket."""
    cols = bucketing.columns()
    stmt = (
        _base(conflict_id, flt, *cols, Activity.incentive, sa.func.count().label("n"))
        .where(Activity.incentive.is_not(None))
        .group_by(*cols, Activity.incentive)
    )
    return _series(session, stmt, bucketing, Incentive.keys(), lambda r: Incentive(r.incentive).value)


def counts_by(session: Session, conflict_id: int, flt: ActivityFilter, column: str) -> list[tuple[str, int]]:
    """``(key, count)`` for every key of the vocabulary of ``column``, in codebook order."""
    vocab = {"type": ActivityType, "purpose": Purpose, "effect": Effect, "track": Track}[column]
    col = getattr(Activity, column)
    got = {vocab(k).value: n for k, n in session.execute(_base(conflict_id, flt, col, sa.func.count()).group_by(col))}
    return [(k, got.get(k, 0)) for k in vocab.keys()]


_RANK_CASE = sa.case({level.value: rank for level, rank in LEVEL_RANK.items()}, value=Activity.official_level)
_LEVEL_OF_RANK = {rank: level for level, rank in LEVEL_RANK.items()}


@dataclass
class Ladder:
    """Per party, the highest official level of its activities in each bucket it was active."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    parties: list[tuple[int, str]]
    rungs: dict[int, dict[int, OfficialLevel]]  # party id -> bucket index -> level

    def shifts(self, party_id: int) -> list[tuple[int, OfficialLevel, OfficialLevel, str]]:
        """``(bucket index, from, to, "up"|"down")`` wherever the party's level changed."""
        out, previous = [], None
        for i in sorted(self.rungs.get(party_id, {})):
            level = self.rungs[party_id][i]
            if previous is not None and level != previous:
                out.append((i, previous, level, "up" if LEVEL_RANK[level] > LEVEL_RANK[previous] else "down"))
            previous = level
        return out


def level_ladder(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> Ladder:
    """The official-level ladder: ``MAX`` of the level's rank per party and bucket."""
    cols = bucketing.columns()
    stmt = (
        sa.select(ActivityParty.party_id, Party.name, *cols, sa.func.max(_RANK_CASE).label("rank"))
        .select_from(ActivityParty)
        .join(Activity, Activity.id == ActivityParty.activity_id)
        .join(Party, Party.id == ActivityParty.party_id)
        .where(Activity.id.in_(_scope(conflict_id, flt)))
        .group_by(ActivityParty.party_id, Party.name, *cols)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return Ladder([], [], [], {})
    present = sorted({bucketing.key(r) for r in rows})
    buckets = bucketing.span(present[0], present[-1])
    index = {b: i for i, b in enumerate(buckets)}
    rungs: dict[int, dict[int, OfficialLevel]] = {}
    names: dict[int, str] = {}
    for row in rows:
        names[row.party_id] = row.name
        rungs.setdefault(row.party_id, {})[index[bucketing.key(row)]] = _LEVEL_OF_RANK[int(row.rank)]
    parties = sorted(names.items(), key=lambda item: item[1])
    return Ladder(buckets, [bucketing.label(b) for b in buckets], parties, rungs)


@dataclass
class Swimlanes:
    """Per party, how many activities it took part in per bucket (each mark links to them)."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    lanes: list[tuple[int, str, list[int]]]  # party id, name, counts per bucket


def swimlanes(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> Swimlanes:
    cols = bucketing.columns()
    stmt = (
        sa.select(ActivityParty.party_id, Party.name, *cols, sa.func.count(sa.distinct(Activity.id)).label("n"))
        .select_from(ActivityParty)
        .join(Activity, Activity.id == ActivityParty.activity_id)
        .join(Party, Party.id == ActivityParty.party_id)
        .where(Activity.id.in_(_scope(conflict_id, flt)))
        .group_by(ActivityParty.party_id, Party.name, *cols)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return Swimlanes([], [], [])
    present = sorted({bucketing.key(r) for r in rows})
    buckets = bucketing.span(present[0], present[-1])
    index = {b: i for i, b in enumerate(buckets)}
    lanes: dict[int, tuple[str, list[int]]] = {}
    for row in rows:
        lanes.setdefault(row.party_id, (row.name, [0] * len(buckets)))[1][index[bucketing.key(row)]] += int(row.n)
    ordered = sorted(((pid, name, counts) for pid, (name, counts) in lanes.items()), key=lambda lane: lane[1])
    return Swimlanes(buckets, [bucketing.label(b) for b in buckets], ordered)
