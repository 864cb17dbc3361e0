"""Everything a conflict's dashboard shows, gathered in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tracker.activities.filters import ActivityFilter
from tracker.dashboards import aggregates as agg
from tracker.dashboards import sources
from tracker.dashboards.aggregates import Ladder, Series, Span, Swimlanes


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


def build(session: Session, conflict_id: int, flt: ActivityFilter, *, tallies: bool | None = None) -> Dashboard:
    """The dashboard of one conflict under ``flt`` (three statements: the span, the mix, the
    parties), counted from the tallies where they answer the filter (see
    :func:`tracker.dashboards.sources.source`; ``tallies`` overrides the choice)."""
    span = agg.span(session, conflict_id, flt)
    b = span.bucketing
    if span.first is None:
        empty = agg.Series([], [], [], {})
        return Dashboard(span, empty, empty, [], [], [], agg.Ladder([], [], [], {}), agg.Swimlanes([], [], []))
    src = sources.source(conflict_id, flt, tallies=tallies)
    buckets = b.span(b.of(span.first), b.of(span.last))  # one time axis for every chart
    mix = agg.mix(session, src, b, buckets)
    span.count = sum(mix.tracks.totals())
    ladder, lanes = agg.parties_over_time(session, src, b, buckets)
    return Dashboard(
        span=span,
        tracks=mix.tracks,
        incentives=mix.incentives,
        types=mix.types,
        purposes=mix.purposes,
        effects=mix.effects,
        ladder=ladder,
        swimlanes=lanes,
    )
