"""Everything a conflict's dashboard shows, gathered in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tracker.activities.filters import ActivityFilter
from tracker.dashboards import aggregates as agg
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


def build(session: Session, conflict_id: int, flt: ActivityFilter) -> Dashboard:
    """The dashboard of one conflict under ``flt`` (eight aggregate statements)."""
    span = agg.span(session, conflict_id, flt)
    b = span.bucketing
    return Dashboard(
        span=span,
        tracks=agg.tracks_over_time(session, conflict_id, flt, b),
        incentives=agg.incentives_over_time(session, conflict_id, flt, b),
        types=agg.counts_by(session, conflict_id, flt, "type"),
        purposes=agg.counts_by(session, conflict_id, flt, "purpose"),
        effects=agg.counts_by(session, conflict_id, flt, "effect"),
        ladder=agg.level_ladder(session, conflict_id, flt, b),
        swimlanes=agg.swimlanes(session, conflict_id, flt, b),
    )
