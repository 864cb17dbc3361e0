"""Changes to activities: their fields, parties and sources (audited; the caller commits).

Every door (form, CSV import, seed, API) gives an :class:`ActivityInput`; the functions here
re-check its rules, then the ones that need the database (the parties exist and belong to the
conflict, no duplicate, the incentive rule that depends on who the direct parties are), and
write through :mod:`tracker.saving`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import audit, rules, saving
from tracker.bulk import insert_many, reserve_ids
from tracker.inputs.activity import COLUMNS, ActivityInput
from tracker.models import Activity, ActivityParty, AuditEntry, Conflict, Participation, Party, Source
from tracker.models.activity import party_link_text, source_text
from tracker.models.base import utcnow
from tracker.rules import FieldError
from tracker.search import index
from tracker.vocab import ActivityPartyRole, Capacity, Role

__all__ = [
    "COLUMNS", "ActivityInput", "create_activities", "create_activity", "create_many", "delete_activity",
    "update_activity",
]  # fmt: skip

Links = list[tuple[int, ActivityPartyRole]]


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


def involved_party_ids(session: Session, conflict: Conflict) -> set[int]:
    """The parties with a role in the conflict."""
    return set(session.scalars(sa.select(Participation.party_id).where(Participation.conflict_id == conflict.id)))


def _direct_party_ids(session: Session, conflict: Conflict) -> set[int]:
    return set(
        session.scalars(
            sa.select(Participation.party_id).where(
                Participation.conflict_id == conflict.id, Participation.role == Role.PRIMARY
            )
        )
    )


def add_observers(session: Session, conflict: Conflict, party_ids: Sequence[int]) -> None:
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


class _Context:
    """What the checks of one conflict read from the database, read once for many activities."""

    def __init__(self, session: Session, conflict: Conflict, party_ids: set[int]) -> None:
        self.session = session
        self.conflict = conflict
        self.parties = (
            {p.id: p for p in session.scalars(sa.select(Party).where(Party.id.in_(party_ids)))} if party_ids else {}
        )
        self.involved = involved_party_ids(session, conflict)
        self.direct = _direct_party_ids(session, conflict)

    def want(self, party_ids: set[int]) -> None:
        """Read the parties not read yet."""
        missing = party_ids - set(self.parties)
        if missing:
            self.parties |= {p.id: p for p in self.session.scalars(sa.select(Party).where(Party.id.in_(missing)))}

    def check(self, data: ActivityInput, links: Links, *, add_missing_parties: bool) -> list[int]:
        """The database's rules for one activity; returns the parties to add to the conflict."""
        if any(pid not in self.parties for pid, _ in links):
            raise FieldError("parties", "one of the chosen parties does not exist")
        outside = any(role == ActivityPartyRole.INITIATOR and pid not in self.direct for pid, role in links)
        rules.incentive_applies(data.type, data.incentive, outside_initiator=outside)
        missing = sorted({pid for pid, _ in links} - self.involved, key=lambda i: self.parties[i].name)
        if missing and not add_missing_parties:
            names = ", ".join(self.parties[pid].name for pid in missing)
            raise FieldError(
                "parties",
                f"not parties to this conflict: {names}. Record their role in the conflict first, "
                "or tick “Add parties not yet in this conflict”",
            )
        self.involved.update(missing)
        return missing


_BULK = "activity_contexts"


@contextmanager
def bulk(session: Session) -> Iterator[None]:
    """Many writes in a row by one writer (the seed): what the checks read about a conflict
    (its parties and who is a direct party) is read once and kept in step by the writes here.
    Outside the block every call reads it afresh."""
    session.info[_BULK] = {}
    try:
        yield
    finally:
        session.info.pop(_BULK, None)


def _context(session: Session, conflict: Conflict, party_ids: set[int]) -> _Context:
    kept: dict[int, _Context] | None = session.info.get(_BULK)
    if kept is None:
        return _Context(session, conflict, party_ids)
    context = kept.get(conflict.id)
    if context is None:
        context = kept[conflict.id] = _Context(session, conflict, party_ids)
    context.want(party_ids)
    return context


