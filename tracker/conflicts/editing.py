"""Pages that change conflicts: new, edit, phase changes, delete."""

from __future__ import annotations

from flask import abort, render_template, url_for
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.conflicts import service
from tracker.conflicts.blueprint import bp
from tracker.conflicts.forms import ConflictForm, NewConflictForm, PhaseForm
from tracker.extensions import db
from tracker.forms.fields import show_partial_dates
from tracker.forms.handling import confirm_delete, submit
from tracker.lookups import conflict_or_404
from tracker.models import Conflict, PhaseChange
from tracker.rules import format_partial_date

_DATES = ("start_date", "end_date")


@bp.route("/conflicts/new", methods=["GET", "POST"])
@requires("edit")
def new() -> str | Response:
    """Record a new conflict with its current phase."""
    form = NewConflictForm()

    def save() -> str:
        conflict = service.create_conflict(db.session, form.parsed.conflict(), first_phase=form.parsed.first_phase())
        return url_for("conflicts.detail", slug=conflict.slug)

    return submit(form, save, done="Conflict recorded.") or render_template(
        "form.html", form=form, title="New conflict", cancel_url=url_for("conflicts.index")
    )


@bp.route("/conflicts/<slug>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(slug: str) -> str | Response:
    """Change a conflict's fields."""
    conflict = conflict_or_404(slug)
    form = ConflictForm(obj=conflict)
    if not form.is_submitted():
        form.version.data = conflict.version
        show_partial_dates(form, conflict, *_DATES)

    def save() -> str:
        service.update_conflict(db.session, conflict, form.parsed, version=form.version.data)
        return url_for("conflicts.detail", slug=conflict.slug)

    return submit(form, save) or render_template(
        "form.html",
        form=form,
        title=f"Edit {conflict.name}",
        cancel_url=url_for("conflicts.detail", slug=slug),
    )


@bp.route("/conflicts/<slug>/phases/new", methods=["GET", "POST"])
@requires("edit")
def new_phase(slug: str) -> str | Response:
    """Record that the conflict entered a new phase."""
    conflict = conflict_or_404(slug)
    form = PhaseForm()

    def save() -> str:
        service.add_phase(db.session, conflict, form.parsed)
        return url_for("conflicts.detail", slug=slug)

    return submit(form, save, done="Phase change recorded.") or render_template(
        "form.html",
        form=form,
        title=f"Phase change: {conflict.name}",
        cancel_url=url_for("conflicts.detail", slug=slug),
    )


def phase_or_404(phase_id: int) -> PhaseChange:
    change = db.session.get(PhaseChange, phase_id)
    if change is None:
        abort(404, description="No such phase change.")
    return change


@bp.route("/phases/<int:phase_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit_phase(phase_id: int) -> str | Response:
    """Correct a phase change: its phase, date or note."""
    change = phase_or_404(phase_id)
    conflict = db.session.get_one(Conflict, change.conflict_id)
    form = PhaseForm(obj=change)
    if not form.is_submitted():
        form.version.data = change.version
        show_partial_dates(form, change, "since")

    def save() -> str:
        service.update_phase(db.session, change, form.parsed, version=form.version.data)
        return url_for("conflicts.detail", slug=conflict.slug, _anchor="phases-heading")

    return submit(form, save, done="Phase change saved.") or render_template(
        "form.html", form=form, title=f"Edit phase change: {conflict.name}",
        cancel_url=url_for("conflicts.detail", slug=conflict.slug),
    )  # fmt: skip


@bp.route("/phases/<int:phase_id>/delete", methods=["GET", "POST"])
@requires("delete")
def delete_phase(phase_id: int) -> Response | tuple[str, int]:
    """Confirm, then delete a phase change."""
    change = phase_or_404(phase_id)
    conflict = db.session.get_one(Conflict, change.conflict_id)

    def remove() -> str:
        service.delete_phase(db.session, change)
        return url_for("conflicts.detail", slug=conflict.slug)

    when = format_partial_date(change.since, change.since_precision)
    return confirm_delete(
        f"the phase change to “{change.phase.label}” of {when} in {conflict.name}", remove,
        cancel_url=url_for("conflicts.detail", slug=conflict.slug),
    )  # fmt: skip


@bp.route("/conflicts/<slug>/delete", methods=["GET", "POST"])
@requires("delete")
def delete(slug: str) -> Response | tuple[str, int]:
    """Confirm, then delete a conflict with everything recorded under it."""
    conflict = conflict_or_404(slug)

    def remove() -> str:
        service.delete_conflict(db.session, conflict)
        return url_for("conflicts.index")

    return confirm_delete(
        f"the conflict “{conflict.name}”", remove,
        cancel_url=url_for("conflicts.detail", slug=slug), dependents=service.dependents(db.session, conflict),
    )  # fmt: skip
