"""The dashboard's numbers, each one grouped statement over a conflict's filtered activities.

Every function runs one statement; Python only arranges the (small) grouped result. The
same functions feed the dashboard page and its CSV downloads.

Counts come from one of two sources with the same answers (:mod:`tracker.dashboards.sources`):
the monthly tallies, summed, when the filter is on tracks and dates only; otherwise the
activities themselves, grouped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import cameo
from tracker.activities.filters import ActivityFilter
from tracker.dashboards.buckets import Bucketing, choose
from tracker.dashboards.sources import Source, filtered
from tracker.models import Activity, Party
from tracker.vocab import (
    LEVEL_RANK,
    ActivityType,
    DatePrecision,
    Effect,
    Incentive,
    OfficialLevel,
    Purpose,
    QuadClass,
    Track,
    Trend,
)


@dataclass
class Span:
    count: int
    first: date | None
    last: date | None
    bucketing: Bucketing
    #: How precisely ``first`` and ``last`` are known (the coarsest among activities on that date).
    first_precision: DatePrecision = DatePrecision.DAY
    last_precision: DatePrecision = DatePrecision.DAY


_PRECISIONS = list(DatePrecision)  # finest first
_PRECISION_RANK = sa.case({p.value: i for i, p in enumerate(_PRECISIONS)}, value=Activity.date_precision)


def span(session: Session, conflict_id: int, flt: ActivityFilter) -> Span:
    """The first and last date the filter leaves, how precise each is, and the bucket they
    call for (one statement).

    ``count`` is filled in by :func:`mix` (it falls out of the track counts for free).
    """
    # Scalar subqueries, so each is a walk to one end of the (conflict, date) index.
    first = filtered(conflict_id, flt, sa.func.min(Activity.date)).scalar_subquery()
    last = filtered(conflict_id, flt, sa.func.max(Activity.date)).scalar_subquery()
    first_rank = (
        filtered(conflict_id, flt, sa.func.max(_PRECISION_RANK)).where(Activity.date == first).scalar_subquery()
    )
    last_rank = filtered(conflict_id, flt, sa.func.max(_PRECISION_RANK)).where(Activity.date == last).scalar_subquery()
    first, last, first_rank, last_rank = session.execute(sa.select(first, last, first_rank, last_rank)).one()
    if first is None:
        return Span(0, None, None, choose(None, None))
    return Span(0, first, last, choose(first, last), _PRECISIONS[first_rank], _PRECISIONS[last_rank])


@dataclass
class Series:
    """Counts per bucket and per key: ``values[key][i]`` is the count in ``buckets[i]``."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    keys: list[str]
    values: dict[str, list[int]] = field(default_factory=dict)

    def totals(self) -> list[int]:
        return [sum(self.values[k][i] for k in self.keys) for i in range(len(self.buckets))]


#: How far a month's mean Goldstein weight must move from the previous recorded month's for
#: the computed trend to say it deteriorated or improved (the scale runs from -10 to +10).
TREND_STEP = 1.0


@dataclass
class MonthIndex:
    """One month of the escalation index; ``trend`` is the analyst's when set, else computed."""

    month: date
    count: int
    total: float
    mean: float
    computed: Trend
    trend: Trend
    set_by: str | None = None
    set_at: datetime | None = None
    note: str = ""


@dataclass
class Escalation:
    """The escalation index: per bucket, the sum and mean of the Goldstein weights of the
    activities' CAMEO codes and the count per quad class; per recorded month, the trend."""

    labels: list[str]
    counts: list[int]
    sums: list[float]
    means: list[float | None]
    quads: Series
    months: list[MonthIndex] = field(default_factory=list)


@dataclass
class Mix:
    tracks: Series
    incentives: Series
    types: list[tuple[str, int]]
    purposes: list[tuple[str, int]]
    effects: list[tuple[str, int]]
    escalation: Escalation


_LEVEL_OF_RANK = {rank: level for level, rank in LEVEL_RANK.items()}

#: What :func:`mix` groups by: name -> (vocabulary, per bucket?)
_MIX = {
    "track": (Track, True),
    "incentive": (Incentive, True),
    "type": (ActivityType, False),
    "purpose": (Purpose, False),
    "effect": (Effect, False),
}


