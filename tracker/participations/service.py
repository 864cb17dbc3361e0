"""Changes to participations (audited; the caller commits)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import rules, saving
from tracker.models import ActivityParty, Activity, Participation
from tracker.vocab import DatePrecision

FIELDS = ("party_id", "role", "side", "supports_id", "capacity", "leverage", "since", "since_precision", "until", "until_precision", "notes")


def load_for_edit(session: Session, participation_id: int) -> Participation | None:
    return session.scalars(
        sa.select(Participation)
        .where(Participation.id == participation_id)
        .options(
            selectinload(Participation.conflict),
            selectinload(Participation.party),
            selectinload(Participation.supports),
            selectinload(Participation.support_kind_rows),
            selectinload(Participation.motive_rows),
        )
    ).one_or_none()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    rules.participation_shape(
        values["role"], supports=values.get("supports_id"), support_kinds=values.get("support_kinds") or [],
        capacity=values.get("capacity"), leverage=values.get("leverage"), motives=values.get("motives") or [],
        side=values.get("side") or None,
    )  # fmt: skip
    if values.get("supports_id") == values.get("party_id"):
        raise rules.FieldError("supports", "a party does not support itself")
    out = {k: values.get(k) or None for k in FIELDS}
    out["notes"] = values.get("notes") or ""
    for precision in ("since_precision", "until_precision"):
        out[precision] = out[precision] or DatePrecision.DAY
    return out


def _apply(row: Participation, values: dict[str, Any], kinds: list, motives: list) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.support_kinds = kinds
    row.motives = motives


def create_participation(session: Session, conflict_id: int, values: dict[str, Any]) -> Participation:
    clean = _clean(values)
    row = Participation(conflict_id=conflict_id, support_kind_rows=[], motive_rows=[])
    _apply(row, clean, values.get("support_kinds") or [], values.get("motives") or [])
    return saving.create(session, row)


def update_participation(session: Session, row: Participation, values: dict[str, Any], *, version: int | None) -> Participation:
    clean = _clean(values)
    kinds, motives = values.get("support_kinds") or [], values.get("motives") or []
    return saving.update(session, row, lambda r: _apply(r, clean, kinds, motives), version=version)


def activities_involving(session: Session, row: Participation) -> int:
    """Activities of this conflict in which the party takes part (they keep it in the conflict)."""
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(ActivityParty)
        .join(Activity, Activity.id == ActivityParty.activity_id)
        .where(ActivityParty.party_id == row.party_id, Activity.conflict_id == row.conflict_id)
    )


def delete_participation(session: Session, row: Participation) -> None:
    saving.delete(session, row)
