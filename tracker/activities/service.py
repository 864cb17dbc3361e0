"""Changes to activities: their fields, parties and sources (audited; the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import rules, saving
from tracker.models import Activity, ActivityParty, Conflict, Participation, Party, Source
from tracker.rules import FieldError
from tracker.vocab import ActivityPartyRole, Capacity, Role

FIELDS = ("date", "date_precision", "end_date", "end_date_precision", "type", "cameo_code", "track", "scope",
          "official_level", "form", "purpose", "effect", "incentive", "title", "description")  # fmt: skip


@dataclass
class ActivityInput:
    """A validated activity, as a form, an import row or the API gives it."""

    values: dict[str, Any]
    links: list[tuple[int, ActivityPartyRole]]
    sources: list[tuple[str, str | None]]
    add_missing_parties: bool = False


def load_for_edit(session: Session, activity_id: int) -> Activity | None:
    """An activity with what editing and auditing it reads."""
    return session.scalars(
        sa.select(Activity)
        .where(Activity.id == activity_id)
        .options(
            selectinload(Activity.conflict),
            selectinload(Activity.parties).selectinload(ActivityParty.party),
            selectinload(Activity.sources),
        )
    ).one_or_none()


def _check_parties(session: Session, conflict: Conflict, data: ActivityInput) -> dict[int, Party]:
    ids = {pid for pid, _ in data.links}
    parties = {p.id: p for p in session.scalars(sa.select(Party).where(Party.id.in_(ids)))} if ids else {}
    if len(parties) != len(ids):
        raise FieldError("parties", "one of the chosen parties no longer exists")
    involved = involved_party_ids(session, conflict)
    missing = [parties[pid] for pid in sorted(ids - involved, key=lambda i: parties[i].name)]
    if missing and not data.add_missing_parties:
        names = ", ".join(p.name for p in missing)
        raise FieldError(
            "parties",
            f"not parties to this conflict: {names}. Record their role in the conflict first, "
            "or tick “Add parties not yet in this conflict”",
        )
    add_observers(session, conflict, [p.id for p in missing])
    return parties


def involved_party_ids(session: Session, conflict: Conflict) -> set[int]:
    """The parties with a role in the conflict."""
    return set(session.scalars(sa.select(Participation.party_id).where(Participation.conflict_id == conflict.id)))


def add_observers(session: Session, conflict: Conflict, party_ids: list[int]) -> None:
    """Give parties that an activity involves a role in its conflict: third party, observer."""
    for party_id in party_ids:
        saving.create(
            session,
            Participation(
                conflict_id=conflict.id, party_id=party_id, role=Role.THIRD_PARTY,
                capacity=Capacity.OBSERVER, notes="Added when an activity was recorded.",
                support_kind_rows=[], motive_rows=[],
            ),
        )  # fmt: skip


def _check_duplicate(session: Session, conflict: Conflict, values: dict[str, Any], exclude_id: int | None) -> None:
    stmt = sa.select(Activity.id).where(
        Activity.conflict_id == conflict.id,
        Activity.date == values["date"],
        Activity.type == values["type"],
        Activity.title == values["title"],
    )
    if exclude_id is not None:
        stmt = stmt.where(Activity.id != exclude_id)
    if session.scalar(stmt.limit(1)) is not None:
        raise FieldError("title", "an activity with this date, type and title is already recorded in this conflict")


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """An activity's fields as they would be stored (defaults filled in, the CAMEO code set)."""
    out = {k: values.get(k) for k in FIELDS}
    out["incentive"] = out["incentive"] or None
    out["description"] = out["description"] or ""
    out["cameo_code"] = rules.cameo_code(out["cameo_code"], out["type"])
    return out


def _check_incentive(session: Session, conflict: Conflict, values: dict[str, Any], data: ActivityInput) -> None:
    """The codebook's rule on incentives, which needs to know who the direct parties are."""
    if not values["incentive"]:
        return
    direct = set(
        session.scalars(
            sa.select(Participation.party_id).where(
                Participation.conflict_id == conflict.id, Participation.role == Role.PRIMARY
            )
        )
    )
    outside = any(role == ActivityPartyRole.INITIATOR and pid not in direct for pid, role in data.links)
    rules.incentive_applies(values["type"], values["incentive"], outside_initiator=outside)


def _fill(activity: Activity, values: dict[str, Any], data: ActivityInput, parties: dict[int, Party]) -> None:
    for name, value in values.items():
        setattr(activity, name, value)
    # Parties and sources are compared as sets: putting them in another order changes nothing.
    wanted = [(pid, role) for pid, role in data.links]
    if {(link.party_id, link.role) for link in activity.parties} != set(wanted):
        activity.parties = [
            ActivityParty(party=parties[pid], party_id=pid, role=role, position=i) for i, (pid, role) in enumerate(wanted)
        ]
    if {(s.citation, s.url) for s in activity.sources} != set(data.sources):
        activity.sources = [Source(citation=c, url=u, position=i) for i, (c, u) in enumerate(data.sources)]


def build_activity(conflict: Conflict, data: ActivityInput, parties: dict[int, Party], *, recorded_by: int | None) -> Activity:
    """A new activity from checked input (no queries): the duplicate and party checks are the
    caller's (:func:`create_activity` makes them; a planned import made them for its file)."""
    activity = Activity(conflict_id=conflict.id, recorded_by_id=recorded_by, parties=[], sources=[])
    _fill(activity, clean_values(data.values), data, parties)
    return activity


def create_activity(session: Session, conflict: Conflict, data: ActivityInput, *, recorded_by: int | None) -> Activity:
    """Record a new activity on the conflict's timeline."""
    values = clean_values(data.values)
    _check_duplicate(session, conflict, values, None)
    _check_incentive(session, conflict, values, data)
    parties = _check_parties(session, conflict, data)
    return saving.create(session, build_activity(conflict, data, parties, recorded_by=recorded_by))


def update_activity(session: Session, activity: Activity, data: ActivityInput, *, version: int | None) -> Activity:
    """Change an activity (loaded with :func:`load_for_edit`), unless it moved on since ``version``."""
    values = clean_values(data.values)
    _check_duplicate(session, activity.conflict, values, activity.id)
    _check_incentive(session, activity.conflict, values, data)
    parties = _check_parties(session, activity.conflict, data)
    return saving.update(session, activity, lambda a: _fill(a, values, data, parties), version=version)


def delete_activity(session: Session, activity: Activity) -> None:
    saving.delete(session, activity)
