"""The flat records as API resources (parties, phase changes, roles in conflicts,
recognitions, and conflicts written): each read and written through its typed input and its service, its JSON
made from the same input's field table (ids for parties, dates at their precision)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import Response, jsonify, request, url_for
from sqlalchemy.orm import selectinload

from tracker.api import schemas
from tracker.api.errors import ApiError, invalid, read_json
from tracker.api.views import _conflict, _if_match, _saved, bp, documented
from tracker.auth.access import can
from tracker.conflicts import service as conflicts
from tracker.exports import columns, records, serializers
from tracker.extensions import db
from tracker.inputs.base import Invalid, party_ref
from tracker.inputs.record import RecordInput
from tracker.inputs.records import (
    ConflictInput,
    NewConflictInput,
    ParticipationInput,
    PartyInput,
    PhaseInput,
    RecognitionInput,
)
from tracker.models import Conflict, Participation, Party, PhaseChange, Recognition
from tracker.participations import service as participations
from tracker.parties import service as parties
from tracker.rules import format_partial_date


def as_json(obj: Any, kind: type[RecordInput], id_name: str) -> dict[str, Any]:
    """A record as JSON, field by field of its input's table."""
    out: dict[str, Any] = {id_name: obj.id}
    for name, spec in kind.SPEC.items():
        column = spec.column or name
        value = getattr(obj, column)
        if spec.date:
            value = format_partial_date(value, getattr(obj, f"{column}_precision")) if value else None
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list):
            value = [v.value if isinstance(v, Enum) else v for v in value]
        out[name] = value
    out["version"] = obj.version
    return out


def _answer(obj: Any, kind: type[RecordInput], id_name: str, status: int, location: str) -> Response:
    response = jsonify(as_json(obj, kind, id_name))
    response.status_code = status
    response.set_etag(str(obj.version))
    response.headers["Location"] = location
    return response


def _wrong_types(kind: type[RecordInput], body: dict[str, Any]) -> dict[str, list[str]]:
    """JSON values of the wrong type (the input reads YAML's numbers as text; JSON says what it means)."""
    wrong: dict[str, list[str]] = {}
    for key, value in body.items():
        spec = kind.SPEC.get(key)
        if spec is None or value is None:
            continue  # an unknown field is the input's to name
        if spec.parse is party_ref:
            ok, expected = isinstance(value, (int, str)) and not isinstance(value, bool), "a party id or name"
        elif isinstance(spec.default, list):
            ok, expected = isinstance(value, list), "a list"
        elif isinstance(spec.default, bool):
            ok, expected = isinstance(value, bool), "true or false"
        else:
            ok, expected = isinstance(value, str), "text (a string) or null"
        if not ok:
            wrong[f"/{key}"] = [f"expected {expected}"]
    return wrong


def _read(obj: Any, kind: type[RecordInput], id_name: str, location: str) -> Response:
    """One record with its ETag; ``If-None-Match`` with that version answers 304."""
    if request.if_none_match.contains(str(obj.version)):
        response = Response(status=304)
        response.set_etag(str(obj.version))
        return response
    return _answer(obj, kind, id_name, 200, location)


def _parse(kind: type[RecordInput], body: dict[str, Any]) -> Any:
    """The body as the record's input, party names resolved to ids (whatever their case)."""
    wrong = _wrong_types(kind, body)
    if wrong:
        raise ApiError(422, "invalid", "The record was not saved: see the reason for each field.", wrong)
    try:
        data = kind.parse(body)
    except Invalid as error:
        raise invalid(error) from None
    refs = {
        n: getattr(data, n)
        for n, spec in kind.SPEC.items()
        if spec.parse is party_ref and isinstance(getattr(data, n), str)
    }
    if not refs:
        return data
    lowered = {v.lower() for v in refs.values()}
    ids = {
        name.lower(): pid
        for name, pid in db.session.execute(
            sa.select(Party.name, Party.id).where(sa.func.lower(Party.name).in_(lowered))
        )
    }
    unknown = {f"/{n}": [f"no party named {v!r}"] for n, v in refs.items() if v.lower() not in ids}
    if unknown:
        raise ApiError(422, "invalid", "The record was not saved: see the reason for each field.", unknown)
    return data.replace(**{n: ids[v.lower()] for n, v in refs.items()})