def mix(session: Session, src: Source, bucketing: Bucketing, buckets: list[tuple[int, int]]) -> Mix:
    """Tracks and incentives per bucket of ``buckets`` (the dashboard's span, so every chart
    over time shares one axis); types, purposes and effects overall: one statement (a
    ``UNION ALL`` of five grouped counts)."""
    branches = [
        stmt
        for name, (_vocab, per_bucket) in _MIX.items()
        for stmt in src.counts(name, bucketing if per_bucket else None)
    ]
    # CAMEO codes per month only: every bucket (month, quarter, year) is a sum of months.
    branches += src.counts("cameo_code", MONTHS, label="cameo_month")
    rows = session.execute(sa.union_all(*branches)).all()
    totals: dict[str, dict[str, int]] = {name: {} for name in _MIX}
    per_bucket_rows: dict[str, list[Any]] = {"track": [], "incentive": [], "cameo_month": []}
    for row in rows:
        if row.kind in per_bucket_rows:
            per_bucket_rows[row.kind].append(row)
        else:
            totals[row.kind][row.key] = totals[row.kind].get(row.key, 0) + int(row.n)
    series = {
        name: _arrange(per_bucket_rows[name], bucketing, buckets, _MIX[name][0].keys())
        for name in ("track", "incentive")
    }
    return Mix(
        tracks=series["track"],
        incentives=series["incentive"],
        escalation=_escalation(per_bucket_rows["cameo_month"], bucketing, buckets),
        **{
            f"{name}s": [(k, totals[name].get(k, 0)) for k in _MIX[name][0].keys()]
            for name in ("type", "purpose", "effect")
        },
    )


MONTHS = Bucketing("month")


def _escalation(month_rows: list[Any], bucketing: Bucketing, buckets: list[tuple[int, int]]) -> Escalation:
    """Counts per CAMEO code and month, weighted: per month, and summed per bucket of
    ``buckets`` (a month, a quarter or a year: whole months)."""
    weights = {c.code: (c.goldstein, c.quad_class.value) for c in cameo.codes().values()}
    index = {b: i for i, b in enumerate(buckets)}
    bucket_of: dict[tuple[int, int], int] = {}
    counts, sums = [0] * len(buckets), [0.0] * len(buckets)
    quads = {q.value: [0] * len(buckets) for q in QuadClass}
    months: dict[tuple[int, int], list[float]] = {}
    for _kind, year, part, key, count in month_rows:  # tens of thousands of rows: kept lean
        weight = weights.get(key)
        if weight is None:
            continue
        goldstein, quad = weight
        n, month = int(count), (int(year), int(part))
        pair = months.get(month)
        if pair is None:
            bucket = index.get(bucketing.of(date(month[0], month[1], 1)))
            if bucket is None:  # logged beyond the span since it was measured (see _arrange)
                continue
            pair = months[month] = [0, 0.0]
            bucket_of[month] = bucket
        pair[0] += n
        pair[1] += goldstein * n
        i = bucket_of[month]
        counts[i] += n
        sums[i] += goldstein * n
        quads[quad][i] += n
    labels = [bucketing.label(b) for b in buckets]
    return Escalation(
        labels=labels,
        counts=counts,
        sums=[round(s, 1) for s in sums],
        means=[round(s / n, 2) if n else None for s, n in zip(sums, counts, strict=True)],
        quads=Series(buckets, labels, [q.value for q in QuadClass], quads),
        months=_trends(months),
    )


def escalation_of(month_rows: list[Any], bucketing: Bucketing, buckets: list[tuple[int, int]]) -> Escalation:
    """The escalation index of rows ``(kind, year, month, CAMEO code, count)`` from elsewhere
    than the activities (the pending candidates of the event intake)."""
    return _escalation(month_rows, bucketing, buckets)


def _trends(months: dict[tuple[int, int], list[float]]) -> list[MonthIndex]:
    """Each recorded month with its computed trend: against the previous recorded month, a
    mean lower by :data:`TREND_STEP` or more deteriorated, higher by as much improved."""
    out: list[MonthIndex] = []
    previous: float | None = None
    for (year, month), (n, total) in sorted(months.items()):
        mean = total / n
        if previous is None or abs(mean - previous) < TREND_STEP:
            trend = Trend.UNCHANGED
        else:
            trend = Trend.IMPROVED if mean > previous else Trend.DETERIORATED
        out.append(MonthIndex(date(int(year), int(month), 1), int(n), round(total, 1), round(mean, 2), trend, trend))
        previous = mean
    return out


