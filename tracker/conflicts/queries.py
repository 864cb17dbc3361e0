"""Queries behind the conflict list, the conflict page and the timeline.

Each returns a ``Select`` that eager-loads what its page shows; the same functions will feed
the CSV exports and the JSON API.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.models import Activity, ActivityParty, Conflict, Participation, PhaseChange


def current_phase_column() -> sa.ScalarSelect:
    """The phase of a conflict's latest phase change, as a correlated scalar subquery."""
    return (
        sa.select(PhaseChange.phase)
        .where(PhaseChange.conflict_id == Conflict.id)
        .order_by(PhaseChange.since.desc())
        .limit(1)
        .correlate(Conflict)
        .scalar_subquery()
    )


def conflict_overview() -> sa.Select:
    """Rows of (Conflict, current phase, activity count, last activity date), by name."""
    counts = (
        sa.select(
            Activity.conflict_id,
            sa.func.count(Activity.id).label("activity_count"),
            sa.func.max(Activity.date).label("last_activity"),
        )
        .group_by(Activity.conflict_id)
        .subquery()
    )
    return (
        sa.select(
            Conflict,
            current_phase_column().label("phase"),
            sa.func.coalesce(counts.c.activity_count, 0).label("activity_count"),
            counts.c.last_activity,
        )
        .outerjoin(counts, counts.c.conflict_id == Conflict.id)
        .order_by(Conflict.name)
    )


def conflict_page(slug: str) -> sa.Select:
    """One conflict with its phase history and every participation (party, supported party,
    support kinds, motives) loaded."""
    return (
        sa.select(Conflict)
        .where(Conflict.slug == slug)
        .options(
            selectinload(Conflict.phases),
            selectinload(Conflict.participations).options(
                selectinload(Participation.party),
                selectinload(Participation.supports),
                selectinload(Participation.support_kind_rows),
                selectinload(Participation.motive_rows),
            ),
        )
    )


def timeline(conflict_id: int) -> sa.Select:
    """A conflict's activities, oldest first, with their parties and sources loaded."""
    return (
        sa.select(Activity)
        .where(Activity.conflict_id == conflict_id)
        .options(
            selectinload(Activity.parties).selectinload(ActivityParty.party),
            selectinload(Activity.sources),
        )
        .order_by(Activity.date, Activity.id)
    )
