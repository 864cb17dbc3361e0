"""The dashboard's numbers, each one grouped statement over a conflict's filtered activities.

Every function runs one statement; Python only arranges the (small) grouped result. The
same functions feed the dashboard page and its CSV downloads.

Counts come from one of two sources with the same answers: the monthly tallies
(:mod:`tracker.models.tally`), summed, when the filter is on tracks and whole months only
(the unfiltered dashboard, a year or month range, the track mix); otherwise the activities
themselves, grouped. ``tests/test_dashboard_tallies.py`` holds the two to the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.activities.filters import ActivityFilter
from tracker.dashboards.buckets import Bucketing, choose
from tracker.models import Activity, ActivityParty, ActivityTally, Party, PartyTally
from tracker.vocab import LEVEL_RANK, Effect, Incentive, OfficialLevel, Purpose, Track, ActivityType


def _base(conflict_id: int, flt: ActivityFilter, *columns: Any) -> sa.Select:
    stmt = sa.select(*columns).select_from(Activity).where(Activity.conflict_id == conflict_id)
    return flt.apply(stmt)


def tallies_answer(flt: ActivityFilter) -> bool:
    """Whether the monthly tallies can answer ``flt``: tracks and whole months only."""
    return (
        set(flt.vocab) <= {"track"}
        and not flt.party_ids
        and (flt.date_from is None or flt.date_from.day == 1)
        and (flt.date_to is None or (flt.date_to + timedelta(days=1)).day == 1)
    )


_NO_INT = sa.cast(sa.null(), sa.Integer)
_RANK_CASE = sa.case({level.value: rank for level, rank in LEVEL_RANK.items()}, value=Activity.official_level)
_LEVEL_OF_RANK = {rank: level for level, rank in LEVEL_RANK.items()}


def _bucket_columns(bucketing: Bucketing | None, column: Any) -> tuple[list[Any], list[Any]]:
    """``b_year`` and ``b_part`` of ``column`` to select (nulls when not counted per bucket),
    and the same expressions to group by (the very objects: PostgreSQL must see the
    grouped expression, bound parameters included, in the select list)."""
    if bucketing is None:
        return [_NO_INT.label("b_year"), _NO_INT.label("b_part")], []
    year, *part = group = bucketing.columns(column)
    return [year, part[0] if part else _NO_INT.label("b_part")], group


class _Activities:
    """Counts by grouping the conflict's activities: answers every filter."""

    def __init__(self, conflict_id: int, flt: ActivityFilter) -> None:
        self.conflict_id, self.flt = conflict_id, flt

    def counts(self, name: str, bucketing: Bucketing | None) -> sa.Select:
        """``kind, b_year, b_part, key, n``: activities per key of ``name`` (per bucket)."""
        column = _MIX[name][0]
        bucket, group = _bucket_columns(bucketing, Activity.date)
        stmt = _base(self.conflict_id, self.flt, sa.literal(name).label("kind"), *bucket, sa.cast(column, sa.String).label("key"), sa.func.count().label("n"))
        if name == "incentive":
            stmt = stmt.where(column.is_not(None))
        return stmt.group_by(*group, column)

    def party_counts(self, bucketing: Bucketing) -> sa.Select:
        """``party_id, b_year[, b_part], rank, n``: per party and bucket, the highest level's
        rank and the party's involvements (links to activities)."""
        cols = bucketing.columns()
        return self.flt.apply(
            sa.select(ActivityParty.party_id, *cols, sa.func.max(_RANK_CASE).label("rank"), sa.func.count().label("n"))
            .select_from(ActivityParty)
            .join(Activity, Activity.id == ActivityParty.activity_id)
            .where(Activity.conflict_id == self.conflict_id)
            .group_by(ActivityParty.party_id, *cols)
        )


