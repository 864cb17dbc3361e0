"""Activities: the dated entries of a conflict's timeline, their parties and sources."""

from __future__ import annotations

from datetime import date, datetime
from datetime import date as Day  # the class has a field named date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, VersionedMixin, precision_column, utcnow, vocab_column
from tracker.models.party import Party
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    DatePrecision,
    Effect,
    Form,
    Incentive,
    OfficialLevel,
    Purpose,
    Scope,
    Track,
)

if TYPE_CHECKING:
    from tracker.models.conflict import Conflict
    from tracker.models.user import User


def _type_code(context: Any) -> str | None:
    """An inserted activity's CAMEO code when none is given: its type's own."""
    kind = context.get_current_parameters().get("type")
    return ActivityType(kind).cameo if kind else None


class Activity(VersionedMixin, Base):
    """One diplomatic (or context) event on a conflict's timeline.

    ``date`` is the first day of the period its ``date_precision`` names (``1978`` is stored
    as 1978-01-01 with precision ``year``). Rules kept: every vocabulary column holds a
    codebook key; ``cameo_code`` is a CAMEO code (checked against the reference table by the
    rules; its Goldstein weight and quad class follow from it); ``end_date`` is not before ``date``; one activity per conflict, date, type
    and title (the duplicate key imports use).
    """

    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint('end_date IS NULL OR end_date >= "date"', name="end_after_start"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
        sa.CheckConstraint("length(cameo_code) BETWEEN 2 AND 4", name="cameo_code_length"),
        sa.UniqueConstraint("conflict_id", "date", "type", "title"),
        # Covers the timeline's order and every dashboard aggregate, date filters included
        # ("from" compares the end date): index-only scans.
        sa.Index(
            "ix_activity_conflict_date",
            "conflict_id",
            "date",
            "track",
            "type",
            "purpose",
            "effect",
            "official_level",
            "incentive",
            "end_date",
        ),
        # The date filters' bound: the activities that last, by end date (few have one), with
        # their start (activities.filters.earliest_start: an index-only range).
        sa.Index(
            "ix_activity_end_date",
            "end_date",
            "date",
            sqlite_where=sa.text("end_date IS NOT NULL"),
            postgresql_where=sa.text("end_date IS NOT NULL"),
        ),
        # A party's activities across conflicts, in date order (parties/queries.activities_of).
        sa.Index("ix_activity_date_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(sa.Date)
    date_precision: Mapped[DatePrecision] = mapped_column(vocab_column(DatePrecision, "date_precision"))
    end_date: Mapped[Day | None] = mapped_column(sa.Date)
    end_date_precision: Mapped[DatePrecision] = precision_column("end_date")
    type: Mapped[ActivityType] = mapped_column(vocab_column(ActivityType, "type"))
    #: The CAMEO event code: the type's own by default, or a finer one (``tracker.cameo``).
    cameo_code: Mapped[str] = mapped_column(sa.String(4), default=lambda context: _type_code(context))
    track: Mapped[Track] = mapped_column(vocab_column(Track, "track"))
    scope: Mapped[Scope] = mapped_column(vocab_column(Scope, "scope"))
    official_level: Mapped[OfficialLevel] = mapped_column(vocab_column(OfficialLevel, "official_level"))
    form: Mapped[Form] = mapped_column(vocab_column(Form, "form"))
    purpose: Mapped[Purpose] = mapped_column(vocab_column(Purpose, "purpose"))
    effect: Mapped[Effect] = mapped_column(vocab_column(Effect, "effect"))
    incentive: Mapped[Incentive | None] = mapped_column(vocab_column(Incentive, "incentive"))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )

    conflict: Mapped[Conflict] = relationship(back_populates="activities", lazy="raise")
    recorded_by: Mapped[User | None] = relationship(lazy="raise")
    parties: Mapped[list[ActivityParty]] = relationship(
        back_populates="activity",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ActivityParty.position",
    )
    sources: Mapped[list[Source]] = relationship(
        back_populates="activity",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Source.position",
    )

    @property
    def party_links(self) -> list[str]:
        """``"Name (role)"`` for each involved party (for the audit trail)."""
        return [party_link_text(link.party.name, link.role.value) for link in self.parties]

    @property
    def source_list(self) -> list[str]:
        """Each source as ``citation <url>`` (for the audit trail)."""
        return [source_text(s.citation, s.url) for s in self.sources]


def party_link_text(name: str, role: str) -> str:
    """A party link as the audit trail records it (also for rows written in bulk)."""
    return f"{name} ({role})"


def source_text(citation: str, url: str | None) -> str:
    """A source as the audit trail records it: ``citation <url>``."""
    return " ".join(x for x in (citation, f"<{url}>" if url else "") if x)


class ActivityParty(Base):
    """A party involved in an activity, with its role in that activity."""

    __tablename__ = "activity_party"

    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), primary_key=True, index=True)
    role: Mapped[ActivityPartyRole] = mapped_column(vocab_column(ActivityPartyRole, "role"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    activity: Mapped[Activity] = relationship(back_populates="parties", lazy="raise")
    party: Mapped[Party] = relationship(lazy="raise")


class Source(Base):
    """A published reference for an activity: a citation, a URL, or both."""

    __tablename__ = "source"
    __table_args__ = (sa.CheckConstraint("citation <> '' OR url IS NOT NULL", name="citation_or_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    citation: Mapped[str] = mapped_column(sa.String(1000), default="")
    url: Mapped[str | None] = mapped_column(sa.String(2000))

    activity: Mapped[Activity] = relationship(back_populates="sources", lazy="raise")
