"""Conflict pages. Views only read the request, call a query and render."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request

from tracker.activities.filters import ActivityFilter, many_links
from tracker.auth.access import requires
from tracker.conflicts import queries
from tracker.conflicts.blueprint import bp
from tracker.conflicts.matrix import build as build_matrix
from tracker.conflicts.queries import group_by_role
from tracker.extensions import db
from tracker.lookups import conflict_or_404
from tracker.models import Activity
from tracker.pagination import Page, decode_cursor, keyset, paginate
from tracker.parties.queries import recognitions_among
from tracker.rules import RuleError, partial_date, period_end


@bp.get("/conflicts")  # the path the conflict pages live under answers too
@bp.get("/")
@requires("read")
def index() -> str:
    """Every conflict with its phase, activity volume and last activity."""
    rows = db.session.execute(queries.conflict_overview()).all()
    return render_template("conflicts/index.html", rows=rows)


def _as_of(errors: list[str], conflict_end: date | None) -> date:
    """The matrix's date: asked for (YYYY, YYYY-MM or YYYY-MM-DD: the end of that period), or
    the conflict's end, or today."""
    default = min(conflict_end or date.today(), date.today())
    raw = request.args.get("as_of", "").strip()
    if raw:
        try:
            return period_end(*partial_date(raw))
        except RuleError as error:
            errors.append(f"Recognition matrix: {error}; it shows {default.isoformat()} instead.")
    return default


def _timeline_page(conflict_id: int, activity_filter: ActivityFilter, newest_first: bool, errors: list[str]) -> Page:
    """The timeline's page: after or before a cursor (the pager's links: as fast deep in a
    long timeline as at its start), or, for a page number typed without one, counted off."""
    tallied = queries.tallied_count(conflict_id, activity_filter)  # else counted, up to the cap
    total = None if tallied is None else db.session.scalar(tallied)
    size, cap = current_app.config["PAGE_SIZE"], current_app.config["COUNT_CAP"]
    number = request.args.get("page", 1, type=int)
    after, before = request.args.get("after"), request.args.get("before")
    # Rows counted through the parties' links; the page's rows, for a busy party, found by
    # walking the date order (filters.involving).
    counted = activity_filter.apply(queries.timeline(conflict_id, ordered=False))
    if activity_filter.party_ids:
        activity_filter.walk_parties = many_links(db.session, activity_filter.party_ids, conflict_id)
    if not (after or before) and "page" in request.args:  # a page typed, or an older link
        stmt = activity_filter.apply(queries.timeline(conflict_id, newest_first=newest_first))
        return paginate(db.session, stmt, number, size, total=total, cap=cap, counted=counted)
    try:
        cursors = {name: decode_cursor(text) for name, text in (("after", after), ("before", before)) if text}
    except ValueError:
        errors.append("That page link no longer leads anywhere; here is the first page.")
        cursors, number = {}, 1
    return keyset(
        db.session, activity_filter.apply(queries.timeline(conflict_id, ordered=False)),
        (Activity.date, Activity.id), descending=newest_first, number=number, per_page=size, total=total, cap=cap,
        counted=counted, **cursors,
    )  # fmt: skip


@bp.get("/conflicts/<slug>")
@requires("read")
def detail(slug: str) -> str:
    """A conflict's summary, phase history, parties by role, recognition matrix and the
    filtered, paginated timeline (the filter lives in the URL)."""
    conflict = conflict_or_404(slug, page=True)
    activity_filter = ActivityFilter.from_args(request.args, db.session)
    newest_first = request.args.get("order") == "newest"
    errors = list(activity_filter.errors)
    page = _timeline_page(conflict.id, activity_filter, newest_first, errors)
    parties = [p.party for p in conflict.participations]
    matrix = build_matrix(
        parties,
        db.session.scalars(recognitions_among([p.id for p in parties])).all(),
        _as_of(errors, conflict.end_date),
    )
    return render_template(
        "conflicts/detail.html",
        conflict=conflict,
        roles=group_by_role(conflict.participations),
        page=page,
        activity_filter=activity_filter,
        errors=errors,
        matrix=matrix,
        parties=sorted({p.id: p for p in parties}.values(), key=lambda p: p.name),
        newest_first=newest_first,
        compact=request.args.get("view") == "table",
    )
