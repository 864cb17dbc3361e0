"""Staging a file of coded events: read, match, merge, and write candidates with their reports.

The file is read as a stream in chunks of :data:`CHUNK` events; each chunk is matched, merged
and written with a handful of bulk statements, then committed (so progress shows and memory
stays flat at any size). A source event already taken in (the same dataset and event id) is
skipped: re-importing a file adds nothing twice, and what analysts decided stays decided.

Merging: reports of one event (the same day, the same pair of actors in either direction, the
same code, or reciprocal codes such as 042 "make a visit" and 043 "host a visit") become one
candidate with a count; when both directions were reported, the candidate says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.events import coding
from tracker.events.formats import FORMATS, Actor, FormatError, Problem, SourceEvent, Stream, read
from tracker.events.matching import ActorIndex, ConflictIndex, mapping_key
from tracker.models import Candidate, EventBatch, EventReport
from tracker.models.base import utcnow
from tracker.vocab import CandidateStatus

CHUNK = 5000
#: How many problems a batch keeps to show (all are counted).
MAX_PROBLEMS = 200


@dataclass
class _Group:
    first: SourceEvent
    source_id: int | None
    target_id: int | None
    events: list[SourceEvent] = field(default_factory=list)
    both: bool = False


def _chunks(items: Iterator[SourceEvent | Problem], size: int) -> Iterator[list[SourceEvent | Problem]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _side(actor: Actor, party_id: int | None) -> str:
    if party_id is not None:
        return f"p{party_id}"
    return mapping_key(actor) or "-"


class Stager:
    """Writes one batch's candidates; one instance per file."""

    def __init__(self, session: Session, batch: EventBatch) -> None:
        self.session = session
        self.batch = batch
        self.actors = ActorIndex(session)
        self.conflicts = ConflictIndex(session)
        self.dataset = ""

    def run(self, raw: IO[bytes], progress: Callable[[EventBatch], None] | None = None) -> None:
        """Read ``raw`` into the batch, committing each chunk; raises :class:`FormatError`."""
        stream = Stream()
        events = read(raw, stream, self.batch.format_asked)
        started = False
        for chunk in _chunks(events, CHUNK):
            if not started:
                started = True
                self.batch.format = stream.format
                self.dataset = FORMATS[stream.format or "icews"]
                self.batch.dataset = self.dataset
            self._chunk(chunk)
            self.batch.lines_read = stream.lines
            self.batch.encoding = stream.encoding
            self.session.commit()
            if progress:
                progress(self.batch)
        if not started:  # a file with a header and nothing else, or only documentation records
            self.batch.format = stream.format
            self.batch.dataset = FORMATS[stream.format] if stream.format else None
        self.batch.lines_read = stream.lines
        self.batch.encoding = "utf-8 and latin-1" if 0 < stream.latin1_lines < stream.lines else stream.encoding
        self.batch.status = "done"
        self.batch.finished_at = utcnow()
        self.session.commit()

    def _problems(self, problems: list[Problem]) -> None:
        if not problems:
            return
        self.batch.events_refused += len(problems)
        kept = list(self.batch.problems or [])
        room = MAX_PROBLEMS - len(kept)
        if room > 0:
            self.batch.problems = kept + [[p.line, p.column, p.message] for p in problems[:room]]

    def _chunk(self, chunk: list[SourceEvent | Problem]) -> None:
        events: dict[str, SourceEvent] = {}
        problems: list[Problem] = []
        for item in chunk:
            if isinstance(item, Problem):
                problems.append(item)
            elif item.event_id in events:
                problems.append(Problem(item.line, "event id", f"event {item.event_id} is given twice in the file"))
            else:
                events[item.event_id] = item
        self.batch.events_read += len(events)
        self._problems(problems)
        known = self._known(list(events))
        self.batch.events_known += len(known)
        fresh = [e for e in events.values() if e.event_id not in known]
        self.batch.events_new += len(fresh)
        if not fresh:
            return
        groups = self._group(fresh)
        ids = self._write_candidates(groups)
        self.session.execute(
            sa.insert(EventReport),
            [self._report(e, ids[key]) for key, group in groups.items() for e in group.events],
        )

    def _known(self, event_ids: list[str]) -> set[str]:
        return set(
            self.session.scalars(
                sa.select(EventReport.event_id).where(
                    EventReport.dataset == self.dataset, EventReport.event_id.in_(event_ids)
                )
            )
        )

    def _group(self, events: list[SourceEvent]) -> dict[str, _Group]:
        groups: dict[str, _Group] = {}
        match = self.actors.match
        for e in events:
            a, b = match(e.source), match(e.target)
            sa_, sb = _side(e.source, a), _side(e.target, b)
            low, high = (sa_, sb) if sa_ <= sb else (sb, sa_)
            key = f"{e.date.isoformat()}|{low}|{high}|{coding.merge_code(e.code)}"[:400]
            group = groups.get(key)
            if group is None:
                groups[key] = _Group(e, a, b, [e])
            else:
                group.events.append(e)
                if _side(group.first.source, group.source_id) != sa_:
                    group.both = True
        return groups

    def _write_candidates(self, groups: dict[str, _Group]) -> dict[str, int]:
        existing: dict[str, int] = dict(
            self.session.execute(
                sa.select(Candidate.group_key, Candidate.id).where(
                    Candidate.batch_id == self.batch.id, Candidate.group_key.in_(list(groups))
                )
            )
            .tuples()
            .all()
        )
        for key in existing:
            group = groups[key]
            self.session.execute(
                sa.update(Candidate)
                .where(Candidate.id == existing[key])
                .values(
                    report_count=Candidate.report_count + len(group.events),
                    both_directions=sa.or_(Candidate.both_directions, sa.true() if group.both else sa.false()),
                )
            )
        rows = [self._candidate(key, group) for key, group in groups.items() if key not in existing]
        if rows:
            self.batch.candidates += len(rows)
            self.batch.unknown_codes += sum(1 for r in rows if not r["code_known"])
            created = self.session.execute(sa.insert(Candidate).returning(Candidate.group_key, Candidate.id), rows)
            existing.update(dict(created.tuples().all()))
        return existing

    def _candidate(self, key: str, group: _Group) -> dict[str, Any]:
        e = group.first
        profiles = (coding.profile(e.source.sectors, e.source.text), coding.profile(e.target.sectors, e.target.text))
        acting = profiles if group.both else profiles[:1]
        others = () if group.both else profiles[1:]
        kinds = frozenset(self.actors.kinds.get(p) for p in (group.source_id, group.target_id) if p is not None)
        c = coding.code(e.code, acting, others, kinds)
        names = self.actors.party_names
        source_name = names.get(group.source_id or 0) or e.source.text or e.source.country or e.source.code
        target_name = names.get(group.target_id or 0) or e.target.text or e.target.country or e.target.code
        scores = [x.score for x in group.events if x.score is not None]
        conflict = self.batch.conflict_id or self.conflicts.conflict(group.source_id, group.target_id)
        return {
            "batch_id": self.batch.id, "conflict_id": conflict, "status": CandidateStatus.PENDING,
            "group_key": key, "date": e.date, "cameo_code": e.code, "code_known": c.known,
            "plover_event": e.plover_event, "type": c.type, "track": c.track, "official_level": c.official_level,
            "scope": c.scope, "form": c.form, "purpose": c.purpose, "incentive": c.incentive,
            "goldstein": c.goldstein, "source_score": scores[0] if scores else None, "quad_class": c.quad_class,
            "title": coding.title(e.code, source_name, target_name, group.both),
            "source_text": _actor_text(e.source), "target_text": _actor_text(e.target),
            "source_key": mapping_key(e.source), "target_key": mapping_key(e.target),
            "source_party_id": group.source_id, "target_party_id": group.target_id,
            "both_directions": group.both, "report_count": len(group.events),
        }  # fmt: skip

    def _report(self, e: SourceEvent, candidate_id: int) -> dict[str, Any]:
        return {
            "candidate_id": candidate_id, "batch_id": self.batch.id, "dataset": self.dataset,
            "event_id": e.event_id, "line": e.line, "date": e.date,
            "source_text": e.source.text, "source_code": e.source.code or e.source.country,
            "source_sectors": ", ".join(e.source.sectors)[:500], "target_text": e.target.text,
            "target_code": e.target.code or e.target.country, "target_sectors": ", ".join(e.target.sectors)[:500],
            "cameo_code": e.code, "source_score": e.score, "story_id": e.story_id, "sentence": e.sentence,
            "publisher": e.publisher, "url": e.url, "text": e.text,
        }  # fmt: skip


def _actor_text(actor: Actor) -> str:
    if actor.country and actor.country.casefold() not in actor.text.casefold():
        return f"{actor.text} ({actor.country})"[:300] if actor.text else actor.country[:300]
    return actor.text or actor.code


def fail(session: Session, batch_id: int, message: str) -> None:
    """Leave no half batch: remove what a failed batch wrote, keep the batch marked failed."""
    session.rollback()
    session.execute(sa.delete(EventReport).where(EventReport.batch_id == batch_id))
    session.execute(sa.delete(Candidate).where(Candidate.batch_id == batch_id))
    batch = session.get(EventBatch, batch_id)
    if batch is not None:
        batch.status = "failed"
        batch.message = message[:2000]
        batch.candidates = 0
        batch.finished_at = utcnow()
    session.commit()


__all__ = ["CHUNK", "FormatError", "Stager", "fail"]
