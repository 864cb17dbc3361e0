"""Upload, dry run, confirm: the web side of the CSV imports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.extensions import db
from tracker.imports import activities as activity_import
from tracker.imports import parties as party_import
from tracker.imports import uploads
from tracker.imports.forms import ActivityConfirmForm, ActivityUploadForm, PartyConfirmForm, PartyUploadForm
from tracker.lookups import conflict_or_404
from tracker.rules import RuleError
from tracker.vocab import PartyKind

bp = Blueprint("imports", __name__)


def _options(form: ActivityUploadForm | ActivityConfirmForm) -> activity_import.Options:
    kind = PartyKind(form.new_party_kind.data) if form.create_parties.data and form.new_party_kind.data else None
    if form.create_parties.data and kind is None:
        kind = PartyKind.STATE
    return activity_import.Options(
        on_duplicate=form.on_duplicate.data,
        new_party_kind=kind,
        add_missing_parties=bool(form.add_missing_parties.data),
    )


def _confirmation(kind: type, upload: ActivityUploadForm | PartyUploadForm, data: bytes):
    """The confirmation form: the upload's options, and the token of the kept file."""
    options = {name: value for name, value in upload.data.items() if name not in ("file", "submit", "csrf_token")}
    return kind(formdata=None, data=options | {"token": uploads.keep(data)})


@bp.route("/conflicts/<slug>/import", methods=["GET", "POST"])
@requires("import")
def activities(slug: str) -> str:
    """Upload a file; the dry run says what would happen, line by line."""
    conflict = conflict_or_404(slug)
    form = ActivityUploadForm()
    report = confirm = None
    if form.validate_on_submit():
        data = form.file.data.read()
        report = activity_import.plan(db.session, conflict, data, _options(form))
        if report.ok:
            confirm = _confirmation(ActivityConfirmForm, form, data)
    return render_template("imports/activities.html", conflict=conflict, form=form, report=report, confirm=confirm)


@bp.post("/conflicts/<slug>/import/confirm")
@requires("import")
def confirm_activities(slug: str) -> Response | str:
    """Import the checked file in one transaction, or not at all."""
    conflict = conflict_or_404(slug)
    form = ActivityConfirmForm()
    data = uploads.load(form.token.data or "") if form.validate_on_submit() else None
    if data is None:
        abort(400, description="This import is no longer available; upload the file again.")
    report = activity_import.plan(db.session, conflict, data, _options(form))
    try:
        counts = activity_import.apply(db.session, conflict, report, recorded_by=current_user.id)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Nothing was imported: {error}", "error")
        return redirect(url_for("imports.activities", slug=slug))
    uploads.discard(form.token.data or "")
    flash(
        f"Imported: {counts['created']} created, {counts['updated']} updated, {counts['skipped']} skipped, "
        f"{counts.get('unchanged', 0)} unchanged.",
        "success",
    )
    return redirect(url_for("conflicts.detail", slug=slug))


@bp.route("/parties/import", methods=["GET", "POST"])
@requires("import")
def parties() -> str:
    form = PartyUploadForm()
    report = confirm = None
    if form.validate_on_submit():
        data = form.file.data.read()
        report = party_import.plan(db.session, data, form.on_duplicate.data)
        if report.ok:
            confirm = _confirmation(PartyConfirmForm, form, data)
    return render_template("imports/parties.html", form=form, report=report, confirm=confirm)


@bp.post("/parties/import/confirm")
@requires("import")
def confirm_parties() -> Response:
    form = PartyConfirmForm()
    data = uploads.load(form.token.data or "") if form.validate_on_submit() else None
    if data is None:
        abort(400, description="This import is no longer available; upload the file again.")
    report = party_import.plan(db.session, data, form.on_duplicate.data)
    try:
        counts = party_import.apply(db.session, report)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Nothing was imported: {error}", "error")
        return redirect(url_for("imports.parties"))
    uploads.discard(form.token.data or "")
    flash(
        f"Imported: {counts['created']} created, {counts['updated']} updated, {counts['skipped']} skipped, "
        f"{counts.get('unchanged', 0)} unchanged.",
        "success",
    )
    return redirect(url_for("parties.index"))
