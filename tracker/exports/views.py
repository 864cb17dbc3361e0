"""CSV downloads of every list, and the data dictionary page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from tracker.activities.filters import ActivityFilter
from tracker.auth.access import requires
from tracker.exports import activities, columns, csvfile, records
from tracker.extensions import db
from tracker.history.filters import log_filter
from tracker.lookups import conflict_or_404

bp = Blueprint("exports", __name__)


def _download(kind: str, produce: Callable[[sa.Connection], Iterator[list[Any]]], *name_parts: str) -> Response:
    """Stream ``produce``'s rows (built by ``tracker.exports.serializers``, free text
    neutralised) on a connection of their own, held while the body streams."""

    def generate() -> Iterator[list[Any]]:
        with db.engine.connect() as connection:
            yield from produce(connection)

    header = columns.names(columns.EXPORTS[kind][1])
    return csvfile.response(
        header, generate(), csvfile.filename(*name_parts), bom=request.args.get("bom") == "1", prepared=True
    )


def _activity_filter() -> ActivityFilter:
    flt = ActivityFilter.from_args(request.args, db.session)
    if flt.errors:
        abort(400, description=" ".join(flt.errors))
    return flt


@bp.get("/conflicts/<slug>/activities.csv")
@requires("export")
def conflict_activities(slug: str) -> Response:
    """A conflict's timeline, with the timeline's filters."""
    conflict = conflict_or_404(slug)
    flt = _activity_filter()
    return _download("activities", lambda conn: activities.rows(conn, conflict.id, flt), conflict.slug, "activities")


@bp.get("/activities.csv")
@requires("export")
def all_activities() -> Response:
    """Every activity of every conflict (the timeline's filters apply)."""
    flt = _activity_filter()
    return _download("activities", lambda conn: activities.rows(conn, None, flt), "all", "activities")


@bp.get("/conflicts.csv")
@requires("export")
def conflicts() -> Response:
    return _download("conflicts", records.conflicts, "conflicts")


@bp.get("/parties.csv")
@requires("export")
def parties() -> Response:
    return _download("parties", records.parties, "parties")


@bp.get("/participations.csv")
@requires("export")
def participations() -> Response:
    return _download("participations", records.participations, "participations")


@bp.get("/recognitions.csv")
@requires("export")
def recognitions() -> Response:
    return _download("recognitions", records.recognitions, "recognitions")


@bp.get("/history.csv")
@requires("audit_log")
def audit() -> Response:
    """The change log (admins), with its filters."""
    filters, errors = log_filter()
    if errors:
        abort(400, description=" ".join(errors))
    return _download("audit", lambda conn: records.audit(conn, **filters), "audit-log")


@bp.get("/data-dictionary")
@requires("read")
def dictionary() -> str:
    """Every column of every export with its meaning and allowed values."""
    return render_template("exports/dictionary.html", exports=columns.EXPORTS)
