"""Small builders of valid records for tests; each accepts overrides."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from tracker.models import Activity, ActivityParty, Conflict, Participation, Party, PhaseChange, Source
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    ConflictType,
    DatePrecision,
    Effect,
    Form,
    OfficialLevel,
    PartyKind,
    Phase,
    Purpose,
    RecognitionStatus,
    Role,
    Scope,
    Track,
)

_seq = count(1)


def make_party(session: Session, **values: Any) -> Party:
    n = next(_seq)
    party = Party(
        **{
            "name": f"Party {n}",
            "kind": PartyKind.STATE,
            "recognition_status": RecognitionStatus.RECOGNIZED,
            "description": "",
        }
        | values
    )
    session.add(party)
    session.flush()
    return party


def make_conflict(session: Session, **values: Any) -> Conflict:
    n = next(_seq)
    conflict = Conflict(
        **{
            "slug": f"conflict-{n}",
            "name": f"Conflict {n}",
            "type": ConflictType.INTERSTATE,
            "region": "Europe",
            "start_date": date(1990, 1, 1),
            "summary": "",
            "phases": [PhaseChange(phase=Phase.ACTIVE, since=date(1990, 1, 1), note="")],
            "participations": [],
            "activities": [],
        }
        | values
    )
    session.add(conflict)
    session.flush()
    return conflict


def make_participation(session: Session, conflict: Conflict, party: Party, **values: Any) -> Participation:
    row = Participation(
        **{
            "conflict_id": conflict.id,
            "party_id": party.id,
            "role": Role.PRIMARY,
            "notes": "",
            "support_kind_rows": [],
            "motive_rows": [],
        }
        | values
    )
    session.add(row)
    session.flush()
    return row


def make_activity(
    session: Session, conflict: Conflict, parties: list[tuple[Party, ActivityPartyRole]] = (), **values: Any
) -> Activity:
    n = next(_seq)
    activity = Activity(
        **{
            "conflict_id": conflict.id,
            "date": date(1991, 1, 1),
            "date_precision": DatePrecision.DAY,
            "type": ActivityType.NEGOTIATION_ROUND,
            "track": Track.ONE,
            "scope": Scope.BILATERAL,
            "official_level": OfficialLevel.MINISTERIAL,
            "form": Form.FORMAL_MEETING,
            "purpose": Purpose.AGREEMENT,
            "effect": Effect.DE_ESCALATING,
            "title": f"Activity {n}",
            "description": "",
            "parties": [ActivityParty(party_id=p.id, role=r, position=i) for i, (p, r) in enumerate(parties)],
            "sources": [Source(citation=f"Source {n}", url=None, position=0)],
        }
        | values
    )
    session.add(activity)
    session.flush()
    return activity
