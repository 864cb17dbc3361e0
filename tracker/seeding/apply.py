"""Write validated seed records to the database: insert what is new, update what changed.

Natural keys make a second run a no-op: parties by name, conflicts by slug, phases by date,
participations by party/role/supported party/since, recognitions by both ends, status and
since, activities by date, type and title.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.models import (
    Activity,
    ActivityParty,
    Conflict,
    Participation,
    Party,
    PhaseChange,
    Recognition,
    Source,
)
from tracker.seeding.records import ConflictFile, SeedData


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; ``True`` if any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.counts: Counter[str] = Counter()
        self.parties: dict[str, Party] = {}

    def upsert(self, kind: str, existing: Any, factory: type, values: dict[str, Any]) -> Any:
        if existing is None:
            obj = factory(**values)
            self.session.add(obj)
            self.counts[f"{kind} created"] += 1
            return obj
        if _assign(existing, values):
            self.counts[f"{kind} updated"] += 1
        return existing

    def parties_from(self, data: SeedData) -> None:
        known = {p.name: p for p in self.session.scalars(sa.select(Party))}
        for spec in data.parties.values():
            values = {
                "name": spec.name,
                "full_name": spec.full_name,
                "kind": spec.kind,
                "recognition_status": spec.recognition_status,
                "country_code": spec.country_code,
                "description": spec.description,
            }
            self.parties[spec.name] = self.upsert("party", known.get(spec.name), Party, values)
        self.session.flush()

    def conflict_from(self, cf: ConflictFile) -> None:
        spec = cf.conflict
        existing = self.session.scalars(
            sa.select(Conflict)
            .where(Conflict.slug == spec.slug)
            .options(selectinload(Conflict.phases))
        ).one_or_none()
        values = {
            k: getattr(spec, k)
            for k in ("slug", "name", "type", "region", "start_date", "start_date_precision", "end_date", "end_date_precision", "summary")
        } | {"ucdp_id": spec.ucdp_id, "acled_id": spec.acled_id, "pax_process": spec.pax_process}
        conflict = self.upsert("conflict", existing, Conflict, values)
        if existing is None:
            conflict.phases = []
        phases = {p.since: p for p in conflict.phases}
        for ph in spec.phases:
            values = {"phase": ph.phase, "since": ph.since, "since_precision": ph.since_precision, "note": ph.note}
            if ph.since in phases:
                self.upsert("phase change", phases[ph.since], PhaseChange, values)
            else:
                conflict.phases.append(PhaseChange(**values))
                self.counts["phase change created"] += 1
        self.session.flush()
        self._participations(conflict, cf)
        self._recognitions(cf)
        self._activities(conflict, cf)

    def _participations(self, conflict: Conflict, cf: ConflictFile) -> None:
        rows = self.session.scalars(
            sa.select(Participation)
            .where(Participation.conflict_id == conflict.id)
            .options(
                selectinload(Participation.support_kind_rows),
                selectinload(Participation.motive_rows),
            )
        ).all()
        known = {(p.party_id, p.role, p.supports_id, p.since): p for p in rows}
        for spec in cf.participations:
            party = self.parties[spec.party]
            supports = self.parties[spec.supports] if spec.supports else None
            key = (party.id, spec.role, supports.id if supports else None, spec.since)
            values = {
                "conflict_id": conflict.id,
                "party_id": party.id,
                "role": spec.role,
                "side": spec.side,
                "supports_id": supports.id if supports else None,
                "capacity": spec.capacity,
                "leverage": spec.leverage,
                "since": spec.since,
                "since_precision": spec.since_precision,
                "until": spec.until,
                "until_precision": spec.until_precision,
                "notes": spec.notes,
            }
            existing = known.get(key)
            if existing is None:
                row = Participation(**values, support_kind_rows=[], motive_rows=[])
                self.session.add(row)
                self.counts["participation created"] += 1
            else:
                row = existing
                if _assign(row, values):
                    self.counts["participation updated"] += 1
            if row.support_kinds != spec.support_kinds or row.motives != spec.motives:
                row.support_kinds = spec.support_kinds
                row.motives = spec.motives
                if existing is not None:
                    self.counts["participation updated"] += 1
        self.session.flush()

    def _recognitions(self, cf: ConflictFile) -> None:
        for spec in cf.recognitions:
            recognizer = self.parties[spec.recognizer]
            recognized = self.parties[spec.recognized]
            existing = self.session.scalars(
                sa.select(Recognition).where(
                    Recognition.recognizer_id == recognizer.id,
                    Recognition.recognized_id == recognized.id,
                    Recognition.status == spec.status,
                    Recognition.since == spec.since,
                )
            ).one_or_none()
            values = {
                "recognizer_id": recognizer.id,
                "recognized_id": recognized.id,
                "status": spec.status,
                "since": spec.since,
                "since_precision": spec.since_precision,
                "until": spec.until,
                "until_precision": spec.until_precision,
                "source": spec.source,
                "source_url": spec.source_url,
            }
            self.upsert("recognition", existing, Recognition, values)
        self.session.flush()

    def _activities(self, conflict: Conflict, cf: ConflictFile) -> None:
        rows = self.session.scalars(
            sa.select(Activity)
            .where(Activity.conflict_id == conflict.id)
            .options(selectinload(Activity.parties), selectinload(Activity.sources))
        ).all()
        known = {(a.date, a.type, a.title): a for a in rows}
        for spec in cf.activities:
            values = {
                name: getattr(spec, name)
                for name in (
                    "date", "date_precision", "end_date", "end_date_precision", "type", "track", "scope",
                    "official_level", "form", "purpose", "effect", "incentive", "cameo_code", "title",
                    "description",
                )
            }  # fmt: skip
            existing = known.get((spec.date, spec.type, spec.title))
            if existing is None:
                activity = Activity(conflict_id=conflict.id, **values, parties=[], sources=[])
                self.session.add(activity)
                self.counts["activity created"] += 1
            else:
                activity = existing
                if _assign(activity, values):
                    self.counts["activity updated"] += 1
            links = [(self.parties[name].id, role) for name, role in spec.parties]
            if [(link.party_id, link.role) for link in activity.parties] != links:
                activity.parties = [
                    ActivityParty(party_id=pid, role=role, position=i)
                    for i, (pid, role) in enumerate(links)
                ]
                if existing is not None:
                    self.counts["activity updated"] += 1
            if [(s.citation, s.url) for s in activity.sources] != spec.sources:
                activity.sources = [
                    Source(citation=c, url=u, position=i) for i, (c, u) in enumerate(spec.sources)
                ]
                if existing is not None:
                    self.counts["activity updated"] += 1
        self.session.flush()


def apply_seed(session: Session, data: SeedData) -> Counter[str]:
    """Write ``data`` in the session's transaction (the caller commits); returns the counts."""
    writer = _Writer(session)
    writer.parties_from(data)
    for cf in data.conflicts:
        writer.conflict_from(cf)
    return writer.counts
