"""Everything a conflict's dashboard shows, gathered in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.activities.filters import ActivityFilter
from tracker.dashboards import aggregates as agg
from tracker.dashboards import sources
from tracker.dashboards.aggregates import Escalation, Ladder, Series, Span, Swimlanes
from tracker.models import TrendOverride


@dataclass
class Dashboard:
    span: Span
    tracks: Series
    incentives: Series
    types: list[tuple[str, int]]
    purposes: list[tuple[str, int]]
    effects: list[tuple[str, int]]
    ladder: Ladder
    swimlanes: Swimlanes
    escalation: Escalation


def build(session: Session, conflict_id: int, flt: ActivityFilter, *, tallies: bool | None = None) -> Dashboard:
    """The dashboard of one conflict under ``flt`` (three statements: the span, the mix, the
    parties), counted from the tallies where they answer the filter (see
    :func:`tracker.dashboards.sources.source`; ``tallies`` overrides the choice)."""
    span = agg.span(session, conflict_id, flt)
    b = span.bucketing
    if span.first is None:
        empty = agg.Series([], [], [], {})
        return Dashboard(span, empty, empty, [], [], [], agg.Ladder([], [], [], {}), agg.Swimlanes([], [], []),
                         agg.Escalation([], [], [], [], empty))  # fmt: skip
    src = sources.source(conflict_id, flt, tallies=tallies)
    assert span.last is not None  # a span with a first activity has a last one
    buckets = b.span(b.of(span.first), b.of(span.last))  # one time axis for every chart
    mix = agg.mix(session, src, b, buckets)
    span.count = sum(mix.tracks.totals())
    ladder, lanes = agg.parties_over_time(session, src, b, buckets)
    overrides = session.scalars(
        sa.select(TrendOverride)
        .where(TrendOverride.conflict_id == conflict_id)
        .options(selectinload(TrendOverride.set_by))
    ).all()
    if flt.date_from or flt.date_to:  # the months the filter shows
        low, high = flt.date_from or span.first, flt.date_to or span.last
        overrides = [o for o in overrides if low.replace(day=1) <= o.month <= high]
    agg.apply_overrides(mix.escalation, list(overrides))
    return Dashboard(
        span=span,
        tracks=mix.tracks,
        incentives=mix.incentives,
        types=mix.types,
        purposes=mix.purposes,
        effects=mix.effects,
        ladder=ladder,
        swimlanes=lanes,
        escalation=mix.escalation,
    )
