"""Everything a conflict's dashboard shows, gathered in a fixed number of statements."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, selectinload

from tracker.activities.filters import ActivityFilter
from tracker.dashboards import aggregates as agg
from tracker.dashboards import sources
from tracker.dashboards.aggregates import Escalation, Ladder, Series, Span, Swimlanes
from tracker.dashboards.buckets import Bucketing, choose
from tracker.models import Activity, AuditEntry, Candidate, EventBatch, TrendOverride
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


class Computed:
    """What the dashboards computed from the activities, kept per worker by conflict, filter,
    time axis and data version (:func:`_version`), the least recently used dropped first.
    A hit is a copy: the page changes what it is given (an analyst's trend overrides)."""

    def __init__(self, size: int) -> None:
        self.size, self._kept, self._lock = size, OrderedDict[tuple, Any](), threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
        return copy.deepcopy(found) if found is not None else None

    def put(self, key: tuple, value: Any) -> Any:
        if self.size:
            with self._lock:
                self._kept[key] = copy.deepcopy(value)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def computed() -> Computed:
    """The computed dashboards this app keeps (``DASHBOARD_KEEP`` conflict-and-filter pairs,
    default 32; 0 keeps none): one per worker process."""
    kept = current_app.extensions.get("dashboards.computed")
    if kept is None:
        kept = current_app.extensions["dashboards.computed"] = Computed(current_app.config["DASHBOARD_KEEP"])
    return kept


def _version(session: Session) -> tuple[int | None, int | None]:
    """The data's version: the last audit entry (every write through the app leaves one: a
    form, an import, the API, an accepted candidate, the seed) and the last activity (bulk SQL
    leaves none). Two probes of primary keys."""
    last = [sa.select(sa.func.max(model.id)).scalar_subquery() for model in (AuditEntry, Activity)]
    first, second = session.execute(sa.select(*last)).one()
    return first, second


def _compute(session: Session, conflict_id: int, flt: ActivityFilter, tallies: bool | None, b: Bucketing,
             buckets: list[tuple[int, int]]) -> tuple[agg.Mix, Ladder, Swimlanes]:  # fmt: skip
    src = sources.source(conflict_id, flt, tallies=tallies)
    mix = agg.mix(session, src, b, buckets)
    ladder, lanes = agg.parties_over_time(session, src, b, buckets)
    return mix, ladder, lanes


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
    assert span.last is not None  # a span with a first activity has a last one
    assert axis[0] is not None and axis[1] is not None
    buckets = b.span(b.of(axis[0]), b.of(axis[1]))  # one time axis for every chart
    key = (conflict_id, flt.key(), tallies, b.unit, buckets[0], buckets[-1], *_version(session))
    kept = computed()
    mix, ladder, lanes = kept.get(key) or kept.put(key, _compute(session, conflict_id, flt, tallies, b, buckets))
    span.count = sum(mix.tracks.totals())
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
