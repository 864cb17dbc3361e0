"""Conflicts and their life-cycle phase history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, TimestampMixin, VersionedMixin, precision_column, vocab_column
from tracker.vocab import ConflictType, DatePrecision, Phase

if TYPE_CHECKING:
    from tracker.models.activity import Activity
    from tracker.models.participation import Participation


class Conflict(TimestampMixin, VersionedMixin, Base):
    """An international conflict: the case file everything else hangs from.

    Rules kept: slug and name are unique; ``type`` is a codebook key; the end date, when
    given, is not before the start date. The current phase is the latest ``PhaseChange``.
    """

    __tablename__ = "conflict"
    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    type: Mapped[ConflictType] = mapped_column(vocab_column(ConflictType, "type"))
    region: Mapped[str] = mapped_column(sa.String(120))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    start_date_precision: Mapped[DatePrecision] = precision_column("start_date")
    end_date_precision: Mapped[DatePrecision] = precision_column("end_date")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    ucdp_id: Mapped[str | None] = mapped_column(sa.String(40))
    acled_id: Mapped[str | None] = mapped_column(sa.String(40))
    pax_process: Mapped[str | None] = mapped_column(sa.String(120))

    phases: Mapped[list[PhaseChange]] = relationship(
        back_populates="conflict",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PhaseChange.since",
    )
    participations: Mapped[list[Participation]] = relationship(
        back_populates="conflict", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="conflict", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def current_phase(self) -> Phase | None:
        """The phase of the latest phase change (needs ``phases`` loaded)."""
        return self.phases[-1].phase if self.phases else None

    def __repr__(self) -> str:
        return f"<Conflict {self.slug}>"


class PhaseChange(VersionedMixin, Base):
    """The conflict entered ``phase`` on ``since``; one change per conflict and date."""

    __tablename__ = "phase_change"
    __table_args__ = (sa.UniqueConstraint("conflict_id", "since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"), index=True)
    phase: Mapped[Phase] = mapped_column(vocab_column(Phase, "phase"))
    since: Mapped[date] = mapped_column(sa.Date)
    since_precision: Mapped[DatePrecision] = precision_column("since")
    note: Mapped[str] = mapped_column(sa.Text, default="")

    conflict: Mapped[Conflict] = relationship(back_populates="phases", lazy="raise")