def _need_delete() -> None:
    if not can("delete"):
        raise ApiError(403, "forbidden", "Only an admin deletes this.")


def _found(model: type, record_id: int, what: str) -> Any:
    found = db.session.get(model, record_id)
    if found is None:
        raise ApiError(404, "not_found", f"No {what} has the id {record_id}.")
    return found


def _fresh(obj: Any) -> Any:
    db.session.refresh(obj)
    return obj


def _write(call: Callable[[], Any]) -> Any:
    """Run a service call and commit; refusals become 422s (or 409, 412) with their fields."""
    return _saved(call, lambda field: "/" + field)


# -- parties -----------------------------------------------------------------------------------------


def _party_url(party: Party) -> str:
    return url_for("api.party", party_id=party.id)


@bp.get("/parties")
@documented(tags=["parties"], answers={"HTTP_200": schemas.PartyList})
def parties_list() -> Response:
    """Every party, as the parties export has it."""
    record = serializers.json_record(records.PARTY, columns.PARTIES)
    return jsonify(items=[record(item) for item in records.party_items(db.session.connection())])


@bp.get("/parties/<int:party_id>")
@documented(tags=["parties"], answers={"HTTP_200": schemas.PartyRecord, "HTTP_304": None})
def party(party_id: int) -> Response:
    """One party, with its ETag (its version); ``If-None-Match`` answers 304."""
    found = _found(Party, party_id, "party")
    return _read(found, PartyInput, "party_id", _party_url(found))


@bp.post("/parties")
@documented(tags=["parties"], json=schemas.PartyIn, answers={"HTTP_201": schemas.PartyRecord})
def create_party() -> Response:
    """Record a party (its name unique, whatever its case)."""
    data = _parse(PartyInput, read_json())
    made = _write(lambda: parties.create_party(db.session, data))
    return _answer(_fresh(made), PartyInput, "party_id", 201, _party_url(made))


@bp.put("/parties/<int:party_id>")
@documented(
    tags=["parties"],
    json=schemas.PartyIn,
    answers={"HTTP_200": schemas.PartyRecord, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error},
)
def update_party(party_id: int) -> Response:
    """Replace a party's fields (``If-Match`` its current ETag)."""
    found = _found(Party, party_id, "party")
    version = _if_match(found)
    data = _parse(PartyInput, read_json())
    _write(lambda: parties.update_party(db.session, found, data, version=version))
    return _answer(_fresh(found), PartyInput, "party_id", 200, _party_url(found))


@bp.delete("/parties/<int:party_id>")
@documented(tags=["parties"], answers={"HTTP_204": None, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error})
def delete_party(party_id: int) -> Response:
    """Delete a party no record refers to (an admin; ``If-Match``); 409 names what still refers to it."""
    _need_delete()
    found = _found(Party, party_id, "party")
    _if_match(found)
    still = {what: n for what, n in parties.references(db.session, found).items() if n}
    if still:
        listed = ", ".join(f"{n} {what}" for what, n in still.items())
        raise ApiError(409, "referenced", f"{found.name} is still referred to by {listed}; remove those first.")
    _write(lambda: parties.delete_party(db.session, found))
    return Response(status=204)


# -- phase changes ---------------------------------------------------------------------------------


def _phase_url(change: PhaseChange) -> str:
    return url_for("api.phase", phase_id=change.id)


@bp.get("/conflicts/<slug>/phases")
@documented(tags=["phase changes"], answers={"HTTP_200": schemas.PhaseList})
def phases(slug: str) -> Response:
    """The conflict's phase changes, oldest first."""
    found = _conflict(slug)
    rows = db.session.scalars(
        sa.select(PhaseChange).where(PhaseChange.conflict_id == found.id).order_by(PhaseChange.since)
    )
    return jsonify(items=[as_json(p, PhaseInput, "phase_change_id") for p in rows])


@bp.post("/conflicts/<slug>/phases")
@documented(tags=["phase changes"], json=schemas.PhaseIn, answers={"HTTP_201": schemas.PhaseOut})
def add_phase(slug: str) -> Response:
    """Record that the conflict entered a phase on a date."""
    found = _conflict(slug)
    data = _parse(PhaseInput, read_json())
    made = _write(lambda: conflicts.add_phase(db.session, found, data))
    return _answer(_fresh(made), PhaseInput, "phase_change_id", 201, _phase_url(made))


