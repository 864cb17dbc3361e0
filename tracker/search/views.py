"""The search page: every word typed, in any order, ranked, paged, filtered by kind and conflict."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from tracker.auth.access import requires
from tracker.extensions import db
from tracker.models import Activity, Conflict
from tracker.rules import RuleError, text
from tracker.search import index

bp = Blueprint("search", __name__)

PER_PAGE = 20


@bp.get("/search", endpoint="index")
@requires("read")
def index_page() -> str:
    raw = request.args.get("q", "")
    error = None
    try:
        q = text(raw, "title")
    except RuleError as problem:
        q, error = "", f"The search text {problem}."
    if q and not index.words(q):
        q, error = "", "Type a word to search for (punctuation alone finds nothing)."
    kind = request.args.get("type") if request.args.get("type") in index.RECORD_TYPES else None
    conflicts = db.session.execute(sa.select(Conflict.id, Conflict.slug, Conflict.name).order_by(Conflict.name)).all()
    by_slug = {slug: (cid, name) for cid, slug, name in conflicts}
    within = by_slug.get(request.args.get("conflict", ""))
    page = request.args.get("page", 1, type=int) or 1
    results = (
        index.search(
            db.session, q, record_type=kind, conflict_id=within[0] if within else None, page=page, per_page=PER_PAGE
        )
        if q
        else None
    )
    names = {cid: (slug, name) for cid, slug, name in conflicts}
    dates = {}
    if results:
        ids = [h.record_id for h in results.hits if h.record_type == "activity"]
        if ids:
            dates = {
                i: (d, p)
                for i, d, p in db.session.execute(
                    sa.select(Activity.id, Activity.date, Activity.date_precision).where(Activity.id.in_(ids))
                )
            }
    return render_template(
        "search/index.html", q=q or raw[:300], results=results, error=error, kind=kind, conflicts=conflicts,
        conflict_slug=request.args.get("conflict", "") if within else "", names=names, dates=dates,
    )  # fmt: skip
