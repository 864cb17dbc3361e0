"""Everything a conflict's dashboard shows, gathered in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.activities.filters import ActivityFilter
from tracker.dashboards import aggregates as agg
from tracker.dashboards import sources
from tracker.dashboards.aggregates import Escalation, Ladder, Series, Span, Swimlanes
from tracker.dashboards.buckets import choose
from tracker.models import Candidate, EventBatch, TrendOverride
from tracker.vocab import CandidateStatus


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
    #: The same index over the conflict's candidates still pending review (event feeds): a
    #: separate series, never mixed into the activities'.
    pending: Escalation | None = None
    #: Every pending candidate, those whose code has no weight included.
    pending_total: int = 0


def _pending_rows(session: Session, conflict_id: int, flt: ActivityFilter) -> list[Any]:
    """Pending candidates per month and CAMEO code, as the escalation index reads them (their
    dates honour the filter's; the other filters are about recorded activities)."""
    year, month = sa.extract("year", Candidate.date), sa.extract("month", Candidate.date)
    stmt = (
        sa.select(sa.literal("pending"), year, month, Candidate.cameo_code, sa.func.count())
        .join(EventBatch, EventBatch.id == Candidate.batch_id)
        .where(
            Candidate.conflict_id == conflict_id,
            Candidate.status == CandidateStatus.PENDING,
            EventBatch.status == "done",
        )
        .group_by(year, month, Candidate.cameo_code)
    )
    if flt.date_from:
        stmt = stmt.where(Candidate.date >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Candidate.date <= flt.date_to)
    return list(session.execute(stmt))


def build(session: Session, conflict_id: int, flt: ActivityFilter, *, tallies: bool | None = None) -> Dashboard:
    """The dashboard of one conflict under ``flt`` (four statements: the span, the pending
    candidates, the mix, the parties), counted from the tallies where they answer the filter (see
    :func:`tracker.dashboards.sources.source`; ``tallies`` overrides the choice)."""
    span = agg.span(session, conflict_id, flt)
    pending_rows = _pending_rows(session, conflict_id, flt)
    axis = (span.first, span.last)
    if span.first is not None and span.last is not None and pending_rows:  # one time axis for both series
        months = [date(int(y), int(m), 1) for _k, y, m, _c, _n in pending_rows]
        axis = (min(span.first, *months), max(span.last, *months))
        span.bucketing = choose(*axis)
    b = span.bucketing
    if span.first is None:
        empty = agg.Series([], [], [], {})
        return Dashboard(span, empty, empty, [], [], [], agg.Ladder([], [], [], {}), agg.Swimlanes([], [], []),
                         agg.Escalation([], [], [], [], empty))  # fmt: skip
    src = sources.source(conflict_id, flt, tallies=tallies)
    assert span.last is not None  # a span with a first activity has a last one
    assert axis[0] is not None and axis[1] is not None
    buckets = b.span(b.of(axis[0]), b.of(axis[1]))  # one time axis for every chart
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
        pending=agg.escalation_of(pending_rows, b, buckets) if pending_rows else None,
        pending_total=sum(int(n) for *_rest, n in pending_rows),
    )
