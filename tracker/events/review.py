"""Deciding candidates: accept (through the activity service, as any door), reject, mark as a
duplicate; mapping an unmatched actor to a party; undoing a batch. The caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import saving
from tracker.activities import service as activities
from tracker.events import coding
from tracker.events.matching import ConflictIndex
from tracker.events.staging import remove_rows
from tracker.imports import uploads
from tracker.inputs.activity import ActivityInput, PartyLink, SourceRef
from tracker.inputs.records import ParticipationInput, RecognitionInput
from tracker.models import (
    Activity,
    ActivityParty,
    Candidate,
    Conflict,
    EventBatch,
    EventReport,
    Participation,
)
from tracker.models.base import utcnow
from tracker.models.party import alias_key
from tracker.participations.service import create_participation
from tracker.participations.service import load_for_edit as load_participation
from tracker.parties.service import add_alias, create_recognition
from tracker.rules import FieldError, RuleError
from tracker.vocab import (
    ActivityPartyRole,
    CandidateStatus,
    Capacity,
    DatePrecision,
    Effect,
    RecognitionKind,
    Role,
)

CANDIDATES = sa.table("candidate", sa.column("id"), sa.column("conflict_id"))
DATASET_NAMES = {"icews": "ICEWS", "gdelt": "GDELT", "plover": "PLOVER"}
MAX_SOURCES = 20


def load(session: Session, candidate_id: int) -> Candidate | None:
    """A candidate with what its review page shows."""
    found = load_many(session, [candidate_id])
    return found[0] if found else None


def load_many(session: Session, candidate_ids: Sequence[int]) -> list[Candidate]:
    """Candidates with what deciding and showing them reads, in one go (the queue's bulk
    decisions), in the order of ``candidate_ids``; an id of no candidate is left out."""
    rows = session.scalars(
        sa.select(Candidate)
        .where(Candidate.id.in_(list(candidate_ids)))
        .options(
            selectinload(Candidate.batch),
            selectinload(Candidate.conflict),
            selectinload(Candidate.source_party),
            selectinload(Candidate.target_party),
            selectinload(Candidate.reports),
            selectinload(Candidate.decided_by),
        )
    ).all()
    by_id = {c.id: c for c in rows}
    return [by_id[i] for i in dict.fromkeys(candidate_ids) if i in by_id]


def citation(report: EventReport) -> SourceRef:
    """A source citing the dataset, the event, the story and the publisher."""
    parts = [f"{DATASET_NAMES.get(report.dataset, report.dataset)} event {report.event_id}"]
    if report.story_id and report.story_id != report.url:
        parts.append(f"story {report.story_id}" + (f", sentence {report.sentence}" if report.sentence else ""))
    if report.publisher:
        parts.append(report.publisher)
    return SourceRef(citation=", ".join(parts)[:1000], url=report.url or None)


def proposal(candidate: Candidate) -> ActivityInput:
    """The activity a candidate proposes (loaded with :func:`load`): what "accept" records when
    the analyst changes nothing."""
    links: list[PartyLink] = []
    both = candidate.both_directions
    if candidate.source_party_id is not None:
        links.append(
            PartyLink(candidate.source_party_id, ActivityPartyRole.PARTICIPANT if both else ActivityPartyRole.INITIATOR)
        )
    if candidate.target_party_id is not None and candidate.target_party_id != candidate.source_party_id:
        links.append(
            PartyLink(candidate.target_party_id, ActivityPartyRole.PARTICIPANT if both else ActivityPartyRole.TARGET)
        )
    texts = list(dict.fromkeys(r.text for r in candidate.reports if r.text))[:3]
    count = candidate.report_count
    described = " ".join(texts)
    if count > 1:
        described = f"{described}\n\nReported {count} times{' (both directions)' if both else ''}.".strip()
    if candidate.type is None:
        raise FieldError("type", f"CAMEO code {candidate.cameo_code} is not in the reference table: choose the type")
    return ActivityInput(
        date=candidate.date, date_precision=DatePrecision.DAY, type=candidate.type, track=candidate.track,
        scope=candidate.scope, official_level=candidate.official_level, form=candidate.form,
        purpose=candidate.purpose, effect=Effect.UNKNOWN, incentive=candidate.incentive, title=candidate.title,
        description=described[:5000], parties=tuple(links),
        sources=tuple(dict.fromkeys(citation(r) for r in candidate.reports[:MAX_SOURCES])),
        cameo_code=candidate.cameo_code if candidate.code_known else None,
    )  # fmt: skip


def _decided(session: Session, candidate: Candidate, status: CandidateStatus, user_id: int | None) -> None:
    """Decide a pending candidate, or refuse: one conditional UPDATE, so of two analysts
    deciding it at once the second waits for the first and is refused (never two activities)."""
    if candidate.status != CandidateStatus.PENDING:
        raise RuleError(f"this candidate was already decided ({candidate.status.label.lower()})")
    claimed = session.execute(
        sa.update(Candidate)
        .where(Candidate.id == candidate.id, Candidate.status == CandidateStatus.PENDING)
        .values(status=status, decided_by_id=user_id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire(candidate, ["status", "decided_by_id", "decided_at"])
    if getattr(claimed, "rowcount", 0) != 1:
        raise RuleError("this candidate was decided by someone else a moment ago; nothing was recorded")


def _conflict(session: Session, candidate: Candidate) -> Conflict:
    if candidate.conflict_id is None:
        raise FieldError("conflict", "choose the conflict this event belongs to first")
    conflict = session.get(Conflict, candidate.conflict_id)
    assert conflict is not None
    return conflict


def accept(
    session: Session, candidate: Candidate, data: ActivityInput | None = None, *, user_id: int | None,
    add_missing_parties: bool = True, recognition: bool = False, third_party: bool = False,
    conflict_id: int | None = None,
) -> Activity:  # fmt: skip
    """Record the candidate (or the analyst's edit of it, ``data``) as an activity of its
    conflict (or of ``conflict_id``, chosen as it is accepted), through the activity service;
    and, when asked, what its code proposes besides."""
    if candidate.status != CandidateStatus.PENDING:
        raise RuleError(f"this candidate was already decided ({candidate.status.label.lower()})")
    if conflict_id is not None and conflict_id != candidate.conflict_id:
        set_conflict(session, candidate, conflict_id)
    conflict = _conflict(session, candidate)
    proposed = data or proposal(candidate)
    _decided(session, candidate, CandidateStatus.ACCEPTED, user_id)
    activity = activities.create_activity(
        session, conflict, proposed, recorded_by=user_id, add_missing_parties=add_missing_parties
    )
    candidate.activity_id = activity.id
    if recognition:
        _recognition(session, candidate)
    if third_party:
        _third_party(session, candidate, conflict)
    session.flush()
    return activity


def _recognition(session: Session, candidate: Candidate) -> None:
    if candidate.source_party_id is None or candidate.target_party_id is None:
        raise FieldError("recognition", "both actors must be matched to parties to record a recognition")
    create_recognition(
        session,
        RecognitionInput.parse({
            "recognizer": candidate.source_party_id, "recognized": candidate.target_party_id,
            "status": RecognitionKind.FULL.value, "since": candidate.date.isoformat(),
            "source": citation(candidate.reports[0]).citation if candidate.reports else "",
        }),
    )  # fmt: skip


def _third_party(session: Session, candidate: Candidate, conflict: Conflict) -> None:
    if candidate.source_party_id is None:
        raise FieldError("third_party", "the mediating actor must be matched to a party")
    existing = session.scalar(
        sa.select(Participation.id).where(
            Participation.conflict_id == conflict.id, Participation.party_id == candidate.source_party_id,
            Participation.role == Role.THIRD_PARTY, Participation.capacity != Capacity.OBSERVER,
        )
    )  # fmt: skip
    if existing is not None:
        return
    observer_id = session.scalar(
        sa.select(Participation.id).where(
            Participation.conflict_id == conflict.id, Participation.party_id == candidate.source_party_id,
            Participation.role == Role.THIRD_PARTY, Participation.capacity == Capacity.OBSERVER,
        )
    )  # fmt: skip
    if observer_id is not None:  # added as an observer by the activity just recorded: now a mediator
        observer = load_participation(session, observer_id)
        assert observer is not None
        saving.update_fields(session, observer, {"capacity": Capacity.MEDIATOR}, version=None)
        return
    create_participation(
        session, conflict.id,
        ParticipationInput.parse({"party": candidate.source_party_id, "role": Role.THIRD_PARTY.value,
                                  "capacity": Capacity.MEDIATOR.value, "since": candidate.date.isoformat(),
                                  "notes": "Proposed by an event (CAMEO 045, mediate) accepted from a feed."}),
    )  # fmt: skip


def accept_many(session: Session, candidates: Sequence[Candidate], *, user_id: int | None) -> list[Activity]:
    """Accept each as proposed; one that cannot be (no conflict, an unknown code, a duplicate)
    stops the lot with its reason, and nothing is recorded."""
    out = []
    for candidate in candidates:
        try:
            out.append(accept(session, candidate, user_id=user_id))
        except RuleError as error:
            raise RuleError(f"“{candidate.title}”: {error}") from None
    return out


def reject(session: Session, candidates: Sequence[Candidate], *, user_id: int | None) -> None:
    for candidate in candidates:
        _decided(session, candidate, CandidateStatus.REJECTED, user_id)
    session.flush()


def mark_duplicate(session: Session, candidate: Candidate, activity_id: int, *, user_id: int | None) -> None:
    """The candidate reports an activity already on the timeline."""
    activity = session.get(Activity, activity_id)
    if candidate.conflict_id is None:
        raise FieldError("conflict", "choose the conflict this event belongs to first")
    if activity is None or activity.conflict_id != candidate.conflict_id:
        raise FieldError("activity", "no such activity in this candidate's conflict")
    _decided(session, candidate, CandidateStatus.DUPLICATE, user_id)
    candidate.duplicate_of_id = activity_id
    session.flush()


def reopen(session: Session, candidate: Candidate) -> None:
    """A rejected or duplicate candidate back to pending (an accepted one has its activity)."""
    if candidate.status not in (CandidateStatus.REJECTED, CandidateStatus.DUPLICATE):
        raise RuleError("only a rejected or duplicate candidate can be reopened")
    candidate.status = CandidateStatus.PENDING
    candidate.duplicate_of_id = None
    candidate.decided_by_id = None
    candidate.decided_at = None
    session.flush()


def suggestions(session: Session, candidate: Candidate, days: int = 3, limit: int = 5) -> list[Activity]:
    """Activities the candidate may already be: its conflict's, within ``days`` of its date,
    those that share a party and the type first."""
    if candidate.conflict_id is None:
        return []
    parties = [p for p in (candidate.source_party_id, candidate.target_party_id) if p is not None]
    shares = (
        sa.exists().where(ActivityParty.activity_id == Activity.id, ActivityParty.party_id.in_(parties))
        if parties
        else sa.false()
    )
    return list(
        session.scalars(
            sa.select(Activity)
            .where(
                Activity.conflict_id == candidate.conflict_id,
                Activity.date.between(candidate.date - timedelta(days=days), candidate.date + timedelta(days=days)),
            )
            .order_by(
                sa.case((shares, 0), else_=1),
                sa.case((Activity.type == candidate.type, 0), else_=1),
                Activity.date,
                Activity.id,
            )
            .limit(limit)
        )
    )


def set_conflict(session: Session, candidate: Candidate, conflict_id: int | None) -> None:
    if candidate.status != CandidateStatus.PENDING:
        raise RuleError("only a pending candidate moves to another conflict")
    if conflict_id is not None and session.get(Conflict, conflict_id) is None:
        raise FieldError("conflict", "no such conflict")
    candidate.conflict_id = conflict_id
    session.flush()


def map_actor(session: Session, key: str, party_id: int) -> tuple[int, str]:
    """Remember that the actor listed under ``key`` (``name:…`` or ``code:…``) is the party:
    an alias of the party (audited), and every pending candidate naming it matched again.
    Returns how many candidates it matched, and the alias as written."""
    kind, _, value = key.partition(":")
    if kind not in ("name", "code") or not value.strip():
        raise FieldError("actor", "no such actor")
    try:
        alias = add_alias(session, party_id, kind, (_shown_value(session, key) or value)[:200], again_ok=True)
    except FieldError as error:
        raise FieldError("party", str(error)) from None
    return rematch(session, key, party_id), alias.value


def _shown_value(session: Session, key: str) -> str | None:
    """The actor's own spelling, as a report has it (the key is case-folded)."""
    kind, _, value = key.partition(":")
    if kind == "code":
        return value.upper()
    rows = session.execute(
        sa.select(EventReport.source_code, EventReport.source_text, EventReport.target_code, EventReport.target_text)
        .join(Candidate, Candidate.id == EventReport.candidate_id)
        .where(sa.or_(Candidate.source_key == key, Candidate.target_key == key))
        .limit(20)
    )
    for row in rows:
        for text in row:
            if text and alias_key(text) == value:
                return str(text)
    return None


def rematch(session: Session, key: str, party_id: int) -> int:
    """Match the pending candidates whose actor is listed under ``key``; give those with both
    parties known the conflict the pair is in (unless their batch chose one)."""
    pending = Candidate.status == CandidateStatus.PENDING
    matched = 0
    for side, column in (("source", Candidate.source_party_id), ("target", Candidate.target_party_id)):
        key_column = Candidate.source_key if side == "source" else Candidate.target_key
        result = session.execute(
            sa.update(Candidate).where(pending, key_column == key, column.is_(None)).values({column: party_id}),
            execution_options={"synchronize_session": False},
        )
        matched += getattr(result, "rowcount", 0) or 0
    conflicts = ConflictIndex(session)
    rows = session.execute(
        sa.select(Candidate.id, Candidate.source_party_id, Candidate.target_party_id)
        .join(EventBatch)
        .where(
            pending, Candidate.conflict_id.is_(None), EventBatch.conflict_id.is_(None),
            sa.or_(Candidate.source_key == key, Candidate.target_key == key),
        )
    ).all()  # fmt: skip
    updates = [{"cid": cid, "conflict": found} for cid, a, b in rows if (found := conflicts.conflict(a, b)) is not None]
    if updates:
        session.execute(
            sa.update(CANDIDATES)
            .where(CANDIDATES.c.id == sa.bindparam("cid"))
            .values(conflict_id=sa.bindparam("conflict")),
            updates,
        )
    for obj in list(session.identity_map.values()):  # the rows changed under the loaded candidates
        if isinstance(obj, Candidate):
            session.expire(obj)
    session.flush()
    return matched


def unmatched_actors(
    session: Session, batch_id: int | None = None, keys: Sequence[str] | None = None
) -> list[tuple[str, str, int]]:
    """The actors no party matches in pending candidates (of a batch, or under ``keys``):
    ``(key, how reports name it, candidates)``, the most frequent first. A key that covers
    several names (a country code) shows the first and the last of them, and how many."""
    out: dict[str, list[Any]] = {}
    for key_column, party_column, text_column in (
        (Candidate.source_key, Candidate.source_party_id, Candidate.source_text),
        (Candidate.target_key, Candidate.target_party_id, Candidate.target_text),
    ):
        stmt = (
            sa.select(key_column, sa.func.min(text_column), sa.func.max(text_column),
                      sa.func.count(sa.distinct(text_column)), sa.func.count())
            .where(party_column.is_(None), key_column != "", Candidate.status == CandidateStatus.PENDING)
            .group_by(key_column)
        )  # fmt: skip
        if batch_id is not None:
            stmt = stmt.where(Candidate.batch_id == batch_id)
        if keys is not None:
            stmt = stmt.where(key_column.in_(list(keys)))
        for key, first, last, names, n in session.execute(stmt):
            entry = out.setdefault(key, [key, {first, last}, 0, 0])
            entry[1] |= {first, last}
            entry[2] = max(entry[2], int(names))
            entry[3] += int(n)
    rows = []
    for key, texts, names, n in sorted(out.values(), key=lambda x: (-x[3], x[0])):
        shown = " … ".join(sorted(t for t in texts if t))
        rows.append((str(key), f"{shown} ({names} names)" if names > 2 else shown, int(n)))
    return rows


def undo(session: Session, batch: EventBatch) -> None:
    """Remove a batch whole, with its candidates and reports, while none became an activity."""
    accepted = session.scalar(
        sa.select(sa.func.count())
        .select_from(Candidate)
        .where(Candidate.batch_id == batch.id, Candidate.status == CandidateStatus.ACCEPTED)
    )
    if accepted:
        raise RuleError(
            f"{accepted} of this batch's candidates became activities; a batch is undone only while none has"
        )
    if batch.status in ("queued", "running"):
        raise RuleError("this batch is still being read; undo it once it is done or failed")
    remove_rows(session, batch.id)
    if batch.upload_token:
        uploads.discard(session, batch.upload_token)
    session.delete(batch)
    session.flush()


def proposals_of(candidate: Candidate) -> list[str]:
    """What the candidate's code proposes besides an activity (see :func:`coding.proposals`)."""
    return coding.proposals(candidate.cameo_code)
