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
    """The first and last date the filter leaves, and the bucket they call for.

    ``count`` is filled in by :func:`mix` (it falls out of the track counts for free).
    """
    first, last = session.execute(_base(conflict_id, flt, sa.func.min(Activity.date), sa.func.max(Activity.date))).one()
    return Span(0, first, last, choose(first, last))


@dataclass
class Series:
    """Counts per bucket and per key: ``values[key][i]`` is the count in ``buckets[i]``."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    keys: list[str]
    values: dict[str, list[int]] = field(default_factory=dict)

    def totals(self) -> list[int]:
        return [sum(self.values[k][i] for k in self.keys) for i in range(len(self.buckets))]


@dataclass
class Mix:
    tracks: Series
    incentives: Series
    types: list[tuple[str, int]]
    purposes: list[tuple[str, int]]
    effects: list[tuple[str, int]]


#: What :func:`mix` groups by: name -> (column, vocabulary, per bucket?)
_MIX = {
    "track": (Activity.track, Track, True),
    "incentive": (Activity.incentive, Incentive, True),
    "type": (Activity.type, ActivityType, False),
    "purpose": (Activity.purpose, Purpose, False),
    "effect": (Activity.effect, Effect, False),
}


def mix(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> Mix:
    """Tracks and incentives per bucket; types, purposes and effects overall: one statement
    (a ``UNION ALL`` of five ``GROUP BY``s)."""
    year, *part = bucketing.columns()
    no_int = sa.cast(sa.null(), sa.Integer)
    branches = []
    for name, (column, _vocab, per_bucket) in _MIX.items():
        bucket = [year, part[0] if part else no_int.label("b_part")] if per_bucket else [no_int.label("b_year"), no_int.label("b_part")]
        stmt = _base(conflict_id, flt, sa.literal(name).label("kind"), *bucket, sa.cast(column, sa.String).label("key"), sa.func.count().label("n"))
        if name == "incentive":
            stmt = stmt.where(column.is_not(None))
        branches.append(stmt.group_by(*([year, *part] if per_bucket else []), column))
    rows = session.execute(sa.union_all(*branches)).all()
    totals: dict[str, dict[str, int]] = {name: {} for name in _MIX}
    per_bucket_rows: dict[str, list[Any]] = {"track": [], "incentive": []}
    for row in rows:
        if row.kind in per_bucket_rows:
            per_bucket_rows[row.kind].append(row)
        else:
            totals[row.kind][row.key] = totals[row.kind].get(row.key, 0) + int(row.n)
    series = {}
    for name, vocab in (("track", Track), ("incentive", Incentive)):
        series[name] = _arrange(per_bucket_rows[name], bucketing, vocab.keys())
    return Mix(
        tracks=series["track"],
        incentives=series["incentive"],
        **{f"{name}s": [(k, totals[name].get(k, 0)) for k in _MIX[name][1].keys()] for name in ("type", "purpose", "effect")},
    )


def _arrange(rows: list[Any], bucketing: Bucketing, keys: list[str]) -> Series:
    """Grouped rows ``(b_year, b_part, key, n)`` as a series over every bucket of their span."""
    if not rows:
        return Series([], [], keys, {k: [] for k in keys})
    present = sorted({bucketing.key(r) for r in rows})
    buckets = bucketing.span(present[0], present[-1])
    index = {b: i for i, b in enumerate(buckets)}
    values = {k: [0] * len(buckets) for k in keys}
    for row in rows:
        values[row.key][index[bucketing.key(row)]] += int(row.n)
    return Series(buckets, [bucketing.label(b) for b in buckets], keys, values)


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


def _party_rows(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> list[Any]:
    """Per party and bucket: the highest level's rank and the party's involvements (links to
    activities), grouped over the join of links and activities; names joined afterwards."""
    cols = bucketing.columns()
    grouped = flt.apply(
        sa.select(ActivityParty.party_id, *cols, sa.func.max(_RANK_CASE).label("rank"), sa.func.count().label("n"))
        .select_from(ActivityParty)
        .join(Activity, Activity.id == ActivityParty.activity_id)
        .where(Activity.conflict_id == conflict_id)
        .group_by(ActivityParty.party_id, *cols)
    ).subquery()
    stmt = sa.select(grouped, Party.name).join(Party, Party.id == grouped.c.party_id)
    return list(session.execute(stmt))


def parties_over_time(session: Session, conflict_id: int, flt: ActivityFilter, bucketing: Bucketing) -> tuple[Ladder, Swimlanes]:
    """The official-level ladder and the swimlanes, from one grouped join."""
    rows = _party_rows(session, conflict_id, flt, bucketing)
    if not rows:
        return Ladder([], [], [], {}), Swimlanes([], [], [])
    present = sorted({bucketing.key(r) for r in rows})
    buckets = bucketing.span(present[0], present[-1])
    labels = [bucketing.label(b) for b in buckets]
    index = {b: i for i, b in enumerate(buckets)}
    rungs: dict[int, dict[int, OfficialLevel]] = {}
    counts: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for row in rows:
        i = index[bucketing.key(row)]
        names[row.party_id] = row.name
        rungs.setdefault(row.party_id, {})[i] = _LEVEL_OF_RANK[int(row.rank)]
        counts.setdefault(row.party_id, [0] * len(buckets))[i] += int(row.n)
    parties = sorted(names.items(), key=lambda item: item[1])
    ladder = Ladder(buckets, labels, parties, {pid: dict(sorted(r.items())) for pid, r in rungs.items()})
    return ladder, Swimlanes(buckets, labels, [(pid, name, counts[pid]) for pid, name in parties])


@dataclass
class Swimlanes:
    """Per party, how many activities it took part in per bucket (each mark links to them)."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    lanes: list[tuple[int, str, list[int]]]  # party id, name, counts per bucket
