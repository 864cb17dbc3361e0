"""Forms for a party's role in a conflict."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, url_for
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.extensions import db
from tracker.forms.fields import show_partial_dates
from tracker.forms.handling import confirm_delete, submit
from tracker.lookups import conflict_or_404
from tracker.models import Conflict, Participation, Party
from tracker.participations import service
from tracker.participations.forms import ParticipationForm
from tracker.parties.queries import party_choices

bp = Blueprint("participations", __name__)


def _form(conflict: Conflict, **kwargs: object) -> ParticipationForm:
    form = ParticipationForm(**kwargs)
    form.party.choices = [(0, "Choose…"), *((pid, name) for pid, name in db.session.execute(party_choices()))]
    in_conflict = db.session.execute(
        sa.select(Party.id, Party.name)
        .where(Party.id.in_(sa.select(Participation.party_id).where(Participation.conflict_id == conflict.id)))
        .order_by(Party.name)
    ).all()
    form.supports.choices = [(0, "—"), *((pid, name) for pid, name in in_conflict)]
    return form


@bp.route("/conflicts/<slug>/roles/new", methods=["GET", "POST"])
@requires("edit")
def new(slug: str) -> str | Response:
    conflict = conflict_or_404(slug)
    form = _form(conflict)

    def save() -> str:
        service.create_participation(db.session, conflict.id, form.parsed)
        return url_for("conflicts.detail", slug=slug) + "#parties-heading"

    return submit(form, save, done="Role recorded.") or render_template(
        "form.html",
        form=form,
        title=f"New role in {conflict.name}",
        cancel_url=url_for("conflicts.detail", slug=slug),
        quick_party=True,
    )


def participation_or_404(participation_id: int) -> Participation:
    return service.load_for_edit(db.session, participation_id) or abort(404, description="No such role.")


@bp.route("/roles/<int:participation_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(participation_id: int) -> str | Response:
    row = participation_or_404(participation_id)
    form = _form(row.conflict, obj=row)
    if not form.is_submitted():
        form.party.data, form.supports.data = row.party_id, row.supports_id or 0
        form.support_kinds.data = [k.value for k in row.support_kinds]
        form.motives.data = [m.value for m in row.motives]
        form.version.data = row.version
        show_partial_dates(form, row, "since", "until")

    # Read before saving: a refused save rolls back, and the relationships are not loaded again.
    title, slug = f"Role of {row.party.name} in {row.conflict.name}", row.conflict.slug

    def save() -> str:
        service.update_participation(db.session, row, form.parsed, version=form.version.data)
        return url_for("conflicts.detail", slug=slug) + "#parties-heading"

    return submit(form, save) or render_template(
        "form.html",
        form=form,
        title=title,
        cancel_url=url_for("conflicts.detail", slug=slug),
        quick_party=True,
    )


@bp.route("/roles/<int:participation_id>/delete", methods=["GET", "POST"])
@requires("delete")
def delete(participation_id: int) -> Response | tuple[str, int]:
    row = participation_or_404(participation_id)
    slug = row.conflict.slug
    linked = service.activities_involving(db.session, row)

    def remove() -> str:
        service.delete_participation(db.session, row)
        return url_for("conflicts.detail", slug=slug)

    return confirm_delete(
        f"the role of {row.party.name} in {row.conflict.name}", remove,
        cancel_url=url_for("conflicts.detail", slug=slug),
        note=f"{row.party.name} stays linked to {linked} activities of this conflict; "
        "give it another role there if it keeps taking part." if linked else None,
    )  # fmt: skip
