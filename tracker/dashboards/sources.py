"""Where a dashboard's grouped counts come from: the monthly tallies, or the activities.

Both sources give the same numbers (``tests/test_dashboard_tallies.py`` holds them to it);
they differ in what they read:

* :class:`Activities` groups the conflict's activities under the filter: it answers every
  filter, at a cost that grows with the conflict;
* :class:`Tallies` sums the monthly tallies (:mod:`tracker.models.tally`): it answers filters
  on tracks and dates, at a cost that grows with the months, not the activities. A date
  that falls inside a month cuts that month: its activities are grouped from the activities
  themselves, and only for that month.

Each source gives, per dashboard grouping, a list of ``SELECT``s whose rows add up (the
callers sum counts and take the highest rank).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from tracker.activities.filters import ActivityFilter
from tracker.dashboards.buckets import Bucketing
from tracker.models import Activity, ActivityParty, ActivityTally, PartyTally
from tracker.vocab import ACTING_ROLES, LEVEL_RANK

#: The activity column behind each grouping of the dashboard.
COLUMNS = {
    "track": Activity.track,
    "incentive": Activity.incentive,
    "type": Activity.type,
    "purpose": Activity.purpose,
    "effect": Activity.effect,
    "cameo_code": Activity.cameo_code,
}

_NO_INT = sa.cast(sa.null(), sa.Integer)
_RANK_CASE = sa.case({level.value: rank for level, rank in LEVEL_RANK.items()}, value=Activity.official_level)


def filtered(conflict_id: int, flt: ActivityFilter, *columns: Any) -> sa.Select:
    """``SELECT columns FROM activity`` for one conflict, narrowed by ``flt``."""
    return flt.apply(sa.select(*columns).select_from(Activity).where(Activity.conflict_id == conflict_id))


def _bucket_columns(bucketing: Bucketing | None, column: Any) -> tuple[list[Any], list[Any]]:
    """``b_year`` and ``b_part`` of ``column`` to select (nulls when not counted per bucket),
    and the same expressions to group by (the very objects: PostgreSQL must see the
    grouped expression, bound parameters included, in the select list)."""
    if bucketing is None:
        return [_NO_INT.label("b_year"), _NO_INT.label("b_part")], []
    year, *part = group = bucketing.columns(column)
    return [year, part[0] if part else _NO_INT.label("b_part")], group


class Activities:
    """Counts by grouping the conflict's activities under the filter (and ``extra`` conditions)."""

    def __init__(self, conflict_id: int, flt: ActivityFilter, extra: tuple[Any, ...] = ()) -> None:
        self.conflict_id, self.flt, self.extra = conflict_id, flt, extra

    def counts(self, name: str, bucketing: Bucketing | None, label: str | None = None) -> list[sa.Select]:
        """``kind, b_year, b_part, key, n``: activities per key of ``name`` (per bucket);
        ``kind`` is ``label`` when given (two groupings of one column in one statement)."""
        column = COLUMNS[name]
        bucket, group = _bucket_columns(bucketing, Activity.date)
        stmt = filtered(
            self.conflict_id,
            self.flt,
            sa.literal(label or name).label("kind"),
            *bucket,
            sa.cast(column, sa.String).label("key"),
            sa.func.count().label("n"),
        )
        if name == "incentive":
            stmt = stmt.where(column.is_not(None))
        return [stmt.where(*self.extra).group_by(*group, column)]

    def party_counts(self, bucketing: Bucketing) -> list[sa.Select]:
        """``party_id, b_year[, b_part], rank, n``: per party and bucket, the highest level's
        rank and the party's involvements (links to activities) as one who acts: a target's
        level is not the activity's."""
        cols = bucketing.columns()
        stmt = (
            sa.select(ActivityParty.party_id, *cols, sa.func.max(_RANK_CASE).label("rank"), sa.func.count().label("n"))
            .select_from(ActivityParty)
            .join(Activity, Activity.id == ActivityParty.activity_id)
            .where(Activity.conflict_id == self.conflict_id, ActivityParty.role.in_(ACTING_ROLES), *self.extra)
        )
        return [self.flt.apply(stmt).group_by(ActivityParty.party_id, *cols)]


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _ends_a_month(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


class Tallies:
    """Counts by summing the monthly tallies, for filters on tracks and dates only.

    A tally row counts the activities of one start month and one end month, so whole months
    select whole rows: ``end_month >= lower`` is the timeline's ``COALESCE(end_date, date) >=
    from`` when ``from`` opens a month (``lower`` is that month, else the next one), and
    ``month < upper`` is ``date <= to`` when ``to`` closes a month (``upper`` is the month
    after it, else its own month). The activities of a month a date cuts are grouped from
    the activities: for ``from``, those ending in its month (they start no earlier than the
    earliest month the tallies record for that end month); for ``to``, those starting in its
    month and not counted already.
    """

    def __init__(self, conflict_id: int, flt: ActivityFilter) -> None:
        if not answers(flt):
            raise ValueError("The tallies cannot answer this filter.")
        self.conflict_id, self.tracks = conflict_id, flt.vocab.get("track")
        start, end = flt.date_from, flt.date_to
        self.lower = None if start is None else start if start.day == 1 else _next_month(start)
        self.upper = None if end is None else end + timedelta(days=1) if _ends_a_month(end) else end.replace(day=1)
        self.cut: list[Activities] = []
        last_day: sa.ColumnElement[date] = sa.func.coalesce(Activity.end_date, Activity.date)
        if start is not None and start.day != 1:
            earliest = (
                sa.select(sa.func.min(ActivityTally.month))
                .where(ActivityTally.conflict_id == conflict_id, ActivityTally.kind == "track",
                       ActivityTally.end_month == start.replace(day=1), ActivityTally.n > 0)
                .scalar_subquery()
            )  # fmt: skip
            self.cut.append(
                Activities(
                    conflict_id, flt, (last_day < self.lower, Activity.date >= earliest, Activity.date < self.lower)
                )
            )
        if end is not None and not _ends_a_month(end):
            not_counted = (last_day >= self.lower,) if self.cut else ()
            self.cut.append(Activities(conflict_id, flt, (Activity.date >= self.upper, *not_counted)))

    def _where(self, table: type[ActivityTally] | type[PartyTally]) -> list[Any]:
        where = [table.conflict_id == self.conflict_id]
        if self.tracks:
            where.append(table.track.in_(self.tracks))
        if self.lower is not None:
            where.append(table.end_month >= self.lower)
        if self.upper is not None:
            where.append(table.month < self.upper)
        return where

    def counts(self, name: str, bucketing: Bucketing | None, label: str | None = None) -> list[sa.Select]:
        t = ActivityTally
        total = sa.func.sum(t.n)
        bucket, group = _bucket_columns(bucketing, t.month)
        whole = (
            sa.select(sa.literal(label or name).label("kind"), *bucket, t.key, total.label("n"))
            .where(*self._where(t), t.kind == name)
            .group_by(*group, t.key)
            .having(total > 0)
        )
        return [whole, *(s for part in self.cut for s in part.counts(name, bucketing, label))]

    def party_counts(self, bucketing: Bucketing) -> list[sa.Select]:
        t = PartyTally
        cols = bucketing.columns(t.month)
        ranks = sorted(LEVEL_RANK.items(), key=lambda item: -item[1])
        rank = sa.case(*[(PartyTally.level_column(level) > 0, r) for level, r in ranks], else_=None)
        total = sa.func.sum(t.n)
        whole = (
            sa.select(t.party_id, *cols, sa.func.max(rank).label("rank"), total.label("n"))
            .where(*self._where(t))
            .group_by(t.party_id, *cols)
            .having(total > 0)
        )
        return [whole, *(s for part in self.cut for s in part.party_counts(bucketing))]


def answers(flt: ActivityFilter) -> bool:
    """Whether the tallies can answer ``flt``: it filters on tracks and dates only."""
    return set(flt.vocab) <= {"track"} and not flt.party_ids


Source = Activities | Tallies


def source(conflict_id: int, flt: ActivityFilter, *, tallies: bool | None = None) -> Source:
    """The tallies when they can answer ``flt``, else the activities (``tallies=False``
    forces the activities; ``True`` insists on the tallies and raises if they cannot)."""
    if tallies is None:
        tallies = answers(flt)
    return Tallies(conflict_id, flt) if tallies else Activities(conflict_id, flt)
