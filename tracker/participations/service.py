"""Changes to participations (audited; the caller commits)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import rules, saving
from tracker.inputs.records import ParticipationInput
from tracker.models import Activity, ActivityParty, Participation, Party


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


def _apply(row: Participation, data: ParticipationInput) -> None:
    for name, value in data.columns().items():
        if name not in ("support_kinds", "motives"):
            setattr(row, name, value)
    row.support_kinds = data.support_kinds
    row.motives = data.motives


def _check_parties(session: Session, data: ParticipationInput) -> None:
    data.ids("party", "supports")
    for name, party_id in (("party", data.party), ("supports", data.supports)):
        if party_id is not None and session.get(Party, party_id) is None:
            raise rules.FieldError(name, "no such party")


def create_participation(session: Session, conflict_id: int, data: ParticipationInput) -> Participation:
    data = data.checked()
    _check_parties(session, data)
    row = Participation(conflict_id=conflict_id, support_kind_rows=[], motive_rows=[])
    _apply(row, data)
    return saving.create(session, row)


def update_participation(
    session: Session, row: Participation, data: ParticipationInput, *, version: int | None
) -> Participation:
    data = data.checked()
    _check_parties(session, data)
    return saving.update(session, row, lambda r: _apply(r, data), version=version)


def activities_involving(session: Session, row: Participation) -> int:
    """Activities of this conflict in which the party takes part (they keep it in the conflict)."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(ActivityParty)
            .join(Activity, Activity.id == ActivityParty.activity_id)
            .where(ActivityParty.party_id == row.party_id, Activity.conflict_id == row.conflict_id)
        )
        or 0
    )


def delete_participation(session: Session, row: Participation) -> None:
    saving.delete(session, row)
