"""The search page: results grouped by kind."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from tracker.auth.access import requires
from tracker.extensions import db
from tracker.rules import RuleError, text
from tracker.search import queries

bp = Blueprint("search", __name__)


@bp.get("/search")
@requires("read")
def index() -> str:
    raw = request.args.get("q", "")
    error = None
    try:
        q = text(raw, "title")
    except RuleError as problem:
        q, error = "", f"The search text {problem}."
    if q and len(q) < 2:
        q, error = "", "Type at least two characters."
    results = {}
    if q:
        results = {
            "Conflicts": db.session.scalars(queries.conflicts_matching(q)).all(),
            "Parties": db.session.scalars(queries.parties_matching(q)).all(),
            "Activities": db.session.scalars(queries.activities_matching(q)).all(),
        }
    return render_template("search/index.html", q=q or raw[:300], results=results, error=error, limit=queries.LIMIT)
