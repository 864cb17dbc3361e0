"""Coded event data taken in: import batches, candidates for review, and the source events
(reports) each candidate stands for (codebook: "Event data taken in")."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow, vocab_column
from tracker.vocab import ActivityType, CandidateStatus, Form, Incentive, OfficialLevel, Purpose, Scope, Track

if TYPE_CHECKING:
    from tracker.models.conflict import Conflict
    from tracker.models.party import Party
    from tracker.models.user import User

#: A batch's life: waiting for a worker, being read, read, or stopped by an error.
BATCH_STATUSES = ("queued", "running", "done", "failed")
#: The datasets a source event comes from (its event id is unique within one).
DATASETS = ("icews", "gdelt", "plover")


class EventBatch(Base):
    """One file of coded events read into candidates: what it was, who brought it, how it went."""

    __tablename__ = "event_batch"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {BATCH_STATUSES!r}", name="status"),
        sa.CheckConstraint(f"dataset IS NULL OR dataset IN {DATASETS!r}", name="dataset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(300))
    #: The format read (``icews``, ``gdelt1``, ``gdelt2``, ``plover``), once recognized.
    format: Mapped[str | None] = mapped_column(sa.String(10))
    dataset: Mapped[str | None] = mapped_column(sa.String(10))
    #: The format the uploader named, or ``None`` to recognize it from the file.
    format_asked: Mapped[str | None] = mapped_column(sa.String(10))
    encoding: Mapped[str | None] = mapped_column(sa.String(20))
    conflict_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conflict.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The uploaded file while it waits for the job (``pending_upload``), or ``None`` (the CLI reads its path).
    upload_token: Mapped[str | None] = mapped_column(sa.String(32))
    lines_read: Mapped[int] = mapped_column(sa.Integer, default=0)
    events_read: Mapped[int] = mapped_column(sa.Integer, default=0)
    events_new: Mapped[int] = mapped_column(sa.Integer, default=0)
    events_known: Mapped[int] = mapped_column(sa.Integer, default=0)
    events_refused: Mapped[int] = mapped_column(sa.Integer, default=0)
    unknown_codes: Mapped[int] = mapped_column(sa.Integer, default=0)
    candidates: Mapped[int] = mapped_column(sa.Integer, default=0)
    #: The first problems met, each ``[line, column, message]`` (all are counted in ``events_refused``).
    problems: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: Why the batch failed, when it did.
    message: Mapped[str] = mapped_column(sa.Text, default="")

    conflict: Mapped[Conflict | None] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")


class Candidate(Base):
    """A proposed activity: one source event, or several merged (both directions of one
    exchange, repeated reports of one event). Nothing reaches a timeline without an analyst's
    decision; an accepted candidate links to the activity it became."""

    __tablename__ = "candidate"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "group_key"),
        sa.Index("ix_candidate_conflict_status_date", "conflict_id", "status", "date"),
        sa.Index("ix_candidate_status_date", "status", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Found through the unique (batch, group key) index.
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("event_batch.id", ondelete="CASCADE"))
    conflict_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conflict.id", ondelete="SET NULL"))
    status: Mapped[CandidateStatus] = mapped_column(
        vocab_column(CandidateStatus, "candidate_status"), default=CandidateStatus.PENDING
    )
    #: What merges reports into this candidate: the day, the pair of actors, the code.
    group_key: Mapped[str] = mapped_column(sa.String(400))
    date: Mapped[date] = mapped_column(sa.Date)
    #: The source's CAMEO code as given (leading zeros kept); ``code_known`` is false for a code
    #: the reference table does not have (kept and flagged: the analyst chooses the type).
    cameo_code: Mapped[str] = mapped_column(sa.String(8))
    code_known: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    #: The PLOVER category, for events coded in PLOVER.
    plover_event: Mapped[str | None] = mapped_column(sa.String(20))
    type: Mapped[ActivityType | None] = mapped_column(vocab_column(ActivityType, "candidate_type"))
    track: Mapped[Track] = mapped_column(vocab_column(Track, "candidate_track"))
    official_level: Mapped[OfficialLevel] = mapped_column(vocab_column(OfficialLevel, "candidate_official_level"))
    scope: Mapped[Scope] = mapped_column(vocab_column(Scope, "candidate_scope"))
    form: Mapped[Form] = mapped_column(vocab_column(Form, "candidate_form"))
    purpose: Mapped[Purpose] = mapped_column(vocab_column(Purpose, "candidate_purpose"))
    incentive: Mapped[Incentive | None] = mapped_column(vocab_column(Incentive, "candidate_incentive"))
    #: The Goldstein weight of the code in the tracker's table, and the source's own score.
    goldstein: Mapped[float | None] = mapped_column(sa.Float)
    source_score: Mapped[float | None] = mapped_column(sa.Float)
    quad_class: Mapped[str | None] = mapped_column(sa.String(1))
    title: Mapped[str] = mapped_column(sa.String(300))
    source_text: Mapped[str] = mapped_column(sa.String(300), default="")
    target_text: Mapped[str] = mapped_column(sa.String(300), default="")
    #: How each actor is matched to a party (``name:…`` or ``code:…``): what mapping it names.
    source_key: Mapped[str] = mapped_column(sa.String(210), default="")
    target_key: Mapped[str] = mapped_column(sa.String(210), default="")
    source_party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id", ondelete="SET NULL"))
    target_party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id", ondelete="SET NULL"))
    #: Both directions of one exchange were reported (A→B and B→A).
    both_directions: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    report_count: Mapped[int] = mapped_column(sa.Integer, default=1)
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    batch: Mapped[EventBatch] = relationship(lazy="raise")
    conflict: Mapped[Conflict | None] = relationship(lazy="raise")
    source_party: Mapped[Party | None] = relationship(foreign_keys=[source_party_id], lazy="raise")
    target_party: Mapped[Party | None] = relationship(foreign_keys=[target_party_id], lazy="raise")
    decided_by: Mapped[User | None] = relationship(lazy="raise")
    reports: Mapped[list[EventReport]] = relationship(
        back_populates="candidate", lazy="raise", order_by="EventReport.id", passive_deletes=True
    )


class EventReport(Base):
    """One source event as the dataset coded it: the provenance of a candidate."""

    __tablename__ = "event_report"
    __table_args__ = (sa.UniqueConstraint("dataset", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Its batch is its candidate's (removed with it).
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True)
    dataset: Mapped[str] = mapped_column(sa.String(10))
    event_id: Mapped[str] = mapped_column(sa.String(100))
    #: The line of the file it was read from.
    line: Mapped[int] = mapped_column(sa.Integer)
    date: Mapped[date] = mapped_column(sa.Date)
    source_text: Mapped[str] = mapped_column(sa.String(300), default="")
    source_code: Mapped[str] = mapped_column(sa.String(100), default="")
    source_sectors: Mapped[str] = mapped_column(sa.String(500), default="")
    target_text: Mapped[str] = mapped_column(sa.String(300), default="")
    target_code: Mapped[str] = mapped_column(sa.String(100), default="")
    target_sectors: Mapped[str] = mapped_column(sa.String(500), default="")
    cameo_code: Mapped[str] = mapped_column(sa.String(8))
    source_score: Mapped[float | None] = mapped_column(sa.Float)
    story_id: Mapped[str] = mapped_column(sa.String(100), default="")
    sentence: Mapped[str] = mapped_column(sa.String(20), default="")
    publisher: Mapped[str] = mapped_column(sa.String(300), default="")
    url: Mapped[str] = mapped_column(sa.String(2000), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")

    candidate: Mapped[Candidate] = relationship(back_populates="reports", lazy="raise")
