"""What an import of events did, told the same way on the page and on the command line."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.events import review
from tracker.events.formats import FORMAT_LABELS
from tracker.models import Candidate, Conflict, EventBatch
from tracker.vocab import CandidateStatus


@dataclass
class BatchReport:
    batch: EventBatch
    #: ``(what, how many)`` lines, in the order they are told.
    lines: list[tuple[str, str]]
    problems: list[tuple[int, str, str]]
    #: ``(conflict id, slug, name, pending candidates)``; ``None`` for those with no conflict yet.
    conflicts: list[tuple[int | None, str, str, int]]
    unmatched: list[tuple[str, str, int]]
    accepted: int

    @property
    def finished(self) -> bool:
        return self.batch.status in ("done", "failed")

    def text(self) -> str:
        """The report as plain text (the command line's)."""
        b = self.batch
        out = [f"Batch {b.id}: {b.filename} — {b.status}"]
        if b.message:
            out.append(f"  error: {b.message}")
        out += [f"  {what}: {value}" for what, value in self.lines]
        if self.problems:
            out.append(f"Lines refused ({b.events_refused}; the first {len(self.problems)} listed):")
            out += [
                f"  line {line}{f', {column}' if column else ''}: {message}" for line, column, message in self.problems
            ]
        if self.conflicts:
            out.append("Pending candidates by conflict:")
            out += [f"  {name}: {n}" for _cid, _slug, name, n in self.conflicts]
        if self.unmatched:
            out.append("Actors no party matches (map each once, on the batch's page):")
            out += [f"  {shown} [{key}]: {n} candidates" for key, shown, n in self.unmatched]
        return "\n".join(out)


def build(session: Session, batch: EventBatch) -> BatchReport:
    b = batch
    merged = b.events_new - b.candidates if b.status == "done" else 0
    lines = [
        (
            "format",
            FORMAT_LABELS.get(b.format or "", "not recognized yet") + (f" ({b.encoding})" if b.encoding else ""),
        ),
        ("lines read", f"{b.lines_read:,}"),
        ("events read", f"{b.events_read:,}"),
        ("already taken in (skipped)", f"{b.events_known:,}"),
        ("lines refused", f"{b.events_refused:,}"),
        ("candidates", f"{b.candidates:,}" + (f" ({merged:,} reports merged into them)" if merged > 0 else "")),
        ("unknown CAMEO codes (kept, flagged)", f"{b.unknown_codes:,}"),
    ]
    counts = session.execute(
        sa.select(Candidate.conflict_id, Conflict.slug, Conflict.name, sa.func.count())
        .outerjoin(Conflict, Conflict.id == Candidate.conflict_id)
        .where(Candidate.batch_id == b.id, Candidate.status == CandidateStatus.PENDING)
        .group_by(Candidate.conflict_id, Conflict.slug, Conflict.name)
        .order_by(Conflict.name.is_(None), Conflict.name)
    ).all()
    conflicts = [(cid, slug or "", name or "No conflict matched yet", int(n)) for cid, slug, name, n in counts]
    accepted = session.scalar(
        sa.select(sa.func.count())
        .select_from(Candidate)
        .where(Candidate.batch_id == b.id, Candidate.status == CandidateStatus.ACCEPTED)
    )
    return BatchReport(
        batch=b,
        lines=lines,
        problems=[(int(p[0]), str(p[1]), str(p[2])) for p in (b.problems or [])],
        conflicts=conflicts,
        unmatched=review.unmatched_actors(session, b.id) if b.status == "done" else [],
        accepted=int(accepted or 0),
    )
