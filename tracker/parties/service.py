"""Changes to parties and recognitions (audited; the caller commits)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import rules, saving
from tracker.inputs.records import PartyInput, RecognitionInput
from tracker.models import ActivityParty, Participation, Party, PartyAlias, Recognition
from tracker.models.party import ALIAS_KINDS, alias_key
from tracker.vocab import PartyKind


def _check_name(session: Session, name: str, exclude_id: int | None) -> None:
    """Party names are unique, whatever their case: "germany" is the party Germany."""
    stmt = sa.select(Party.name).where(sa.func.lower(Party.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Party.id != exclude_id)
    existing = session.scalar(stmt.limit(1))
    if existing is not None:
        raise rules.FieldError("name", f"the party “{existing}” already exists: choose it instead")


def create_party(session: Session, data: PartyInput) -> Party:
    values = data.checked().columns()
    _check_name(session, values["name"], None)
    return saving.create(session, Party(**values))


def _check_kind_keeps_recognitions(session: Session, party: Party, kind: PartyKind) -> None:
    """A party that recognizes or is recognized keeps a kind those edges allow."""
    if kind == party.kind:
        return
    gives = session.scalar(sa.select(sa.func.count()).where(Recognition.recognizer_id == party.id))
    receives = session.scalar(sa.select(sa.func.count()).where(Recognition.recognized_id == party.id))
    try:
        rules.recognition_ends(kind if gives else None, kind if receives else None)
    except rules.FieldError as error:
        raise rules.FieldError(
            "kind", f"{party.name} has recognitions that this kind cannot have ({error}); remove them first"
        ) from None


def update_party(session: Session, party: Party, data: PartyInput, *, version: int | None) -> Party:
    values = data.checked().columns()
    _check_name(session, values["name"], party.id)
    _check_kind_keeps_recognitions(session, party, values["kind"])

    return saving.update_fields(session, party, values, version=version)


def references(session: Session, party: Party) -> dict[str, int]:
    """The records that refer to ``party`` (a party still referenced is not deleted)."""

    def count(stmt: sa.Select) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0

    return {
        "roles in conflicts": count(sa.select(Participation.id).where(Participation.party_id == party.id)),
        "supporters backing it": count(sa.select(Participation.id).where(Participation.supports_id == party.id)),
        "activities it took part in": count(
            sa.select(ActivityParty.activity_id).where(ActivityParty.party_id == party.id)
        ),
        "recognitions given or received": count(
            sa.select(Recognition.id).where(
                sa.or_(Recognition.recognizer_id == party.id, Recognition.recognized_id == party.id)
            )
        ),
    }


def delete_party(session: Session, party: Party) -> None:
    """Delete an unreferenced party."""
    saving.delete(session, party)


def _recognition_values(session: Session, data: RecognitionInput) -> dict[str, Any]:
    """The recognition's columns, once who may recognize whom is checked on the parties' kinds."""
    data.checked().ids("recognizer", "recognized")
    out = data.columns()
    kinds = dict(session.execute(
        sa.select(Party.id, Party.kind).where(Party.id.in_({out["recognizer_id"], out["recognized_id"]}))
    ).all())  # fmt: skip
    for end in ("recognizer", "recognized"):
        if out[f"{end}_id"] not in kinds:
            raise rules.FieldError(end, "no such party")
    rules.recognition_ends(kinds[out["recognizer_id"]], kinds[out["recognized_id"]])
    return out


def create_recognition(session: Session, data: RecognitionInput) -> Recognition:
    return saving.create(session, Recognition(**_recognition_values(session, data)))


def update_recognition(
    session: Session, recognition: Recognition, data: RecognitionInput, *, version: int | None
) -> Recognition:
    return saving.update_fields(session, recognition, _recognition_values(session, data), version=version)


def delete_recognition(session: Session, recognition: Recognition) -> None:
    saving.delete(session, recognition)


def add_alias(session: Session, party_id: int, kind: str, value: object, *, again_ok: bool = False) -> PartyAlias:
    """Another name (any case) or a country or actor code (ISO 3166, CAMEO) by which event
    data names the party; each names one party only, and never another party's own name or
    country code. An alias the party has already is refused (``again_ok``: returned)."""
    if session.get(Party, party_id) is None:
        raise rules.FieldError("party", "no such party")
    if kind not in ALIAS_KINDS:
        raise rules.FieldError("kind", f"{str(kind)[:20]!r} is neither a name nor a code")
    try:
        text = rules.text(value, "alias", required=True)
    except rules.RuleError as error:
        raise rules.FieldError("value", str(error)) from None
    if kind == "code":
        text = text.upper()
        if not re.fullmatch(r"[A-Z0-9]{2,12}", text):
            raise rules.FieldError("value", "a code is 2 to 12 letters or digits (ISO 3166: GEO; CAMEO: RUSGOV)")
    key = text if kind == "code" else alias_key(text)
    if kind == "code":
        owner_id = session.scalar(
            sa.select(Party.id).where(sa.func.upper(Party.country_code) == text, Party.id != party_id).limit(1)
        )
        if owner_id is not None:
            owner = session.get(Party, owner_id)
            assert owner is not None
            raise rules.FieldError("value", f"{text} is the country code of {owner.name}")
    if kind == "name":
        for other_name, full_name in session.execute(
            sa.select(Party.name, Party.full_name).where(
                sa.or_(sa.func.lower(Party.name) == text.lower(), sa.func.lower(Party.full_name) == text.lower()),
                Party.id != party_id,
            )
        ):
            if alias_key(other_name) == key or (full_name and alias_key(full_name) == key):
                raise rules.FieldError("value", f"“{text}” is the name of the party {other_name}")
    taken = session.scalars(sa.select(PartyAlias).where(PartyAlias.kind == kind, PartyAlias.key == key)).first()
    if taken is not None:
        if taken.party_id == party_id:
            if again_ok:
                return taken
            raise rules.FieldError("value", f"“{taken.value}” is already an alias of this party")
        owner = session.get(Party, taken.party_id)
        raise rules.FieldError("value", f"{text!r} already names {owner.name if owner else 'another party'}")
    return saving.create(session, PartyAlias(party_id=party_id, kind=kind, value=text, key=key))


def delete_alias(session: Session, alias: PartyAlias) -> None:
    saving.delete(session, alias)
