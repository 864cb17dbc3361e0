"""Party pages and the forms that change parties and recognitions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import rules
from tracker.activities.filters import many_links
from tracker.auth.access import requires
from tracker.extensions import db
from tracker.forms.fields import show_partial_dates
from tracker.forms.handling import confirm_delete, submit
from tracker.models import Party, PartyAlias, Recognition
from tracker.pagination import paginate
from tracker.parties import queries, service
from tracker.parties.forms import AliasForm, PartyForm, RecognitionForm
from tracker.rules import RuleError, as_sentence
from tracker.vocab import RECOGNIZABLE_KINDS, RECOGNIZER_KINDS, PartyKind

bp = Blueprint("parties", __name__, url_prefix="/parties")


def party_or_404(party_id: int) -> Party:
    return db.session.get(Party, party_id) or abort(404, description="No such party.")


@bp.get("/")
@requires("read")
def index() -> str:
    """Every party, searchable by name and filterable by kind."""
    q = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind") or None
    error = None
    if kind and kind not in PartyKind.keys():
        error, kind = f"“{kind}” is not a kind of party; showing every kind.", None
    page = paginate(
        db.session,
        queries.party_list(q=q, kind=kind),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("parties/index.html", page=page, q=q, kind=kind, error=error)


@bp.get("/<int:party_id>")
@requires("read")
def detail(party_id: int) -> str:
    """A party: kind, standing, recognitions, roles across conflicts, activities."""
    return _detail(party_or_404(party_id), AliasForm(formdata=None))


def _detail(party: Party, alias_form: AliasForm) -> str:
    party_id = party.id
    recognitions = db.session.scalars(queries.recognitions_of(party_id)).all()
    page = paginate(
        db.session,
        queries.activities_of(party_id, walk=many_links(db.session, [party_id])),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
        cap=current_app.config["COUNT_CAP"],
        counted=queries.activity_ids_of(party_id),
    )
    return render_template(
        "parties/detail.html",
        party=party,
        given=[r for r in recognitions if r.recognizer_id == party_id],
        received=[r for r in recognitions if r.recognized_id == party_id],
        roles=db.session.scalars(queries.roles_of(party_id)).all(),
        page=page,
        aliases=db.session.scalars(
            sa.select(PartyAlias).where(PartyAlias.party_id == party_id).order_by(PartyAlias.kind, PartyAlias.key)
        ).all(),
        alias_form=alias_form,
    )


@bp.post("/<int:party_id>/aliases")
@requires("edit")
def add_alias(party_id: int) -> str | Response:
    """Add an alias; a refused one comes back beside its field, as typed."""
    party = party_or_404(party_id)
    form = AliasForm()

    def save() -> str:
        service.add_alias(db.session, party_id, form.kind.data, form.value.data)
        return url_for("parties.detail", party_id=party_id, _anchor="aliases")

    return submit(form, save, done="Alias added.") or _detail(party, form)


@bp.route("/<int:party_id>/aliases/<int:alias_id>/delete", methods=["GET", "POST"])
@requires("edit")
def delete_alias(party_id: int, alias_id: int) -> Response | tuple[str, int]:
    alias = db.session.get(PartyAlias, alias_id)
    if alias is None or alias.party_id != party_id:
        abort(404, description="No such alias.")

    def remove() -> str:
        service.delete_alias(db.session, alias)
        return url_for("parties.detail", party_id=party_id, _anchor="aliases")

    return confirm_delete(
        f"the alias “{alias.value}” ({alias.kind})", remove,
        cancel_url=url_for("parties.detail", party_id=party_id, _anchor="aliases"),
        dependents={},
    )  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@requires("edit")
def new() -> str | Response:
    form = PartyForm()

    def save() -> str:
        party = service.create_party(db.session, form.parsed)
        return url_for("parties.detail", party_id=party.id)

    return submit(form, save, done="Party recorded.") or render_template(
        "form.html", form=form, title="New party", cancel_url=url_for("parties.index")
    )


@bp.post("/quick")
@requires("edit")
def quick() -> tuple[Response, int]:
    """Create a party from inside another form (the activity and role forms' "New party"),
    answering JSON: ``201 {"id", "name"}``, or ``422`` with each field's reasons."""
    form = PartyForm()
    if form.validate_on_submit():
        try:
            party = service.create_party(db.session, form.parsed)
            db.session.commit()
        except RuleError as error:
            db.session.rollback()
            field = getattr(error, "field", None)
            return jsonify(error={"code": "invalid", "message": as_sentence(str(error)),
                                  "fields": {field: [as_sentence(str(error))]} if field else {}}), 422  # fmt: skip
        return jsonify(id=party.id, name=party.name, kind=party.kind.value), 201
    fields = {name: list(errors) for name, errors in form.errors.items()}
    return jsonify(
        error={"code": "invalid", "message": "The party was not saved: check the fields.", "fields": fields}
    ), 422


@bp.route("/<int:party_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(party_id: int) -> str | Response:
    party = party_or_404(party_id)
    form = PartyForm(obj=party)
    if not form.is_submitted():
        form.version.data = party.version

    def save() -> str:
        service.update_party(db.session, party, form.parsed, version=form.version.data)
        return url_for("parties.detail", party_id=party.id)

    return submit(form, save) or render_template(
        "form.html", form=form, title=f"Edit {party.name}", cancel_url=url_for("parties.detail", party_id=party_id)
    )


@bp.route("/<int:party_id>/delete", methods=["GET", "POST"])
@requires("delete")
def delete(party_id: int) -> Response | tuple[str, int]:
    """Confirm, then delete a party that nothing refers to."""
    party = party_or_404(party_id)

    def remove() -> str:
        service.delete_party(db.session, party)
        return url_for("parties.index")

    return confirm_delete(
        f"the party “{party.name}”", remove,
        cancel_url=url_for("parties.detail", party_id=party_id), blockers=service.references(db.session, party),
    )  # fmt: skip


def _recognition_form(**kwargs: object) -> RecognitionForm:
    form = RecognitionForm(**kwargs)
    # Recognition is about statehood: only the kinds that may take part are offered.
    recognizers = db.session.execute(queries.party_choices(RECOGNIZER_KINDS)).all()
    recognizable = db.session.execute(queries.party_choices(RECOGNIZABLE_KINDS)).all()
    form.recognizer.choices = [(0, "Choose…")] + [(pid, name) for pid, name in recognizers]
    form.recognized.choices = [(0, "Choose…")] + [(pid, name) for pid, name in recognizable]
    return form


@bp.route("/recognitions/new", methods=["GET", "POST"])
@requires("edit")
def new_recognition() -> str | Response:
    form = _recognition_form()
    if not form.is_submitted():
        form.recognizer.data = request.args.get("recognizer", type=rules.record_id)
        form.recognized.data = request.args.get("recognized", type=rules.record_id)

    def save() -> str:
        rec = service.create_recognition(db.session, form.parsed)
        return url_for("parties.detail", party_id=rec.recognizer_id)

    return submit(form, save, done="Recognition recorded.") or render_template(
        "form.html",
        form=form,
        title="New recognition",
        intro="Who stands towards whom, since when.",
        cancel_url=url_for("parties.index"),
    )


def recognition_or_404(recognition_id: int) -> Recognition:
    options = [selectinload(Recognition.recognizer), selectinload(Recognition.recognized)]
    rec = db.session.get(Recognition, recognition_id, options=options)
    return rec or abort(404, description="No such recognition.")


@bp.route("/recognitions/<int:recognition_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit_recognition(recognition_id: int) -> str | Response:
    rec = recognition_or_404(recognition_id)
    form = _recognition_form(obj=rec)
    if not form.is_submitted():
        form.recognizer.data, form.recognized.data = rec.recognizer_id, rec.recognized_id
        form.version.data = rec.version
        show_partial_dates(form, rec, "since", "until")

    def save() -> str:
        service.update_recognition(db.session, rec, form.parsed, version=form.version.data)
        return url_for("parties.detail", party_id=rec.recognizer_id)

    return submit(form, save) or render_template(
        "form.html",
        form=form,
        title="Edit recognition",
        cancel_url=url_for("parties.detail", party_id=rec.recognizer_id),
    )


@bp.route("/recognitions/<int:recognition_id>/delete", methods=["GET", "POST"])
@requires("delete")
def delete_recognition(recognition_id: int) -> Response | tuple[str, int]:
    rec = recognition_or_404(recognition_id)
    party_id = rec.recognizer_id

    def remove() -> str:
        service.delete_recognition(db.session, rec)
        return url_for("parties.detail", party_id=party_id)

    return confirm_delete("this recognition", remove, cancel_url=url_for("parties.detail", party_id=party_id))
