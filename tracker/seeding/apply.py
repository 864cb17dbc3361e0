"""Write validated seed records. Once loaded, the examples belong to their users.

* ``seed`` loads every example never loaded before (all of them on a fresh database; later, the
  examples added to ``seed/`` since). It never changes a record it loaded earlier, and never
  recreates one that its users deleted.
* ``seed --update`` also brings the examples nobody has changed since they were loaded (their
  history holds no entry but the seed's) in line with ``seed/``, and lists what it skipped and why.

Every write is recorded in the history under the actor ``seed``. Each example loaded gets a
:class:`~tracker.models.SeedRecord` mark with its name in ``seed/``: a party's name, a
conflict's slug, a phase's date, a participation's party, role, supported party and date, a
recognition's two ends, stance and date, an activity's ``ref`` (or its date, type and title).
A record that matches an example by those natural keys but has no mark (a database seeded
before the marks existed) is marked, not rewritten; an activity is also found by the key its
``was`` gives, so a corrected date, type or title reaches it through ``--update``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import audit
from tracker.activities import service as activities
from tracker.conflicts import service as conflicts
from tracker.inputs.activity import ActivityInput
from tracker.inputs.record import day
from tracker.inputs.records import RecognitionInput
from tracker.models import (
    Activity,
    ActivityParty,
    AuditEntry,
    Conflict,
    Participation,
    Party,
    PhaseChange,
    Recognition,
    SeedRecord,
)
from tracker.participations import service as participations
from tracker.parties import service as parties
from tracker.rules import RuleError, format_partial_date
from tracker.seeding.records import ConflictFile, SeedData

ACTOR = audit.SEED_ACTOR


@dataclass
class SeedReport:
    """What a run wrote (``counts``: "activity created": 3, ...) and what it left alone."""

    counts: Counter[str] = field(default_factory=Counter)
    #: ``(example, reason)`` for every example the run did not write.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: ``(example, reason)`` for the examples a service refused (a rule the database's records
    #: break now, e.g. a party whose role users deleted): always reported.
    refused: list[tuple[str, str]] = field(default_factory=list)


def _differs(obj: Any, values: dict[str, Any]) -> bool:
    """Whether ``obj`` differs from ``values`` (lists compared as sets: order is no change)."""

    def same(have: Any, want: Any) -> bool:
        return set(have) == set(want) if isinstance(want, list) else have == want

    return not all(same(getattr(obj, name), value) for name, value in values.items())


def _activity_differs(activity: Activity, data: ActivityInput) -> bool:
    """Parties and sources compared as sets: their order is not a change."""
    checked = data.checked()
    return (
        _differs(activity, checked.columns())
        or {(link.party_id, link.role) for link in activity.parties} != set(checked.party_ids())
        or {(s.citation, s.url) for s in activity.sources} != set(checked.source_pairs())
    )


class _Writer:
    def __init__(self, session: Session, *, update: bool) -> None:
        self.session, self.update = session, update
        self.report = SeedReport()
        self.marks = {(m.record_type, m.key): m for m in session.scalars(sa.select(SeedRecord))}
        self.marked_ids = {(m.record_type, m.record_id) for m in self.marks.values()}
        # The latest change by anyone but the seed, per record: such a record is theirs.
        latest = (
            sa.select(AuditEntry.record_type, AuditEntry.record_id, AuditEntry.actor, AuditEntry.at)
            .where(AuditEntry.actor != ACTOR)
            .order_by(AuditEntry.at)
        )
        self.touched = {(t, rid): (actor, at) for t, rid, actor, at in session.execute(latest)}
        self.parties: dict[str, Party | None] = {}
        self.seen: set[tuple[str, str]] = set()  # the marks of the examples in seed/

    # -- the one decision every example goes through ------------------------------------

    def settle(
        self,
        record_type: str,
        keys: list[str],
        label: str,
        *,
        model: type,
        find: Callable[..., Any],
        differs: Callable[..., bool],
        make: Callable[..., Any],
        apply: Callable[..., object],
    ) -> Any | None:
        """The record of one example: created when never loaded; left alone, or (``--update``)
        corrected when nobody changed it; ``None`` when its users deleted it."""
        mark = next((self.marks[(record_type, k)] for k in keys if (record_type, k) in self.marks), None)
        self.seen.update((record_type, k) for k in keys)
        if mark is not None:
            obj = self.session.get(model, mark.record_id)
            if obj is None:
                self.skip(label, "deleted in this database: not recreated")
                return None
            if mark.key != keys[0] and (record_type, keys[0]) not in self.marks:
                self.marks.pop((record_type, mark.key))
                mark.key = keys[0]  # the example has a new name (an activity's ref)
                self.marks[(record_type, mark.key)] = mark
        else:
            obj = find()
            if obj is not None and (record_type, obj.id) in self.marked_ids:
                obj = None  # another example's record already: this one is new
            if obj is None:
                try:
                    with self.session.begin_nested():  # a refused example leaves the others be
                        obj = make()
                except RuleError as error:
                    self.report.refused.append((label, f"not loaded: {error}"))
                    return None
                self._mark(record_type, keys[0], obj.id)
                self.report.counts[f"{record_type.replace('_', ' ')} created"] += 1
                return obj
            self._mark(record_type, keys[0], obj.id)  # loaded by an earlier seed: marked, not rewritten
        if self.update and differs(obj):
            changed_by = self.touched.get((record_type, obj.id))
            if changed_by is not None:
                actor, at = changed_by
                self.skip(label, f"changed by {actor} on {at:%Y-%m-%d}: left as it is")
            else:
                try:
                    with self.session.begin_nested():
                        apply(obj)
                except RuleError as error:
                    self.report.refused.append((label, f"not corrected: {error}"))
                else:
                    self.report.counts[f"{record_type.replace('_', ' ')} updated"] += 1
        return obj

    def skip(self, label: str, reason: str) -> None:
        self.report.skipped.append((label, reason))

    def _mark(self, record_type: str, key: str, record_id: int) -> None:
        mark = SeedRecord(record_type=record_type, key=key, record_id=record_id)
        self.session.add(mark)
        self.marks[(record_type, key)] = mark
        self.marked_ids.add((record_type, record_id))

    def flush(self) -> None:
        self.session.flush()

    # -- parties and conflicts -----------------------------------------------------------

    def parties_from(self, data: SeedData) -> None:
        known = {p.name: p for p in self.session.scalars(sa.select(Party))}
        for spec in data.parties.values():
            self.parties[spec.name] = self.settle(
                "party", [spec.name], f"party {spec.name!r}", model=Party,
                find=lambda name=spec.name: known.get(name),
                differs=lambda p, d=spec: _differs(p, d.columns()),
                make=lambda d=spec: parties.create_party(self.session, d),
                apply=lambda p, d=spec: parties.update_party(self.session, p, d, version=None),
            )  # fmt: skip
        self.flush()

    def conflict_from(self, cf: ConflictFile) -> None:
        spec = cf.conflict
        conflict = self.settle(
            "conflict", [spec.slug], f"conflict {spec.slug!r}", model=Conflict,
            find=lambda: self.session.scalars(sa.select(Conflict).where(Conflict.slug == spec.slug)).one_or_none(),
            differs=lambda c: _differs(c, spec.columns()),
            make=lambda: conflicts.create_conflict(self.session, spec),
            apply=lambda c: conflicts.update_conflict(self.session, c, spec, version=None),
        )  # fmt: skip
        if conflict is None:  # deleted by its users: so are its phases, roles and activities
            self.seen.update(k for k in self.marks if k[1].startswith(f"{spec.slug}|"))
            self.seen.update(("recognition", self._recognition_key(r)) for r in cf.recognitions)
            return
        self.flush()
        self._phases(conflict, cf)
        self._participations(conflict, cf)
        self._recognitions(cf)
        self._activities(conflict, cf)
        self.flush()

    def _phases(self, conflict: Conflict, cf: ConflictFile) -> None:
        known = {
            p.since: p
            for p in self.session.scalars(sa.select(PhaseChange).where(PhaseChange.conflict_id == conflict.id))
        }
        for ph in cf.phases:
            since = ph.since[0]
            self.settle(
                "phase_change", [f"{conflict.slug}|{since.isoformat()}"],
                f"{conflict.slug}: phase change of {format_partial_date(*ph.since)}",
                model=PhaseChange, find=lambda since=since: known.get(since),
                differs=lambda p, d=ph: _differs(p, d.columns()),
                make=lambda d=ph: conflicts.add_phase(self.session, conflict, d),
                apply=lambda p, d=ph: conflicts.update_phase(self.session, p, d, version=None),
            )  # fmt: skip

    # -- roles and recognitions ----------------------------------------------------------

    def _party_ids(self, label: str, *names: int | str | None) -> list[int | None] | None:
        """The ids of the named parties; ``None`` (and a note) when one was deleted here."""
        out: list[int | None] = []
        for name in names:
            if name is None:
                out.append(None)
                continue
            party = self.parties.get(str(name))
            if party is None:
                self.skip(label, f"the party {name!r} was deleted in this database")
                return None
            out.append(party.id)
        return out

    def _participations(self, conflict: Conflict, cf: ConflictFile) -> None:
        rows = self.session.scalars(
            sa.select(Participation)
            .where(Participation.conflict_id == conflict.id)
            .options(selectinload(Participation.support_kind_rows), selectinload(Participation.motive_rows))
        ).all()
        for spec in cf.participations:
            label = f"{conflict.slug}: role of {spec.party} ({spec.role.value})"
            ids = self._party_ids(label, spec.party, spec.supports)
            if ids is None:
                continue
            data = spec.replace(party=ids[0], supports=ids[1])
            values = data.columns()
            key = f"{conflict.slug}|{spec.party}|{spec.role.value}|{spec.supports or ''}|{day(spec.since) or ''}"
            self.settle(
                "participation", [key], label, model=Participation,
                find=lambda v=values: self._find_participation(rows, v),
                differs=lambda p, v=values: _differs(p, v),
                make=lambda d=data: participations.create_participation(self.session, conflict.id, d),
                apply=lambda p, d=data: participations.update_participation(self.session, p, d, version=None),
            )  # fmt: skip

    def _find_participation(self, rows: Sequence[Participation], values: dict[str, Any]) -> Participation | None:
        same = [
            r
            for r in rows
            if (r.party_id, r.role, r.supports_id) == (values["party_id"], values["role"], values["supports_id"])
        ]
        exact = [r for r in same if r.since == values["since"]]
        if exact:
            return exact[0]
        unmarked = [r for r in same if ("participation", r.id) not in self.marked_ids]
        return unmarked[0] if len(unmarked) == 1 else None  # the same role with a corrected date

    @staticmethod
    def _recognition_key(spec: RecognitionInput) -> str:
        return f"{spec.recognizer}|{spec.recognized}|{spec.status.value}|{spec.since[0].isoformat()}"

    def _recognitions(self, cf: ConflictFile) -> None:
        for spec in cf.recognitions:
            label = f"recognition {spec.recognizer} → {spec.recognized} ({spec.status.value})"
            ids = self._party_ids(label, spec.recognizer, spec.recognized)
            if ids is None:
                continue
            data = spec.replace(recognizer=ids[0], recognized=ids[1])
            natural = (
                Recognition.recognizer_id == ids[0], Recognition.recognized_id == ids[1],
                Recognition.status == spec.status, Recognition.since == spec.since[0],
            )  # fmt: skip
            self.settle(
                "recognition", [self._recognition_key(spec)],
                label, model=Recognition,
                find=lambda n=natural: self.session.scalars(sa.select(Recognition).where(*n)).one_or_none(),
                differs=lambda r, d=data: _differs(r, d.columns()),
                make=lambda d=data: parties.create_recognition(self.session, d),
                apply=lambda r, d=data: parties.update_recognition(self.session, r, d, version=None),
            )  # fmt: skip

    # -- activities ----------------------------------------------------------------------

    def _activities(self, conflict: Conflict, cf: ConflictFile) -> None:
        rows = self.session.scalars(
            sa.select(Activity)
            .where(Activity.conflict_id == conflict.id)
            .options(selectinload(Activity.parties).selectinload(ActivityParty.party), selectinload(Activity.sources))
        ).all()
        known = {(a.date, a.type, a.title): a for a in rows}
        for spec in cf.activities:
            label = f"{conflict.slug}: activity {spec.title!r}"
            ids = self._party_ids(label, *(name for name, _role in spec.party_names))
            if ids is None:
                continue
            data = spec.data.with_parties([(self.parties[name].id, role) for name, role in spec.party_names])  # type: ignore[union-attr]
            natural = f"{conflict.slug}|{data.date.isoformat()}|{data.type.value}|{data.title}"
            keys = [f"{conflict.slug}|ref:{spec.ref}"] if spec.ref else []
            keys.append(natural)
            if spec.was:
                keys.append(f"{conflict.slug}|{spec.was[0].isoformat()}|{spec.was[1].value}|{spec.was[2]}")
            self.settle(
                "activity", keys, label, model=Activity,
                find=lambda s=spec: known.get(s.key) or (known.get(s.was) if s.was else None),
                differs=lambda a, d=data: _activity_differs(a, d),
                make=lambda d=data: activities.create_activity(self.session, conflict, d, recorded_by=None),
                apply=lambda a, d=data: activities.update_activity(self.session, a, d, version=None),
            )  # fmt: skip

    def gone_from_the_seed(self) -> None:
        """Examples loaded once and no longer in ``seed/``: their records stay (they are the
        users' now), and ``--update`` says so."""
        for (record_type, key), mark in sorted(self.marks.items()):
            if (record_type, key) not in self.seen and mark.id is not None:
                self.skip(
                    f"{record_type.replace('_', ' ')} {key!r}",
                    "no longer in seed/: left as it is (delete it if it should go)",
                )


@audit.through("seed")
def apply_seed(session: Session, data: SeedData, *, update: bool = False) -> SeedReport:
    """Write ``data`` through the services, in the session's transaction (the caller commits);
    returns the report. Every history entry names the actor ``seed``."""
    with audit.acting_as(audit.Actor(None, ACTOR)), activities.bulk(session):
        return _apply(session, data, update=update)


def _apply(session: Session, data: SeedData, *, update: bool) -> SeedReport:
    writer = _Writer(session, update=update)
    writer.parties_from(data)
    for cf in data.conflicts:
        writer.conflict_from(cf)
    if update:
        writer.gone_from_the_seed()
    return writer.report