def _duplicates(session: Session, conflict: Conflict, keys: set[tuple], exclude_id: int | None = None) -> set[tuple]:
    """Which of ``keys`` (date, type, title) the conflict already has."""
    if not keys:
        return set()
    stmt = sa.select(Activity.date, Activity.type, Activity.title).where(Activity.conflict_id == conflict.id)
    if len(keys) <= 200:  # a form or a short file: only the titles given; a long one reads the conflict's keys
        stmt = stmt.where(Activity.title.in_({k[2] for k in keys}))
    if exclude_id is not None:
        stmt = stmt.where(Activity.id != exclude_id)
    return {tuple(row) for row in session.execute(stmt)} & keys


class ItemError(rules.RuleError):
    """A rule broken by the ``index``-th activity of a batch (``error`` says which)."""

    def __init__(self, index: int, error: rules.RuleError) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


DUPLICATE = "an activity with this date, type and title is already recorded in this conflict"


def _key(data: ActivityInput) -> tuple:
    return (data.date, data.type, data.title)


def _fill(activity: Activity, data: ActivityInput, links: Links, parties: dict[int, Party]) -> None:
    for name, value in data.columns().items():
        setattr(activity, name, value)
    # Parties and sources are compared as sets: putting them in another order changes nothing.
    if {(link.party_id, link.role) for link in activity.parties} != set(links):
        activity.parties = [
            ActivityParty(party=parties[pid], party_id=pid, role=role, position=i)
            for i, (pid, role) in enumerate(links)
        ]
    if {(s.citation, s.url) for s in activity.sources} != set(data.source_pairs()):
        activity.sources = [Source(citation=c, url=u, position=i) for i, (c, u) in enumerate(data.source_pairs())]


def _new(
    conflict: Conflict, data: ActivityInput, links: Links, parties: dict[int, Party], recorded_by: int | None
) -> Activity:
    activity = Activity(conflict_id=conflict.id, recorded_by_id=recorded_by, parties=[], sources=[])
    _fill(activity, data, links, parties)
    return activity


def create_activity(
    session: Session, conflict: Conflict, data: ActivityInput, *, recorded_by: int | None,
    add_missing_parties: bool = False,
) -> Activity:  # fmt: skip
    """Record a new activity on the conflict's timeline."""
    try:
        return create_activities(
            session, conflict, [data], recorded_by=recorded_by, add_missing_parties=add_missing_parties
        )[0]
    except ItemError as error:
        raise error.error from None


def _check_new(
    session: Session, conflict: Conflict, items: Sequence[ActivityInput], *, add_missing_parties: bool
) -> tuple[list[ActivityInput], list[Links], _Context]:
    """The checks of new activities, made with a handful of queries for the lot; the parties
    they bring into the conflict are given their role there."""
    checked, links = [], []
    for i, data in enumerate(items):
        try:
            checked.append(data.checked())
            links.append(checked[-1].party_ids())
        except rules.RuleError as error:
            raise ItemError(i, error) from None
    keys = [_key(data) for data in checked]
    known = _duplicates(session, conflict, set(keys))
    first: dict[tuple, int] = {}
    for i, key in enumerate(keys):
        if key in known or first.setdefault(key, i) != i:
            raise ItemError(
                i, FieldError("title", DUPLICATE if key in known else "the same date, type and title are given twice")
            )
    context = _context(session, conflict, {pid for item in links for pid, _ in item})
    missing: list[int] = []
    for i, (data, item) in enumerate(zip(checked, links, strict=True)):
        try:
            missing += context.check(data, item, add_missing_parties=add_missing_parties)
        except rules.RuleError as error:
            raise ItemError(i, error) from None
    add_observers(session, conflict, missing)
    return checked, links, context


def create_activities(
    session: Session, conflict: Conflict, items: Sequence[ActivityInput], *, recorded_by: int | None,
    add_missing_parties: bool = False, batch: int = 500,
) -> list[Activity]:  # fmt: skip
    """Record many new activities of one conflict (the seed): the same checks as one at a
    time, made with a handful of queries for the lot, and written in batches."""
    checked, links, context = _check_new(session, conflict, items, add_missing_parties=add_missing_parties)
    created = [
        _new(conflict, data, item, context.parties, recorded_by) for data, item in zip(checked, links, strict=True)
    ]
    for start in range(0, len(created), batch):
        saving.create_all(session, created[start : start + batch])
    return created


