"""The review queue: candidates narrowed by a filter read from the query string, ranked.

Ranked so that what most needs a decision comes first: the events reported most often, then
the strongest on the Goldstein scale (either way), then the most recent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from tracker import rules
from tracker.models import Candidate, EventBatch
from tracker.vocab import CandidateStatus

#: The CAMEO root codes, the families a queue is filtered by.
FAMILIES = tuple(f"{n:02d}" for n in range(1, 21))


@dataclass
class CandidateFilter:
    status: CandidateStatus | None = CandidateStatus.PENDING
    date_from: date | None = None
    date_to: date | None = None
    families: list[str] = field(default_factory=list)
    actor: str = ""
    weight_min: float | None = None
    weight_max: float | None = None
    batch_id: int | None = None
    #: Overall queue only: a conflict's id, or ``"none"`` for candidates no conflict matched.
    conflict: int | str | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> CandidateFilter:
        self = cls()
        status = args.get("status", "pending")
        if status == "all":
            self.status = None
        else:
            try:
                self.status = rules.vocab(CandidateStatus, status)
            except rules.RuleError as error:
                self.errors.append(f"Filter “status”: {error}.")
        for name, attr in (("from", "date_from"), ("to", "date_to")):
            raw = args.get(name, "").strip()
            if raw:
                try:
                    setattr(self, attr, date.fromisoformat(raw))
                except ValueError:
                    self.errors.append(f"Filter “{name}”: {raw[:30]!r} is not a date (YYYY-MM-DD).")
        for family in args.getlist("family"):
            if family in FAMILIES:
                self.families.append(family)
            elif family:
                self.errors.append(f"Filter “family”: {family[:10]!r} is not a CAMEO root code (01 to 20).")
        try:
            self.actor = rules.text(args.get("actor", ""), "actor")[:100]
        except rules.RuleError as error:  # a control character: said, and no filter
            self.errors.append(f"Filter “actor”: {error}.")
        for name, attr in (("min", "weight_min"), ("max", "weight_max")):
            raw = args.get(name, "").strip()
            if raw:
                try:
                    value = float(raw)
                    if not -10 <= value <= 10:
                        raise ValueError
                    setattr(self, attr, value)
                except ValueError:
                    self.errors.append(f"Filter “{name}”: {raw[:20]!r} is not a weight from -10 to 10.")
        if args.get("batch"):
            try:
                self.batch_id = rules.record_id(args.get("batch"))
            except rules.RuleError:
                self.errors.append("Filter “batch”: not a batch number.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            self.errors.append("Filter “from” is after “to”: nothing can fall between them.")
        if self.weight_min is not None and self.weight_max is not None and self.weight_min > self.weight_max:
            self.errors.append("The lowest weight asked for is above the highest: nothing can fall between them.")
        conflict = args.get("conflict", "")
        if conflict == "none":
            self.conflict = "none"
        elif conflict:
            try:
                self.conflict = rules.record_id(conflict)
            except rules.RuleError:
                self.errors.append("Filter “conflict”: not a conflict.")
        return self

    def apply(self, stmt: sa.Select[Any]) -> sa.Select[Any]:
        if self.status is not None:
            stmt = stmt.where(Candidate.status == self.status)
        if self.date_from:
            stmt = stmt.where(Candidate.date >= self.date_from)
        if self.date_to:
            stmt = stmt.where(Candidate.date <= self.date_to)
        if self.families:
            stmt = stmt.where(sa.func.substr(Candidate.cameo_code, 1, 2).in_(self.families))
        if self.actor:
            columns = (Candidate.source_text, Candidate.target_text, Candidate.title)
            stmt = stmt.where(sa.or_(*(c.icontains(self.actor, autoescape=True) for c in columns)))
        if self.weight_min is not None:
            stmt = stmt.where(Candidate.goldstein >= self.weight_min)
        if self.weight_max is not None:
            stmt = stmt.where(Candidate.goldstein <= self.weight_max)
        if self.batch_id is not None:
            stmt = stmt.where(Candidate.batch_id == self.batch_id)
        if self.conflict == "none":
            stmt = stmt.where(Candidate.conflict_id.is_(None))
        elif self.conflict is not None:
            stmt = stmt.where(Candidate.conflict_id == self.conflict)
        return stmt


def candidates(flt: CandidateFilter, conflict_id: int | None = None) -> sa.Select[Any]:
    """The queue's statement: the candidates of finished batches under ``flt``, ranked, with
    what a row shows loaded."""
    stmt = (
        sa.select(Candidate)
        .join(EventBatch, EventBatch.id == Candidate.batch_id)
        .where(EventBatch.status == "done")
        .options(
            selectinload(Candidate.conflict),
            selectinload(Candidate.source_party),
            selectinload(Candidate.target_party),
        )
    )
    if conflict_id is not None:
        stmt = stmt.where(Candidate.conflict_id == conflict_id)
    return flt.apply(stmt).order_by(
        Candidate.report_count.desc(),
        sa.func.abs(sa.func.coalesce(Candidate.goldstein, 0)).desc(),
        Candidate.date.desc(),
        Candidate.id,
    )
