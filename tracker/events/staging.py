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

from tracker.bulk import insert_many, reserve_ids
from tracker.events import coding
from tracker.events.formats import FORMATS, Actor, FormatError, Problem, SourceEvent, Stream, read
from tracker.events.matching import ActorIndex, ConflictIndex, mapping_key
from tracker.models import Candidate, EventBatch, EventReport
from tracker.models.base import utcnow
from tracker.vocab import CandidateStatus

CHUNK = 10_000
_CANDIDATES: sa.Table = Candidate.__table__  # type: ignore[assignment]  # a mapped class's table
_REPORTS: sa.Table = EventReport.__table__  # type: ignore[assignment]
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
        self._analyzed_at = 0

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
            self._analyze()
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

    def _analyze(self) -> None:
        """PostgreSQL: refresh the planner's statistics of the tables this import grows, each
        time they have grown fourfold (a table filled since the last autovacuum looks empty to
        the planner, which then scans it whole for every lookup of known events)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        written = self.batch.events_new
        if written >= max(CHUNK, 4 * self._analyzed_at):
            self.session.execute(sa.text("ANALYZE event_report (dataset, event_id), candidate (batch_id, group_key)"))
            self._analyzed_at = written

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
        dataset = self.dataset
        insert_many(
            self.session.connection(), _REPORTS, REPORT_COLUMNS,
            [_report(e, ids[key], dataset) for key, group in groups.items() for e in group.events],
        )  # fmt: skip

    def _known(self, event_ids: list[str]) -> set[str]:
        return set(_lookup(self.session, EventReport.event_id, EventReport.dataset == self.dataset, event_ids))

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
            _lookup(self.session, Candidate.group_key, Candidate.batch_id == self.batch.id, list(groups), Candidate.id)
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
        new = [key for key in groups if key not in existing]
        if new:
            conn = self.session.connection()
            ids = reserve_ids(conn, _CANDIDATES, len(new))
            rows = [self._candidate(cid, key, groups[key]) for key, cid in zip(new, ids, strict=True)]
            self.batch.candidates += len(rows)
            self.batch.unknown_codes += sum(1 for r in rows if not r[_KNOWN])
            insert_many(conn, _CANDIDATES, CANDIDATE_COLUMNS, rows)
            existing.update(zip(new, ids, strict=True))
        return existing

    def _candidate(self, cid: int, key: str, group: _Group) -> tuple[Any, ...]:
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
        return (
            cid, self.batch.id, conflict, _PENDING, key, e.date, e.code, c.known, e.plover_event, *c.keys,
            c.goldstein, scores[0] if scores else None, c.quad_class,
            coding.title(e.code, source_name, target_name, group.both), _actor_text(e.source), _actor_text(e.target),
            mapping_key(e.source), mapping_key(e.target), group.source_id, group.target_id, group.both,
            len(group.events),
        )  # fmt: skip


_PENDING = CandidateStatus.PENDING.value
#: The columns a new candidate is written with, in the order of :meth:`Stager._candidate`.
CANDIDATE_COLUMNS = (
    "id", "batch_id", "conflict_id", "status", "group_key", "date", "cameo_code", "code_known", "plover_event",
    *coding.Coding.KEY_COLUMNS, "goldstein", "source_score", "quad_class", "title", "source_text", "target_text",
    "source_key", "target_key", "source_party_id", "target_party_id", "both_directions", "report_count",
)  # fmt: skip
_KNOWN = CANDIDATE_COLUMNS.index("code_known")
REPORT_COLUMNS = (
    "candidate_id", "dataset", "event_id", "line", "date", "source_text", "source_code",
    "source_sectors", "target_text", "target_code", "target_sectors", "cameo_code", "source_score", "story_id",
    "sentence", "publisher", "url", "text",
)  # fmt: skip


def _report(e: SourceEvent, candidate_id: int, dataset: str) -> tuple[Any, ...]:
    """One source event as a row of ``event_report`` (:data:`REPORT_COLUMNS`)."""
    s, t = e.source, e.target
    return (
        candidate_id, dataset, e.event_id, e.line, e.date, s.text, s.code or s.country,
        ", ".join(s.sectors)[:500], t.text, t.code or t.country, ", ".join(t.sectors)[:500], e.code, e.score,
        e.story_id, e.sentence, e.publisher, e.url, e.text,
    )  # fmt: skip


def _lookup(session: Session, column: Any, where: Any, keys: list[str], *also: Any) -> Iterator[Any]:
    """The rows whose ``column`` is one of ``keys`` (and ``where``): ``column`` alone, or with
    ``also``. PostgreSQL takes the keys as one array; SQLite in fixed-size ``IN`` lists."""
    if not keys:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        stmt = sa.select(column, *also).where(where, column == sa.any_(sa.bindparam("keys", type_=ARRAY(sa.String))))
        result = session.execute(stmt, {"keys": keys})
        yield from (row if also else row[0] for row in result)
        return
    stmt = sa.select(column, *also).where(where, column.in_(sa.bindparam("keys", expanding=True)))
    for batch in _padded(keys):
        yield from (row if also else row[0] for row in session.execute(stmt, {"keys": batch}))


#: Keys asked for at a time in ``IN (…)``: always this many (the last batch padded), so that
#: the database prepares one statement, not one per length (SQLite keeps each it prepared).
IN_BATCH = 500


def _padded(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), IN_BATCH):
        batch = keys[start : start + IN_BATCH]
        yield batch + [batch[0]] * (IN_BATCH - len(batch))


def _actor_text(actor: Actor) -> str:
    if actor.country and actor.country.casefold() not in actor.text.casefold():
        return f"{actor.text} ({actor.country})"[:300] if actor.text else actor.country[:300]
    return actor.text or actor.code


def remove_rows(session: Session, batch_id: int) -> None:
    """Delete a batch's candidates and their reports (in bulk: a batch may hold a million)."""
    of_batch = sa.select(Candidate.id).where(Candidate.batch_id == batch_id)
    session.execute(sa.delete(EventReport).where(EventReport.candidate_id.in_(of_batch)))
    session.execute(sa.delete(Candidate).where(Candidate.batch_id == batch_id))


def fail(session: Session, batch_id: int, message: str) -> None:
    """Leave no half batch: remove what a failed batch wrote, keep the batch marked failed."""
    session.rollback()
    remove_rows(session, batch_id)
    batch = session.get(EventBatch, batch_id)
    if batch is not None:
        batch.status = "failed"
        batch.message = message[:2000]
        batch.candidates = 0
        batch.finished_at = utcnow()
    session.commit()


__all__ = ["CHUNK", "FormatError", "Stager", "fail"]
