"""Parties (states, de facto authorities, groups, IGOs, NGOs, persons) and recognitions."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, TimestampMixin, VersionedMixin, precision_column, vocab_column
from tracker.vocab import DatePrecision, PartyKind, RecognitionKind, RecognitionStatus

_RECOGNIZABLE = "kind IN ('state', 'state_like')"


class Party(TimestampMixin, VersionedMixin, Base):
    """An actor in one or more conflicts.

    Rules kept: the name is unique; only states and state-like authorities carry a
    recognition status other than ``not_applicable``.
    """

    __tablename__ = "party"
    __table_args__ = (
        sa.CheckConstraint(
            f"{_RECOGNIZABLE} OR recognition_status = 'not_applicable'",
            name="status_only_for_states",
        ),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    full_name: Mapped[str | None] = mapped_column(sa.String(300))
    kind: Mapped[PartyKind] = mapped_column(vocab_column(PartyKind, "kind"))
    recognition_status: Mapped[RecognitionStatus] = mapped_column(
        vocab_column(RecognitionStatus, "recognition_status")
    )
    country_code: Mapped[str | None] = mapped_column(sa.String(3))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<Party {self.name}>"


class Recognition(TimestampMixin, VersionedMixin, Base):
    """A dated edge: ``recognizer`` stands towards ``recognized`` as ``status`` says.

    Rules kept: no party recognizes itself; ``until`` is not before ``since``.
    """

    __tablename__ = "recognition"
    __table_args__ = (
        sa.CheckConstraint("recognizer_id <> recognized_id", name="not_self"),
        sa.CheckConstraint("until IS NULL OR until >= since", name="until_after_since"),
        sa.UniqueConstraint("recognizer_id", "recognized_id", "status", "since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recognizer_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), index=True)
    recognized_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), index=True)
    status: Mapped[RecognitionKind] = mapped_column(vocab_column(RecognitionKind, "status"))
    since: Mapped[date] = mapped_column(sa.Date)
    until: Mapped[date | None] = mapped_column(sa.Date)
    since_precision: Mapped[DatePrecision] = precision_column("since")
    until_precision: Mapped[DatePrecision] = precision_column("until")
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))

    recognizer: Mapped[Party] = relationship(foreign_keys=[recognizer_id], lazy="raise")
    recognized: Mapped[Party] = relationship(foreign_keys=[recognized_id], lazy="raise")

