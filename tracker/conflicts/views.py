"""Conflict pages. Views only read the request, call a query and render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from tracker.conflicts import queries
from tracker.extensions import db
from tracker.models import Participation
from tracker.pagination import paginate
from tracker.vocab import Role

bp = Blueprint("conflicts", __name__)


def group_by_role(participations: list[Participation]) -> dict[Role, list[Participation]]:
    """Participations per role, in codebook order, each list by party name."""
    grouped: dict[Role, list[Participation]] = {role: [] for role in Role}
    for p in sorted(participations, key=lambda p: (p.party.name, p.since or date.min)):
        grouped[p.role].append(p)
    return grouped


@bp.get("/")
def index() -> str:
    """Every conflict with its phase, activity volume and last activity."""
    rows = db.session.execute(queries.conflict_overview()).all()
    return render_template("conflicts/index.html", rows=rows)


@bp.get("/conflicts/<slug>")
def detail(slug: str) -> str:
    """A conflict's summary, phase history, parties by role and timeline."""
    conflict = db.session.scalars(queries.conflict_page(slug)).one_or_none()
    if conflict is None:
        abort(404, description=f"No conflict is recorded under {slug!r}.")
    page = paginate(
        db.session,
        queries.timeline(conflict.id),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "conflicts/detail.html",
        conflict=conflict,
        roles=group_by_role(conflict.participations),
        page=page,
    )
