"""History pages. The queries live in ``tracker.audit``."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request

from tracker import audit
from tracker.auth.access import requires
from tracker.extensions import db
from tracker.models import User
from tracker.pagination import paginate

bp = Blueprint("history", __name__, url_prefix="/history")
bp.add_app_template_global(audit.shown, "shown")


def _date_arg(name: str, errors: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"“{raw}” is not a date (YYYY-MM-DD); the {name} filter was ignored.")
        return None


def log_filter() -> tuple[dict[str, object], list[str]]:
    """The change log's filter from the query string (user id, since, until) and its errors."""
    errors: list[str] = []
    user_id = request.args.get("user", type=int)
    if request.args.get("user") and user_id is None:
        errors.append("Unknown user filter; it was ignored.")
    since, until = _date_arg("since", errors), _date_arg("until", errors)
    if since and until and until < since:
        errors.append("The “until” date is before the “since” date; the date filter was ignored.")
        since = until = None
    return {"user_id": user_id, "since": since, "until": until}, errors


@bp.get("/")
@requires("audit_log")
def log() -> str:
    """Every change, newest first, filterable by user and date range."""
    filters, errors = log_filter()
    page = paginate(
        db.session,
        audit.log(**filters),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    users = db.session.scalars(sa.select(User).order_by(User.email)).all()
    names = audit.names_for(db.session, page.items)
    return render_template("history/log.html", page=page, users=users, errors=errors, names=names, **filters)


@bp.get("/<record_type>/<int:record_id>")
@requires("read")
def record(record_type: str, record_id: int) -> str:
    """The history of one record."""
    if record_type not in audit.RECORD_TYPES.values() or record_type == "user":
        abort(404, description="No such kind of record.")
    entries = db.session.scalars(audit.history(record_type, record_id)).all()
    names = audit.names_for(db.session, list(entries))
    return render_template("history/record.html", entries=entries, record_type=record_type, record_id=record_id, names=names)