@bp.get("/phases/<int:phase_id>")
@documented(tags=["phase changes"], answers={"HTTP_200": schemas.PhaseOut})
def phase(phase_id: int) -> Response:
    """One phase change, with its ETag."""
    change = _found(PhaseChange, phase_id, "phase change")
    return _read(change, PhaseInput, "phase_change_id", _phase_url(change))


@bp.put("/phases/<int:phase_id>")
@documented(
    tags=["phase changes"],
    json=schemas.PhaseIn,
    answers={"HTTP_200": schemas.PhaseOut, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error},
)
def update_phase(phase_id: int) -> Response:
    """Correct a phase change (``If-Match`` its current ETag)."""
    change = _found(PhaseChange, phase_id, "phase change")
    version = _if_match(change)
    data = _parse(PhaseInput, read_json())
    _write(lambda: conflicts.update_phase(db.session, change, data, version=version))
    return _answer(_fresh(change), PhaseInput, "phase_change_id", 200, _phase_url(change))


@bp.delete("/phases/<int:phase_id>")
@documented(tags=["phase changes"], answers={"HTTP_204": None, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error})
def delete_phase(phase_id: int) -> Response:
    """Delete a phase change (an admin; ``If-Match``)."""
    _need_delete()
    change = _found(PhaseChange, phase_id, "phase change")
    _if_match(change)
    _write(lambda: conflicts.delete_phase(db.session, change))
    return Response(status=204)


# -- roles in a conflict ---------------------------------------------------------------------------


def _role_url(row: Participation) -> str:
    return url_for("api.role", role_id=row.id)


def _role(role_id: int) -> Participation:
    row = participations.load_for_edit(db.session, role_id)
    if row is None:
        raise ApiError(404, "not_found", f"No role has the id {role_id}.")
    return row


@bp.get("/conflicts/<slug>/roles")
@documented(tags=["roles"], answers={"HTTP_200": schemas.RoleList})
def roles(slug: str) -> Response:
    """Every party's role in the conflict (parties by id)."""
    found = _conflict(slug)
    rows = db.session.scalars(
        sa.select(Participation)
        .where(Participation.conflict_id == found.id)
        .options(selectinload(Participation.support_kind_rows), selectinload(Participation.motive_rows))
        .order_by(Participation.id)
    )
    return jsonify(items=[as_json(r, ParticipationInput, "participation_id") for r in rows])


@bp.post("/conflicts/<slug>/roles")
@documented(tags=["roles"], json=schemas.RoleIn, answers={"HTTP_201": schemas.RoleOut})
def add_role(slug: str) -> Response:
    """Give a party a role in the conflict (the party by id or name)."""
    found = _conflict(slug)
    data = _parse(ParticipationInput, read_json())
    made = _write(lambda: participations.create_participation(db.session, found.id, data))
    return _answer(_role(made.id), ParticipationInput, "participation_id", 201, _role_url(made))


@bp.get("/roles/<int:role_id>")
@documented(tags=["roles"], answers={"HTTP_200": schemas.RoleOut})
def role(role_id: int) -> Response:
    """One role, with its ETag."""
    row = _role(role_id)
    return _read(row, ParticipationInput, "participation_id", _role_url(row))


@bp.put("/roles/<int:role_id>")
@documented(
    tags=["roles"],
    json=schemas.RoleIn,
    answers={"HTTP_200": schemas.RoleOut, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error},
)
def update_role(role_id: int) -> Response:
    """Replace a role's fields (``If-Match`` its current ETag)."""
    row = _role(role_id)
    version = _if_match(row)
    data = _parse(ParticipationInput, read_json())
    _write(lambda: participations.update_participation(db.session, row, data, version=version))
    return _answer(_role(role_id), ParticipationInput, "participation_id", 200, _role_url(row))


@bp.delete("/roles/<int:role_id>")
@documented(tags=["roles"], answers={"HTTP_204": None, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error})
def delete_role(role_id: int) -> Response:
    """Delete a role (an admin; ``If-Match``)."""
    _need_delete()
    row = _role(role_id)
    _if_match(row)
    _write(lambda: participations.delete_participation(db.session, row))
    return Response(status=204)


# -- recognitions ------------------------------------------------------------------------------------