def apply_overrides(escalation: Escalation, overrides: list[Any]) -> None:
    """The analysts' trends replace the computed ones of their months (``TrendOverride`` rows
    with ``set_by`` loaded); an override of a month with no activity is listed too."""
    by_month = {o.month: o for o in overrides}
    for month in escalation.months:
        if (o := by_month.pop(month.month, None)) is not None:
            month.trend, month.set_by, month.set_at, month.note = (
                o.trend,
                (o.set_by.email if o.set_by else "—"),
                o.updated_at,
                o.note,
            )
    for o in by_month.values():
        escalation.months.append(
            MonthIndex(
                o.month,
                0,
                0.0,
                0.0,
                Trend.UNCHANGED,
                o.trend,
                o.set_by.email if o.set_by else "—",
                o.updated_at,
                o.note,
            )
        )
    escalation.months.sort(key=lambda m: m.month)


def _arrange(rows: list[Any], bucketing: Bucketing, buckets: list[tuple[int, int]], keys: list[str]) -> Series:
    """Grouped rows ``(b_year, b_part, key, n)`` as a series over ``buckets``.

    A row outside the buckets is left out: an activity logged, beyond the span, between the
    statement that measured the span and this one (the dashboard's statements each see the
    latest data). The next view of the page shows it."""
    index = {b: i for i, b in enumerate(buckets)}
    values = {k: [0] * len(buckets) for k in keys}
    for row in rows:
        i = index.get(bucketing.key(row))
        if i is not None and row.key in values:
            values[row.key][i] += int(row.n)
    return Series(buckets, [bucketing.label(b) for b in buckets], keys, values)


#: Parties drawn in the ladder and the swimlanes (the most active; the data tables list all):
#: the charts' marks are bounded by their size on screen, not by the number of parties.
DRAWN_PARTIES = 6


@dataclass
class Ladder:
    """Per party, the highest official level of its activities in each bucket it was active."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    parties: list[tuple[int, str]]
    rungs: dict[int, dict[int, OfficialLevel]]  # party id -> bucket index -> level
    #: The parties the chart draws (:data:`DRAWN_PARTIES` most active; all when empty).
    drawn: set[int] = field(default_factory=set)

    def drawn_parties(self) -> list[tuple[int, str]]:
        return [p for p in self.parties if not self.drawn or p[0] in self.drawn]

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
    parts = src.party_counts(bucketing)
    grouped = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()
    stmt = sa.select(grouped, Party.name).join(Party, Party.id == grouped.c.party_id)
    return list(session.execute(stmt))


def parties_over_time(
    session: Session, src: Source, bucketing: Bucketing, buckets: list[tuple[int, int]]
) -> tuple[Ladder, Swimlanes]:
    """The official-level ladder and the swimlanes over ``buckets``, from one grouped statement."""
    rows = _party_rows(session, src, bucketing)
    if not rows:
        return Ladder([], [], [], {}), Swimlanes([], [], [])
    labels = [bucketing.label(b) for b in buckets]
    index = {b: i for i, b in enumerate(buckets)}
    ranks: dict[int, dict[int, int]] = {}
    counts: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for row in rows:  # a party and bucket may come in several rows (one per part of the source)
        i = index.get(bucketing.key(row))
        if i is None:  # logged beyond the span since it was measured (see _arrange)
            continue
        names[row.party_id] = row.name
        party_ranks = ranks.setdefault(row.party_id, {})
        party_ranks[i] = max(party_ranks.get(i, 0), int(row.rank))
        counts.setdefault(row.party_id, [0] * len(buckets))[i] += int(row.n)
    parties = sorted(names.items(), key=lambda item: item[1])
    rungs = {pid: {i: _LEVEL_OF_RANK[r] for i, r in sorted(by_bucket.items())} for pid, by_bucket in ranks.items()}
    busiest = sorted(counts, key=lambda pid: (-sum(counts[pid]), names[pid]))[:DRAWN_PARTIES]
    ladder = Ladder(buckets, labels, parties, rungs, set(busiest))
    return ladder, Swimlanes(buckets, labels, [(pid, name, counts[pid]) for pid, name in parties], set(busiest))


@dataclass
class Swimlanes:
    """Per party, how many activities it took part in per bucket (each mark links to them)."""

    buckets: list[tuple[int, int]]
    labels: list[str]
    lanes: list[tuple[int, str, list[int]]]  # party id, name, counts per bucket
    drawn: set[int] = field(default_factory=set)  # as Ladder.drawn

    def drawn_lanes(self) -> list[tuple[int, str, list[int]]]:
        return [lane for lane in self.lanes if not self.drawn or lane[0] in self.drawn]