class _Tallies:
    """Counts by summing the monthly tallies: only for :func:`tallies_answer` filters.

    A tally row counts the activities of one start month and one end month, so a filter from
    the first of a month and to the end of one selects whole rows: ``end_month >= from``
    and ``month <= to`` are exactly the timeline's ``COALESCE(end_date, date) >= from`` and
    ``date <= to``.
    """

    def __init__(self, conflict_id: int, flt: ActivityFilter) -> None:
        self.conflict_id, self.flt = conflict_id, flt

    def _where(self, table: type[ActivityTally] | type[PartyTally]) -> list[Any]:
        where = [table.conflict_id == self.conflict_id]
        if "track" in self.flt.vocab:
            where.append(table.track.in_(self.flt.vocab["track"]))
        if self.flt.date_from:
            where.append(table.end_month >= self.flt.date_from)
        if self.flt.date_to:
            where.append(table.month <= self.flt.date_to)
        return where

    def counts(self, name: str, bucketing: Bucketing | None) -> sa.Select:
        t = ActivityTally
        total = sa.func.sum(t.n)
        bucket, group = _bucket_columns(bucketing, t.month)
        return (
            sa.select(sa.literal(name).label("kind"), *bucket, t.key, total.label("n"))
            .where(*self._where(t), t.kind == name)
            .group_by(*group, t.key)
            .having(total > 0)
        )

    def party_counts(self, bucketing: Bucketing) -> sa.Select:
        t = PartyTally
        cols = bucketing.columns(t.month)
        ranks = sorted(LEVEL_RANK.items(), key=lambda item: -item[1])
        rank = sa.case(*[(PartyTally.level_column(level) > 0, r) for level, r in ranks], else_=None)
        total = sa.func.sum(t.n)
        return (
            sa.select(t.party_id, *cols, sa.func.max(rank).label("rank"), total.label("n"))
            .where(*self._where(t))
            .group_by(t.party_id, *cols)
            .having(total > 0)
        )


def source(conflict_id: int, flt: ActivityFilter, *, tallies: bool | None = None) -> _Activities | _Tallies:
    """Where a dashboard's counts come from: the tallies when they can answer ``flt``
    (``tallies=False`` forces grouping the activities, ``True`` insists on the tallies)."""
    if tallies is None:
        tallies = tallies_answer(flt)
    elif tallies and not tallies_answer(flt):
        raise ValueError("The tallies cannot answer this filter.")
    return (_Tallies if tallies else _Activities)(conflict_id, flt)


Source = _Activities | _Tallies


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
    # Two scalar subqueries, so each is a walk to one end of the (conflict, date) index.
    first = _base(conflict_id, flt, sa.func.min(Activity.date)).scalar_subquery()
    last = _base(conflict_id, flt, sa.func.max(Activity.date)).scalar_subquery()
    first, last = session.execute(sa.select(first, last)).one()
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


def mix(session: Session, src: Source, bucketing: Bucketing, buckets: list[tuple[int, int]]) -> Mix:
    """Tracks and incentives per bucket of ``buckets`` (the dashboard's span, so every chart
    over time shares one axis); types, purposes and effects overall: one statement (a
    ``UNION ALL`` of five grouped counts)."""
    branches = [src.counts(name, bucketing if per_bucket else None) for name, (_col, _vocab, per_bucket) in _MIX.items()]
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
        series[name] = _arrange(per_bucket_rows[name], bucketing, buckets, vocab.keys())
    return Mix(
        tracks=series["track"],
        incentives=series["incentive"],
        **{f"{name}s": [(k, totals[name].get(k, 0)) for k in _MIX[name][1].keys()] for name in ("type", "purpose", "effect")},
    )


def _arrange(rows: list[Any], bucketing: Bucketing, buckets: list[tuple[int, int]], keys: list[str]) -> Series:
    """Grouped rows ``(b_year, b_part, key, n)`` as a series over ``buckets``."""
    index = {b: i for i, b in enumerate(buckets)}
    values = {k: [0] * len(buckets) for k in keys}
    for row in rows:
        values[row.key][index[bucketing.key(row)]] += int(row.n)
    return Series(buckets, [bucketing.label(b) for b in buckets], keys, values)


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


def _party_rows(session: Session, src: Source, bucketing: Bucketing) -> list[Any]:
    """The source's per-party counts, with the parties' names joined afterwards."""
    grouped = src.party_counts(bucketing).subquery()
    stmt = sa.select(grouped, Party.name).join(Party, Party.id == grouped.c.party_id)
    return list(session.execute(stmt))


def parties_over_time(session: Session, src: Source, bucketing: Bucketing, buckets: list[tuple[int, int]]) -> tuple[Ladder, Swimlanes]:
    """The official-level ladder and the swimlanes over ``buckets``, from one grouped statement."""
    rows = _party_rows(session, src, bucketing)
    if not rows:
        return Ladder([], [], [], {}), Swimlanes([], [], [])
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
