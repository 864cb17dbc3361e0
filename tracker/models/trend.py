"""An analyst's reading of a month on a conflict's escalation index."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, TimestampMixin, VersionedMixin, vocab_column
from tracker.vocab import Trend

if TYPE_CHECKING:
    from tracker.models.user import User


class TrendOverride(TimestampMixin, VersionedMixin, Base):
    """``trend`` replaces the computed trend of ``month`` (its first day) in ``conflict``:
    the analyst who set it (``set_by``, at ``updated_at``) owns it, as CrisisWatch's monthly
    arrows. One per conflict and month."""

    __tablename__ = "trend_override"
    __table_args__ = (sa.UniqueConstraint("conflict_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"), index=True)
    month: Mapped[date] = mapped_column(sa.Date)
    trend: Mapped[Trend] = mapped_column(vocab_column(Trend, "trend"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    set_by: Mapped[User | None] = relationship(lazy="raise")
