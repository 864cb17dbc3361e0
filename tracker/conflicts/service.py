"""Changes to conflicts and their phase history (audited; the caller commits)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import saving
from tracker.models import Activity, Conflict, Participation, PhaseChange
from tracker.rules import FieldError
from tracker.vocab import DatePrecision, Phase

FIELDS = ("name", "slug", "type", "region", "start_date", "start_date_precision", "end_date", "end_date_precision",
          "summary", "ucdp_id", "acled_id", "pax_process")  # fmt: skip


def _check_unique(session: Session, values: dict[str, Any], exclude_id: int | None) -> None:
    saving.ensure_unique(session, Conflict.slug, values["slug"], exclude_id=exclude_id, field="slug")
    saving.ensure_unique(session, Conflict.name, values["name"], exclude_id=exclude_id, field="name")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    for optional in ("ucdp_id", "acled_id", "pax_process"):
        out[optional] = out[optional] or None
    out["summary"] = out["summary"] or ""
    for precision in ("start_date_precision", "end_date_precision"):
        out[precision] = out[precision] or DatePrecision.DAY
    return out


def create_conflict(
    session: Session, values: dict[str, Any], *, phase: Phase | None = None, since: date | None = None,
    since_precision: DatePrecision = DatePrecision.DAY,
) -> Conflict:  # fmt: skip
    """A new conflict, with its first phase when ``phase`` is given (the seed adds its phases after)."""
    values = _clean(values)
    _check_unique(session, values, None)
    conflict = saving.create(session, Conflict(**values, phases=[], participations=[], activities=[]))
    if phase is not None and since is not None:
        add_phase(session, conflict, phase=phase, since=since, since_precision=since_precision, note="")
    return conflict


def update_conflict(session: Session, conflict: Conflict, values: dict[str, Any], *, version: int | None) -> Conflict:
    """Change a conflict's fields, unless someone saved it since ``version``."""
    values = _clean(values)
    _check_unique(session, values, conflict.id)

    return saving.update_fields(session, conflict, values, version=version)


def _check_phase_date(session: Session, conflict_id: int, since: date, exclude_id: int | None) -> None:
    stmt = sa.select(PhaseChange.id).where(PhaseChange.conflict_id == conflict_id, PhaseChange.since == since)
    if exclude_id is not None:
        stmt = stmt.where(PhaseChange.id != exclude_id)
    if session.scalar(stmt.limit(1)) is not None:
        raise FieldError("since", f"a phase change is already recorded on {since.isoformat()}")


def add_phase(
    session: Session, conflict: Conflict, *, phase: Phase, since: date, note: str, since_precision: DatePrecision = DatePrecision.DAY
) -> PhaseChange:
    """Record that the conflict entered ``phase`` on ``since`` (known to ``since_precision``)."""
    _check_phase_date(session, conflict.id, since, None)
    change = PhaseChange(conflict_id=conflict.id, phase=phase, since=since, since_precision=since_precision, note=note or "")
    return saving.create(session, change)


def update_phase(session: Session, change: PhaseChange, values: dict[str, Any], *, version: int | None) -> PhaseChange:
    """Correct a phase change (its phase, date or note), unless someone saved it since ``version``."""
    clean = {
        "phase": values["phase"], "since": values["since"],
        "since_precision": values.get("since_precision") or DatePrecision.DAY, "note": values.get("note") or "",
    }  # fmt: skip
    _check_phase_date(session, change.conflict_id, clean["since"], change.id)
    return saving.update_fields(session, change, clean, version=version)


def delete_phase(session: Session, change: PhaseChange) -> None:
    saving.delete(session, change)


def dependents(session: Session, conflict: Conflict) -> dict[str, int]:
    """What deleting the conflict would delete with it."""
    def count(model: Any) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(model.conflict_id == conflict.id))

    return {
        "phase changes": count(PhaseChange),
        "participations": count(Participation),
        "activities (with their parties and sources)": count(Activity),
    }


def delete_conflict(session: Session, conflict: Conflict) -> None:
    """Delete the conflict and everything recorded under it."""
    saving.delete(session, conflict)
