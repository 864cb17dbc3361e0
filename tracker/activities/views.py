"""Activity pages and forms."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from tracker.activities import prefill, service
from tracker.activities.forms import ActivityForm
from tracker.auth.access import can_delete, requires
from tracker.extensions import db
from tracker.forms.fields import show_partial_dates
from tracker.forms.handling import confirm_delete, submit
from tracker.lookups import conflict_or_404
from tracker.models import Activity, Candidate, Conflict, Participation, Party

bp = Blueprint("activities", __name__)


def activity_or_404(activity_id: int) -> Activity:
    activity = service.load_for_edit(db.session, activity_id)
    if activity is None:
        abort(404, description="No such activity.")
    return activity


def _party_choices(conflict: Conflict) -> list[tuple[int, str]]:
    """The conflict's parties first, then every other party."""
    rows = db.session.execute(
        sa.select(
            Party.id,
            Party.name,
            sa.exists()
            .where(Participation.party_id == Party.id, Participation.conflict_id == conflict.id)
            .label("involved"),
        ).order_by(Party.name)
    ).all()
    return [(pid, name) for pid, name, involved in rows if involved] + [
        (pid, f"{name} (not yet in this conflict)") for pid, name, involved in rows if not involved
    ]


def _form(conflict: Conflict, **kwargs: object) -> ActivityForm:
    form = ActivityForm(**kwargs)
    form.set_party_choices(_party_choices(conflict))
    return form


def _saved_message(what: str, activity: Activity) -> Markup:
    """The message after saving, linking to the record saved (its title escaped)."""
    return Markup('{}: <a href="{}">{}</a>.').format(
        what, url_for("activities.detail", activity_id=activity.id), activity.title
    )


@bp.get("/activities/<int:activity_id>/duplicate")
@requires("edit")
def duplicate(activity_id: int) -> Response:
    """A new activity of the same conflict that starts as a copy of this one."""
    activity = activity_or_404(activity_id)
    return redirect(
        url_for("activities.new", slug=activity.conflict.slug, **prefill.from_activity(activity), _anchor="title")
    )


@bp.get("/activities/<int:activity_id>")
@requires("read")
def detail(activity_id: int) -> str:
    activity = activity_or_404(activity_id)
    candidate = db.session.scalars(sa.select(Candidate).where(Candidate.activity_id == activity_id)).first()
    return render_template("activities/detail.html", activity=activity, conflict=activity.conflict, candidate=candidate)


@bp.route("/conflicts/<slug>/activities/new", methods=["GET", "POST"])
@requires("edit")
def new(slug: str) -> str | Response:
    """Log an activity; "Save and add another" comes back to an empty form."""
    conflict = conflict_or_404(slug)
    form = _form(conflict)
    carried = not form.is_submitted() and prefill.carried(request.args)
    if not form.is_submitted():
        prefill.fill(form, request.args)  # a series' previous entry, or the activity duplicated
    saved: list[Activity] = []

    def save() -> str:
        saved.append(service.create_activity(
            db.session, conflict, form.parsed, recorded_by=current_user.id,
            add_missing_parties=form.add_missing_parties.data,
        ))  # fmt: skip
        if form.save_and_add.data:
            return url_for("activities.new", slug=slug, **prefill.from_submitted(form, request.form), _anchor="title")
        return url_for("activities.detail", activity_id=saved[0].id)

    return submit(form, save, done=lambda: _saved_message("Activity recorded", saved[0])) or render_template(
        "activities/form.html",
        form=form,
        conflict=conflict,
        title=f"New activity: {conflict.name}",
        cancel_url=url_for("conflicts.detail", slug=slug),
        carried=carried,
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(activity_id: int) -> str | Response:
    activity = activity_or_404(activity_id)
    conflict = activity.conflict
    form = _form(conflict, obj=activity)
    if not form.is_submitted():
        show_partial_dates(form, activity, "date", "end_date")
        if activity.cameo_code == activity.type.cameo:
            form.cameo_code.data = ""  # the type's own code: empty, so a new type brings its own
        form.version.data = activity.version
        prefill.rows_for(form, len(activity.parties), len(activity.sources))  # every link shown, one spare row
        for row, link in zip(form.parties, activity.parties, strict=False):
            row.party.data, row.role.data = link.party_id, link.role.value
        for source_row, source in zip(form.sources, activity.sources, strict=False):
            source_row.citation.data, source_row.url.data = source.citation, source.url

    def save() -> str:
        service.update_activity(
            db.session,
            activity,
            form.parsed,
            version=form.version.data,
            add_missing_parties=form.add_missing_parties.data,
        )
        return url_for("activities.detail", activity_id=activity_id)

    return submit(form, save, done=lambda: _saved_message("Activity saved", activity)) or render_template(
        "activities/form.html",
        form=form,
        conflict=conflict,
        title=f"Edit activity: {activity.title}",
        cancel_url=url_for("activities.detail", activity_id=activity_id),
    )


@bp.route("/activities/<int:activity_id>/delete", methods=["GET", "POST"])
@requires("delete_own")
def delete(activity_id: int) -> Response | tuple[str, int]:
    """Admins delete any activity; analysts those they recorded."""
    activity = activity_or_404(activity_id)
    if not can_delete(activity):
        abort(403, description="Analysts delete only the activities they recorded; ask an admin to delete this one.")
    slug = activity.conflict.slug

    def remove() -> str:
        service.delete_activity(db.session, activity)
        return url_for("conflicts.detail", slug=slug)

    return confirm_delete(
        f"the activity “{activity.title}”", remove,
        cancel_url=url_for("activities.detail", activity_id=activity_id),
        dependents={"party links": len(activity.parties), "sources": len(activity.sources)},
    )  # fmt: skip
