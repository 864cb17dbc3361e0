"""Queries behind the party list and party page (``Select``s, eager-loading what they show)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.activities.filters import involving
from tracker.models import Activity, ActivityParty, Participation, Party, Recognition
from tracker.vocab import PartyKind


def party_list(*, q: str = "", kind: str | None = None) -> sa.Select:
    """Parties by name, optionally those whose names contain ``q`` or of one kind."""
    stmt = sa.select(Party).order_by(Party.name)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(sa.or_(Party.name.ilike(pattern), Party.full_name.ilike(pattern)))
    if kind:
        stmt = stmt.where(Party.kind == kind)
    return stmt


def party_choices(kinds: frozenset[PartyKind] | None = None) -> sa.Select:
    """``(id, name)`` of every party (of ``kinds``, if given), for pickers."""
    stmt = sa.select(Party.id, Party.name).order_by(Party.name)
    return stmt.where(Party.kind.in_(kinds)) if kinds is not None else stmt


def recognitions_of(party_id: int) -> sa.Select:
    """Recognitions the party gives or receives, with both ends loaded, oldest first."""
    return (
        sa.select(Recognition)
        .where(sa.or_(Recognition.recognizer_id == party_id, Recognition.recognized_id == party_id))
        .options(selectinload(Recognition.recognizer), selectinload(Recognition.recognized))
        .order_by(Recognition.since, Recognition.id)
    )


def roles_of(party_id: int) -> sa.Select:
    """The party's participations across conflicts."""
    return (
        sa.select(Participation)
        .where(Participation.party_id == party_id)
        .options(
            selectinload(Participation.conflict),
            selectinload(Participation.supports),
            selectinload(Participation.support_kind_rows),
            selectinload(Participation.motive_rows),
        )
        .order_by(Participation.since, Participation.id)
    )


def activities_of(party_id: int, *, walk: bool = False) -> sa.Select:
    """Activities the party took part in, oldest first, with conflict and parties loaded
    (``walk``: found along the date order, for a party with many links; ``filters.involving``)."""
    return (
        sa.select(Activity)
        .where(involving([party_id], walk=walk))
        .options(
            selectinload(Activity.conflict),
            selectinload(Activity.parties).selectinload(ActivityParty.party),
            selectinload(Activity.sources),
        )
        .order_by(Activity.date, Activity.id)
    )


def activity_ids_of(party_id: int) -> sa.Select:
    """The ids of the activities the party took part in, read from its links alone (what
    its page counts: an index scan, no activity read)."""
    # Grouped, not DISTINCT: the capped count selects a constant per row, which DISTINCT
    # would fold into one (a party may hold two roles in one activity).
    return (
        sa.select(ActivityParty.activity_id)
        .where(ActivityParty.party_id == party_id)
        .group_by(ActivityParty.activity_id)
    )


def recognitions_among(party_ids: list[int]) -> sa.Select:
    """Recognitions whose both ends are among ``party_ids`` (for a conflict's matrix)."""
    return (
        sa.select(Recognition)
        .where(Recognition.recognizer_id.in_(party_ids), Recognition.recognized_id.in_(party_ids))
        .order_by(Recognition.since, Recognition.id)
    )
