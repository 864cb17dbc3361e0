"""Pages of the event intake: upload, batches, the review queue, one candidate."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import rules
from tracker.activities import prefill
from tracker.activities.views import _party_choices
from tracker.auth.access import can, is_safe_next, requires
from tracker.events import jobs, queue, report, review
from tracker.events.forms import CandidateForm, DecideForm, EventUploadForm, MapActorForm
from tracker.extensions import db, lock_when_writing
from tracker.forms.common import ConfirmForm
from tracker.forms.handling import submit
from tracker.lookups import conflict_or_404
from tracker.models import Candidate, Conflict, EventBatch, Party
from tracker.pagination import paginate
from tracker.rules import RuleError

bp = Blueprint("events", __name__)


def _conflict_choices(empty: str) -> list[tuple[object, str]]:
    rows = db.session.execute(sa.select(Conflict.id, Conflict.name).order_by(Conflict.name)).all()
    return [("", empty), *((cid, name) for cid, name in rows)]


def _party_list() -> list[tuple[object, str]]:
    rows = db.session.execute(sa.select(Party.id, Party.name).order_by(Party.name)).all()
    return [("", "Choose a party…"), *((pid, name) for pid, name in rows)]


def _batch_or_404(batch_id: int) -> EventBatch:
    batch = db.session.get(EventBatch, batch_id, options=[selectinload(EventBatch.conflict)])
    if batch is None:
        abort(404, description="No such import batch.")
    return batch


def _candidate_or_404(candidate_id: int) -> Candidate:
    candidate = review.load(db.session, candidate_id)
    if candidate is None:
        abort(404, description="No such candidate.")
    return candidate


def _back(default: str) -> str:
    """Where a decision returns: the page it was made on (a local path only)."""
    target = request.form.get("next") or request.args.get("next") or ""
    return target if is_safe_next(target) else default


@bp.route("/events/import", methods=["GET", "POST"])
@lock_when_writing
@requires("import")
def upload() -> str | Response:
    form = EventUploadForm()
    form.conflict.choices = _conflict_choices("Match each event by its pair of parties")
    if not form.is_submitted() and request.args.get("conflict"):
        chosen = db.session.scalar(sa.select(Conflict.id).where(Conflict.slug == request.args["conflict"]))
        form.conflict.data = chosen
    if form.validate_on_submit():
        upload = form.file.data
        batch = jobs.new_batch(
            upload.filename or "events", asked=form.format.data or None, conflict_id=form.conflict.data,
            user_id=current_user.id,
        )  # fmt: skip
        jobs.submit(batch, upload.read(), user_id=current_user.id)
        return redirect(url_for("events.batch", batch_id=batch.id))
    return render_template("events/upload.html", form=form)


@bp.get("/events/batches")
@requires("read")
def batches() -> str:
    page = paginate(
        db.session,
        sa.select(EventBatch).order_by(EventBatch.id.desc()),
        request.args.get("page", 1, type=int) or 1,
        50,
    )
    return render_template("events/batches.html", page=page)


@bp.get("/events/batches/<int:batch_id>")
@requires("read")
def batch(batch_id: int) -> str:
    found = _batch_or_404(batch_id)
    form = MapActorForm()
    form.party.choices = _party_list()
    return render_template(
        "events/batch.html", report=report.build(db.session, found), map_form=form, confirm=ConfirmForm()
    )


@bp.get("/events/batches/<int:batch_id>/status")
@requires("read")
def batch_status(batch_id: int) -> Response:
    """The batch's progress, for the page to follow while the job runs."""
    b = _batch_or_404(batch_id)
    return jsonify(
        status=b.status, lines=b.lines_read, events=b.events_read, candidates=b.candidates, message=b.message
    )


