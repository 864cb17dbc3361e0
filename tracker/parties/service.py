"""Changes to parties and recognitions (audited; the caller commits)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import saving
from tracker.models import ActivityParty, Participation, Party, Recognition
from tracker.vocab import DatePrecision

PARTY_FIELDS = ("name", "full_name", "kind", "recognition_status", "country_code", "description")
RECOGNITION_FIELDS = ("recognizer_id", "recognized_id", "status", "since", "since_precision", "until", "until_precision",
                      "source", "source_url")  # fmt: skip


def _party_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in PARTY_FIELDS}
    out["full_name"] = out["full_name"] or None
    out["country_code"] = out["country_code"] or None
    out["description"] = out["description"] or ""
    return out


def create_party(session: Session, values: dict[str, Any]) -> Party:
    values = _party_values(values)
    saving.ensure_unique(session, Party.name, values["name"], exclude_id=None, field="name")
    return saving.create(session, Party(**values))


def update_party(session: Session, party: Party, values: dict[str, Any], *, version: int | None) -> Party:
    values = _party_values(values)
    saving.ensure_unique(session, Party.name, values["name"], exclude_id=party.id, field="name")

    return saving.update_fields(session, party, values, version=version)


def references(session: Session, party: Party) -> dict[str, int]:
    """The records that refer to ``party`` (a party still referenced is not deleted)."""

    def count(stmt: sa.Select) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))

    return {
        "roles in conflicts": count(sa.select(Participation.id).where(Participation.party_id == party.id)),
        "supporters backing it": count(sa.select(Participation.id).where(Participation.supports_id == party.id)),
        "activities it took part in": count(sa.select(ActivityParty.activity_id).where(ActivityParty.party_id == party.id)),
        "recognitions given or received": count(
            sa.select(Recognition.id).where(
                sa.or_(Recognition.recognizer_id == party.id, Recognition.recognized_id == party.id)
            )
        ),
    }


def delete_party(session: Session, party: Party) -> None:
    """Delete an unreferenced party."""
    saving.delete(session, party)


def _recognition_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in RECOGNITION_FIELDS}
    out["source"] = out["source"] or ""
    out["source_url"] = out["source_url"] or None
    for precision in ("since_precision", "until_precision"):
        out[precision] = out[precision] or DatePrecision.DAY
    return out


def create_recognition(session: Session, values: dict[str, Any]) -> Recognition:
    return saving.create(session, Recognition(**_recognition_values(values)))


def update_recognition(session: Session, recognition: Recognition, values: dict[str, Any], *, version: int | None) -> Recognition:
    values = _recognition_values(values)

    return saving.update_fields(session, recognition, values, version=version)


def delete_recognition(session: Session, recognition: Recognition) -> None:
    saving.delete(session, recognition)