def _recognition_url(rec: Recognition) -> str:
    return url_for("api.recognition", recognition_id=rec.id)


@bp.get("/recognitions")
@documented(tags=["recognitions"], answers={"HTTP_200": schemas.RecognitionList})
def recognitions() -> Response:
    """Every stance of one party towards another's statehood, oldest first (parties by id)."""
    rows = db.session.scalars(sa.select(Recognition).order_by(Recognition.since, Recognition.id))
    return jsonify(items=[as_json(r, RecognitionInput, "recognition_id") for r in rows])


@bp.post("/recognitions")
@documented(tags=["recognitions"], json=schemas.RecognitionIn, answers={"HTTP_201": schemas.RecognitionOut})
def add_recognition() -> Response:
    """Record a stance of one party towards another's statehood (parties by id or name)."""
    data = _parse(RecognitionInput, read_json())
    made = _write(lambda: parties.create_recognition(db.session, data))
    return _answer(_fresh(made), RecognitionInput, "recognition_id", 201, _recognition_url(made))


@bp.get("/recognitions/<int:recognition_id>")
@documented(tags=["recognitions"], answers={"HTTP_200": schemas.RecognitionOut})
def recognition(recognition_id: int) -> Response:
    """One recognition, with its ETag."""
    rec = _found(Recognition, recognition_id, "recognition")
    return _read(rec, RecognitionInput, "recognition_id", _recognition_url(rec))


@bp.put("/recognitions/<int:recognition_id>")
@documented(
    tags=["recognitions"],
    json=schemas.RecognitionIn,
    answers={"HTTP_200": schemas.RecognitionOut, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error},
)
def update_recognition(recognition_id: int) -> Response:
    """Replace a recognition's fields (``If-Match`` its current ETag)."""
    rec = _found(Recognition, recognition_id, "recognition")
    version = _if_match(rec)
    data = _parse(RecognitionInput, read_json())
    _write(lambda: parties.update_recognition(db.session, rec, data, version=version))
    return _answer(_fresh(rec), RecognitionInput, "recognition_id", 200, _recognition_url(rec))


@bp.delete("/recognitions/<int:recognition_id>")
@documented(tags=["recognitions"], answers={"HTTP_204": None, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error})
def delete_recognition(recognition_id: int) -> Response:
    """Delete a recognition (an admin; ``If-Match``)."""
    _need_delete()
    rec = _found(Recognition, recognition_id, "recognition")
    _if_match(rec)
    _write(lambda: parties.delete_recognition(db.session, rec))
    return Response(status=204)


# -- conflicts written -------------------------------------------------------------------------------


def _conflict_answer(conflict: Conflict, status: int) -> Response:
    return _answer(_fresh(conflict), ConflictInput, "conflict_id", status, url_for("api.conflict", slug=conflict.slug))


@bp.post("/conflicts")
@documented(tags=["conflicts"], json=schemas.NewConflictIn, answers={"HTTP_201": schemas.ConflictRecord})
def create_conflict() -> Response:
    """Record a conflict with the phase it is in (``phase``, ``phase_since``)."""
    data = _parse(NewConflictInput, read_json())
    made = _write(lambda: conflicts.create_conflict(db.session, data.conflict(), first_phase=data.first_phase()))
    return _conflict_answer(made, 201)


@bp.put("/conflicts/<slug>")
@documented(
    tags=["conflicts"],
    json=schemas.ConflictIn,
    answers={"HTTP_200": schemas.ConflictRecord, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error},
)
def update_conflict(slug: str) -> Response:
    """Replace a conflict's fields (``If-Match`` its current ETag)."""
    found = _conflict(slug)
    version = _if_match(found)
    data = _parse(ConflictInput, read_json())
    _write(lambda: conflicts.update_conflict(db.session, found, data, version=version))
    return _conflict_answer(found, 200)


@bp.delete("/conflicts/<slug>")
@documented(tags=["conflicts"], answers={"HTTP_204": None, "HTTP_412": schemas.Error, "HTTP_428": schemas.Error})
def delete_conflict(slug: str) -> Response:
    """Delete a conflict with everything recorded under it (an admin; ``If-Match``)."""
    _need_delete()
    found = _conflict(slug)
    _if_match(found)
    _write(lambda: conflicts.delete_conflict(db.session, found))
    return Response(status=204)