@bp.post("/events/batches/<int:batch_id>/undo")
@requires("import")
def undo(batch_id: int) -> Response:
    b = _batch_or_404(batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form expired; try again.")
    name, failed = b.filename, b.status == "failed"
    try:
        review.undo(db.session, b)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Not undone: {error}.", "error")
        return redirect(url_for("events.batch", batch_id=batch_id))
    flash(f"Batch {batch_id} ({name}) removed." if failed else f"Batch {batch_id} ({name}) undone: its candidates are gone.",
          "success")  # fmt: skip
    return redirect(url_for("events.batches"))


@bp.post("/events/actors/map")
@requires("edit")
def map_actor() -> Response:
    form = MapActorForm()
    form.party.choices = _party_list()
    back = _back(url_for("events.queue_all"))
    if not form.validate_on_submit() or form.party.data is None:
        flash("Choose the party this actor is.", "error")
        return redirect(back)
    try:
        matched, alias = review.map_actor(db.session, form.key.data or "", form.party.data)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Not mapped: {error}.", "error")
        return redirect(back)
    party = db.session.get(Party, form.party.data)
    flash(f"“{alias}” is now an alias of {party.name if party else 'the party'}: "
          f"{matched} actor{'s' if matched != 1 else ''} of pending candidates matched.", "success")  # fmt: skip
    return redirect(back)


def _queue(conflict: Conflict | None) -> str:
    flt = queue.CandidateFilter.from_args(request.args)
    stmt = queue.candidates(flt, conflict.id if conflict else None)
    page = paginate(
        db.session, stmt, request.args.get("page", 1, type=int) or 1, 50,
        cap=10_000,
    )  # fmt: skip
    map_form = MapActorForm()
    map_form.party.choices = _party_list()
    unmatched = review.unmatched_actors(db.session, flt.batch_id) if conflict is None else []
    return render_template(
        "events/queue.html", page=page, flt=flt, conflict=conflict, decide=DecideForm(), map_form=map_form,
        unmatched=unmatched, conflicts=_conflict_choices("")[1:], families=list(queue.FAMILIES),
    )  # fmt: skip


@bp.get("/events/candidates")
@requires("read")
def queue_all() -> str:
    return _queue(None)


@bp.get("/conflicts/<slug>/candidates")
@requires("read")
def queue_conflict(slug: str) -> str:
    return _queue(conflict_or_404(slug))


@bp.post("/events/candidates/decide")
@requires("edit")
def decide() -> Response:
    form = DecideForm()
    back = _back(url_for("events.queue_all"))
    if not form.validate_on_submit():
        abort(400, description="The form expired; try again.")
    ids = []
    for raw in request.form.getlist("candidate")[:500]:
        try:
            ids.append(rules.record_id(raw))
        except RuleError:
            abort(400, description="A selected candidate is not a number.")
    if not ids:
        flash("Tick the candidates to decide first.", "error")
        return redirect(back)
    chosen = review.load_many(db.session, ids)
    try:
        if form.accept.data:
            done = review.accept_many(db.session, chosen, user_id=current_user.id)
            message = f"Accepted {len(done)}: they are on the timeline now."
        else:
            review.reject(db.session, chosen, user_id=current_user.id)
            message = f"Rejected {len(chosen)}."
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Nothing was decided: {error}", "error")
        return redirect(back)
    flash(message, "success")
    return redirect(back)


@bp.route("/events/candidates/<int:candidate_id>", methods=["GET", "POST"])
@requires("read")
def candidate(candidate_id: int) -> str | Response:
    found = _candidate_or_404(candidate_id)
    conflict = found.conflict
    form = CandidateForm()
    form.conflict.choices = _conflict_choices("Choose the conflict…")
    form.set_party_choices(_party_choices(conflict) if conflict else _all_parties())
    if not form.is_submitted():
        _fill(form, found)
    if form.is_submitted() and not can("edit"):
        abort(403, description="Analysts and admins decide candidates.")
    saved = []

    def save() -> str:
        saved.append(review.accept(
            db.session, found, form.parsed, user_id=current_user.id,
            add_missing_parties=form.add_missing_parties.data, recognition=bool(form.recognition.data),
            third_party=bool(form.third_party.data), conflict_id=form.conflict.data,
        ))  # fmt: skip
        accepted_in = db.session.get(Conflict, saved[0].conflict_id)
        return _back(
            url_for("events.queue_conflict", slug=accepted_in.slug) if accepted_in else url_for("events.queue_all")
        )

    if form.is_submitted() and found.status.value != "pending":
        flash(f"Nothing was recorded: this candidate was already decided ({found.status.label.lower()}).", "error")
        return redirect(url_for("events.candidate", candidate_id=candidate_id))
    if response := submit(form, save, done=lambda: f"Accepted: “{saved[0].title}” is on the timeline."):
        return response
    unmatched_keys = [key for key, party in ((found.source_key, found.source_party_id),
                                             (found.target_key, found.target_party_id)) if key and party is None]  # fmt: skip
    map_form = MapActorForm()
    map_form.party.choices = _party_list()
    return render_template(
        "events/candidate.html", c=found, form=form, confirm=ConfirmForm(), map_form=map_form,
        unmatched=review.unmatched_actors(db.session, keys=unmatched_keys) if unmatched_keys else [],
        suggestions=review.suggestions(db.session, found), proposals=review.proposals_of(found),
        back=_back(""),
    )  # fmt: skip


def _all_parties() -> list[tuple[int, str]]:
    return [(pid, name) for pid, name in db.session.execute(sa.select(Party.id, Party.name).order_by(Party.name))]


def _fill(form: CandidateForm, found: Candidate) -> None:
    """The form starts as the candidate's proposal."""
    form.conflict.data = found.conflict_id
    form.date.data = found.date.isoformat()
    if found.type is not None:
        form.type.data = found.type.value
    form.cameo_code.data = (
        found.cameo_code if found.code_known and found.type and found.cameo_code != found.type.cameo else ""
    )
    for name in ("track", "official_level", "scope", "form", "purpose"):
        form[name].data = getattr(found, name).value
    form.effect.data = "unknown"
    form.incentive.data = found.incentive.value if found.incentive else ""
    form.title.data = found.title
    try:
        proposed = review.proposal(found)
    except RuleError:
        proposed = None
    if proposed is not None:
        form.description.data = proposed.description
        links = [(link.party, link.role.value) for link in proposed.parties]
        sources = [(s.citation, s.url or "") for s in proposed.sources]
    else:
        links, sources = [], [(review.citation(r).citation, r.url) for r in found.reports[:20]]
    prefill.rows_for(form, len(links), len(sources))
    for row, (pid, role) in zip(form.parties, links, strict=False):
        row.party.data, row.role.data = pid, role
    for source_row, (citation, link) in zip(form.sources, sources, strict=False):
        source_row.citation.data, source_row.url.data = citation, link
    form.add_missing_parties.data = True
    form.recognition.data = "recognition" in review.proposals_of(found)
    form.third_party.data = "third_party" in review.proposals_of(found)


def _decision(candidate_id: int, act, message: str) -> Response:
    found = _candidate_or_404(candidate_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form expired; try again.")
    try:
        act(found)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(f"Not done: {error}.", "error")
        return redirect(url_for("events.candidate", candidate_id=candidate_id))
    flash(message, "success")
    default = (
        url_for("events.queue_conflict", slug=found.conflict.slug) if found.conflict else url_for("events.queue_all")
    )
    return redirect(_back(default))


@bp.post("/events/candidates/<int:candidate_id>/reject")
@requires("edit")
def reject(candidate_id: int) -> Response:
    return _decision(candidate_id, lambda c: review.reject(db.session, [c], user_id=current_user.id), "Rejected.")


@bp.post("/events/candidates/<int:candidate_id>/duplicate/<int:activity_id>")
@requires("edit")
def duplicate(candidate_id: int, activity_id: int) -> Response:
    return _decision(
        candidate_id,
        lambda c: review.mark_duplicate(db.session, c, activity_id, user_id=current_user.id),
        "Marked as a duplicate of an activity already recorded.",
    )


@bp.post("/events/candidates/<int:candidate_id>/reopen")
@requires("edit")
def reopen(candidate_id: int) -> Response:
    return _decision(candidate_id, lambda c: review.reopen(db.session, c), "Back in the queue, pending.")
