"""Upload, dry run, confirm: the web side of the CSV imports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.extensions import db, lock_when_writing
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


def _confirmation(kind: type, upload: ActivityUploadForm | PartyUploadForm, data: bytes, purpose: str):
    """The confirmation form: the upload's options, and the token of the kept file."""
    options = {name: value for name, value in upload.data.items() if name not in ("file", "submit", "csrf_token")}
    token = uploads.keep(db.session, data, user_id=current_user.id, purpose=purpose)
    db.session.commit()
    return kind(formdata=None, data=options | {"token": token})


def _kept(form: ActivityConfirmForm | PartyConfirmForm, purpose: str) -> bytes:
    """The file the confirmation names: the user's own, for this purpose, not expired."""
    data = form.validate_on_submit() and uploads.load(
        db.session, form.token.data or "", user_id=current_user.id, purpose=purpose
    )
    if not data:
        abort(400, description="This import is no longer available; upload the file again.")
    return data


@bp.route("/conflicts/<slug>/import", methods=["GET", "POST"])
@lock_when_writing
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
            confirm = _confirmation(ActivityConfirmForm, form, data, f"activities:{conflict.id}")
    return render_template("imports/activities.html", conflict=conflict, form=form, report=report, confirm=confirm)


@bp.post("/conflicts/<slug>/import/confirm")
@requires("import")
def confirm_activities(slug: str) -> Response | str:
    """Import the checked file in one transaction, or not at all."""
    conflict = conflict_or_404(slug)
    form = ActivityConfirmForm()
    data = _kept(form, f"activities:{conflict.id}")
    report = activity_import.plan(db.session, conflict, data, _options(form))
    try:
        counts = activity_import.apply(db.session, conflict, report, recorded_by=current_user.id)
        uploads.discard(db.session, form.token.data or "")
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Nothing was imported: {error}", "error")
        return redirect(url_for("imports.activities", slug=slug))
    flash(
        f"Imported: {counts['created']} created, {counts['updated']} updated, {counts['skipped']} skipped, "
        f"{counts.get('unchanged', 0)} unchanged.",
        "success",
    )
    return redirect(url_for("conflicts.detail", slug=slug))


@bp.route("/parties/import", methods=["GET", "POST"])
@lock_when_writing
@requires("import")
def parties() -> str:
    form = PartyUploadForm()
    report = confirm = None
    if form.validate_on_submit():
        data = form.file.data.read()
        report = party_import.plan(db.session, data, form.on_duplicate.data)
        if report.ok:
            confirm = _confirmation(PartyConfirmForm, form, data, "parties")
    return render_template("imports/parties.html", form=form, report=report, confirm=confirm)


@bp.post("/parties/import/confirm")
@requires("import")
def confirm_parties() -> Response:
    form = PartyConfirmForm()
    data = _kept(form, "parties")
    report = party_import.plan(db.session, data, form.on_duplicate.data)
    try:
        counts = party_import.apply(db.session, report)
        uploads.discard(db.session, form.token.data or "")
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Nothing was imported: {error}", "error")
        return redirect(url_for("imports.parties"))
    flash(
        f"Imported: {counts['created']} created, {counts['updated']} updated, {counts['skipped']} skipped, "
        f"{counts.get('unchanged', 0)} unchanged.",
        "success",
    )
    return redirect(url_for("parties.index"))