_TABLES = {m: cast(sa.Table, m.__table__) for m in (Activity, ActivityParty, Source, AuditEntry)}
_ACTIVITY_ROW = ("id", "conflict_id", *COLUMNS, "recorded_by_id", "recorded_at", "updated_at", "version")
_AUDIT_ROW = ("at", "user_id", "actor", "action", "record_type", "record_id", "summary", "changes", "origin")


def create_many(
    session: Session, conflict: Conflict, items: Sequence[ActivityInput], *, recorded_by: int | None,
    add_missing_parties: bool = False, batch: int = 5_000,
) -> list[int]:  # fmt: skip
    """Record many new activities of one conflict at the database's speed (an import): the
    checks of :func:`create_activities`, then rows handed to the driver in batches
    (:mod:`tracker.bulk`: ids reserved up front; links, sources, audit entries and search
    documents in bulk; the tallies kept by their triggers). Returns the new ids, in order."""
    checked, links, context = _check_new(session, conflict, items, add_missing_parties=add_missing_parties)
    session.flush()  # the observers added above, before rows that name them
    conn = session.connection()
    ids: list[int] = []
    for start in range(0, len(checked), batch):
        part = list(zip(checked[start : start + batch], links[start : start + batch], strict=True))
        ids += _write(conn, conflict, part, context.parties, recorded_by)
    return ids


def _value(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def _write(conn: sa.Connection, conflict: Conflict, part: list[tuple[ActivityInput, Links]],
           parties: dict[int, Party], recorded_by: int | None) -> list[int]:  # fmt: skip
    ids = reserve_ids(conn, _TABLES[Activity], len(part))
    now = utcnow()
    rows, link_rows, source_rows, audited = [], [], [], []
    for activity_id, (data, item) in zip(ids, part, strict=True):
        columns = data.columns()
        rows.append((activity_id, conflict.id, *(_value(columns[c]) for c in COLUMNS), recorded_by, now, now, 1))
        link_rows += [(activity_id, pid, role.value, i) for i, (pid, role) in enumerate(item)]
        pairs = data.source_pairs()
        source_rows += [(activity_id, i, citation, url) for i, (citation, url) in enumerate(pairs)]
        # What audit.snapshot(activity) would read from the written record.
        after = {"conflict_id": conflict.id, **{c: audit.plain(columns[c]) for c in COLUMNS},
                 "party_links": [party_link_text(parties[pid].name, role.value) for pid, role in item],
                 "source_list": [source_text(c, u) for c, u in pairs]}  # fmt: skip
        audited.append((activity_id, data.title, after))
    insert_many(conn, _TABLES[Activity], _ACTIVITY_ROW, rows)
    insert_many(conn, _TABLES[ActivityParty], ("activity_id", "party_id", "role", "position"), link_rows)
    insert_many(conn, _TABLES[Source], ("activity_id", "position", "citation", "url"), source_rows)
    entries = audit.created_rows("activity", audited)
    insert_many(conn, _TABLES[AuditEntry], _AUDIT_ROW,
                     [(*(e[c] for c in _AUDIT_ROW[:7]), json.dumps(e["changes"]), e["origin"]) for e in entries])  # fmt: skip
    index.refresh(conn, "activity", ids)
    return ids


def update_activity(
    session: Session, activity: Activity, data: ActivityInput, *, version: int | None, add_missing_parties: bool = False
) -> Activity:
    """Change an activity (loaded with :func:`load_for_edit`), unless it moved on since ``version``."""
    data = data.checked()
    links = data.party_ids()
    conflict = session.get(Conflict, activity.conflict_id)  # loaded with the activity, or read once
    assert conflict is not None
    if _duplicates(session, conflict, {_key(data)}, exclude_id=activity.id):
        raise FieldError("title", DUPLICATE)
    context = _context(session, conflict, {pid for pid, _ in links})
    add_observers(session, conflict, context.check(data, links, add_missing_parties=add_missing_parties))
    return saving.update(session, activity, lambda a: _fill(a, data, links, context.parties), version=version)


def delete_activity(session: Session, activity: Activity) -> None:
    saving.delete(session, activity)
