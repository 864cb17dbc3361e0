"""History pages. The queries live in ``tracker.audit``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request

from tracker import audit
from tracker.auth.access import requires
from tracker.extensions import db
from tracker.history.filters import log_filter
from tracker.models import User
from tracker.pagination import paginate

bp = Blueprint("history", __name__, url_prefix="/history")
bp.add_app_template_global(audit.shown, "shown")


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
        cap=current_app.config["COUNT_CAP"],
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
    return render_template(
        "history/record.html", entries=entries, record_type=record_type, record_id=record_id, names=names
    )
