"""Queries behind the conflict list, the conflict page and the timeline.

Each returns a ``Select`` that eager-loads what its page shows; the same functions will feed
the CSV exports and the JSON API.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.models import Activity, ActivityParty, ActivityTally, Conflict, Participation, PhaseChange
from tracker.vocab import Role

if TYPE_CHECKING:
    from tracker.activities.filters import ActivityFilter


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
    """Rows of (Conflict, current phase, activity count, last activity date), by name.

    The count sums the conflict's tallies (:mod:`tracker.models.tally`) and the last date is
    one probe of the (conflict, date) index: the list costs the same with a hundred
    activities or a million.
    """
    count = (
        sa.select(sa.func.coalesce(sa.func.sum(ActivityTally.n), 0))
        .where(ActivityTally.conflict_id == Conflict.id, ActivityTally.kind == "track")
        .correlate(Conflict)
        .scalar_subquery()
    )
    last = (
        sa.select(sa.func.max(Activity.date))
        .where(Activity.conflict_id == Conflict.id)
        .correlate(Conflict)
        .scalar_subquery()
    )
    return sa.select(
        Conflict,
        current_phase_column().label("phase"),
        count.label("activity_count"),
        last.label("last_activity"),
    ).order_by(Conflict.name)


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


def timeline(conflict_id: int, *, newest_first: bool = False, ordered: bool = True) -> sa.Select:
    """A conflict's activities, oldest first (or newest first; or unordered, for a keyset
    page to order), with their parties and sources loaded."""
    order: tuple[Any, ...] = (
        (Activity.date.desc(), Activity.id.desc()) if newest_first else (Activity.date, Activity.id)
    )
    return (
        sa.select(Activity)
        .where(Activity.conflict_id == conflict_id)
        .options(
            selectinload(Activity.parties).selectinload(ActivityParty.party),
            selectinload(Activity.sources),
        )
        .order_by(*(order if ordered else ()))
    )


#: The vocabularies besides the track that have a tally kind of their own.
_TALLIED = ("type", "purpose", "effect")


def tallied_count(conflict_id: int, flt: ActivityFilter) -> sa.Select | None:
    """How many activities match ``flt``, summed from the dashboard tallies (a few hundred rows
    per conflict, whatever its size) when they count it exactly:
    no filter, the track, and at most one of the type, purpose or effect (each activity has
    one key of each kind); ``None`` otherwise (parties, dates, the level, two vocabularies)."""
    others = [name for name in flt.vocab if name != "track"]
    if flt.party_ids or flt.date_from or flt.date_to or len(others) > 1 or (others and others[0] not in _TALLIED):
        return None
    kind = others[0] if others else "track"
    stmt = sa.select(sa.func.coalesce(sa.func.sum(ActivityTally.n), 0)).where(
        ActivityTally.conflict_id == conflict_id, ActivityTally.kind == kind
    )
    if others:
        stmt = stmt.where(ActivityTally.key.in_([v.value for v in flt.vocab[kind]]))
    if "track" in flt.vocab:
        stmt = stmt.where(ActivityTally.track.in_([v.value for v in flt.vocab["track"]]))
    return stmt


def group_by_role(participations: list[Participation]) -> dict[Role, list[Participation]]:
    """Participations per role, in codebook order, each list by party name."""
    grouped: dict[Role, list[Participation]] = {role: [] for role in Role}
    for p in sorted(participations, key=lambda p: (p.party.name, p.since or date.min)):
        grouped[p.role].append(p)
    return grouped
