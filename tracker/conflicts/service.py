"""Changes to conflicts and their phase history (audited; the caller commits)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import saving
from tracker.inputs.records import ConflictInput, PhaseInput
from tracker.models import Activity, Conflict, Participation, PhaseChange
from tracker.rules import FieldError


def _check_unique(session: Session, values: dict[str, Any], exclude_id: int | None) -> None:
    saving.ensure_unique(session, Conflict.slug, values["slug"], exclude_id=exclude_id, field="slug")
    saving.ensure_unique(session, Conflict.name, values["name"], exclude_id=exclude_id, field="name")


def create_conflict(session: Session, data: ConflictInput, *, first_phase: PhaseInput | None = None) -> Conflict:
    """A new conflict, with the phase it is in when ``first_phase`` is given (the seed adds its
    phases after)."""
    values = data.checked().columns()
    _check_unique(session, values, None)
    conflict = saving.create(session, Conflict(**values, phases=[], participations=[], activities=[]))
    if first_phase is not None:
        add_phase(session, conflict, first_phase)
    return conflict


def update_conflict(session: Session, conflict: Conflict, data: ConflictInput, *, version: int | None) -> Conflict:
    """Change a conflict's fields, unless someone saved it since ``version``."""
    values = data.checked().columns()
    _check_unique(session, values, conflict.id)
    return saving.update_fields(session, conflict, values, version=version)


def _check_phase_date(session: Session, conflict_id: int, since: date, exclude_id: int | None) -> None:
    stmt = sa.select(PhaseChange.id).where(PhaseChange.conflict_id == conflict_id, PhaseChange.since == since)
    if exclude_id is not None:
        stmt = stmt.where(PhaseChange.id != exclude_id)
    if session.scalar(stmt.limit(1)) is not None:
        raise FieldError("since", f"a phase change is already recorded on {since.isoformat()}")


def add_phase(session: Session, conflict: Conflict, data: PhaseInput) -> PhaseChange:
    """Record that the conflict entered a phase on a date."""
    values = data.checked().columns()
    _check_phase_date(session, conflict.id, values["since"], None)
    return saving.create(session, PhaseChange(conflict_id=conflict.id, **values))


def update_phase(session: Session, change: PhaseChange, data: PhaseInput, *, version: int | None) -> PhaseChange:
    """Correct a phase change (its phase, date or note), unless someone saved it since ``version``."""
    values = data.checked().columns()
    _check_phase_date(session, change.conflict_id, values["since"], change.id)
    return saving.update_fields(session, change, values, version=version)


def delete_phase(session: Session, change: PhaseChange) -> None:
    saving.delete(session, change)


def dependents(session: Session, conflict: Conflict) -> dict[str, int]:
    """What deleting the conflict would delete with it."""

    def count(model: Any) -> int:
        return (
            session.scalar(sa.select(sa.func.count()).select_from(model).where(model.conflict_id == conflict.id)) or 0
        )

    return {
        "phase changes": count(PhaseChange),
        "participations": count(Participation),
        "activities (with their parties and sources)": count(Activity),
    }


def delete_conflict(session: Session, conflict: Conflict) -> None:
    """Delete the conflict and everything recorded under it."""
    saving.delete(session, conflict)
