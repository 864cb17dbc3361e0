"""A party's role in a conflict: direct party, supporter or third party, over time."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, TimestampMixin, VersionedMixin, precision_column, vocab_column
from tracker.models.party import Party
from tracker.vocab import Capacity, DatePrecision, Leverage, Motive, Role, Side, SupportKind

if TYPE_CHECKING:
    from tracker.models.conflict import Conflict


class Participation(TimestampMixin, VersionedMixin, Base):
    """``party`` takes part in ``conflict`` as ``role`` from ``since`` until ``until``.

    Rules kept (in the database too): only a direct party has a side (``a`` or ``b``; it may
    be unset until an analyst sets it); a supporter names whom it supports, and only a
    supporter does; a third party has a capacity, and only a third party has a capacity or
    leverage; nobody supports itself; ``until`` is not before ``since``.
    """

    __tablename__ = "participation"
    __table_args__ = (
        sa.CheckConstraint("(role = 'supporter') = (supports_id IS NOT NULL)", name="supporter_supports"),
        sa.CheckConstraint("(role = 'third_party') = (capacity IS NOT NULL)", name="third_party_capacity"),
        sa.CheckConstraint("role = 'third_party' OR leverage IS NULL", name="leverage_only_third_party"),
        sa.CheckConstraint("supports_id IS NULL OR supports_id <> party_id", name="not_supporting_self"),
        sa.CheckConstraint("until IS NULL OR since IS NULL OR until >= since", name="until_after_since"),
        sa.CheckConstraint("role = 'primary' OR side IS NULL", name="side_only_primary"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), index=True)
    role: Mapped[Role] = mapped_column(vocab_column(Role, "role"))
    side: Mapped[Side | None] = mapped_column(vocab_column(Side, "side"))
    supports_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id"), index=True)
    capacity: Mapped[Capacity | None] = mapped_column(vocab_column(Capacity, "capacity"))
    leverage: Mapped[Leverage | None] = mapped_column(vocab_column(Leverage, "leverage"))
    since: Mapped[date | None] = mapped_column(sa.Date)
    until: Mapped[date | None] = mapped_column(sa.Date)
    since_precision: Mapped[DatePrecision] = precision_column("since")
    until_precision: Mapped[DatePrecision] = precision_column("until")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    conflict: Mapped[Conflict] = relationship(back_populates="participations", lazy="raise")
    party: Mapped[Party] = relationship(foreign_keys=[party_id], lazy="raise")
    supports: Mapped[Party | None] = relationship(foreign_keys=[supports_id], lazy="raise")
    support_kind_rows: Mapped[list[ParticipationSupportKind]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="ParticipationSupportKind.kind"
    )
    motive_rows: Mapped[list[ParticipationMotive]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="ParticipationMotive.motive"
    )

    @property
    def support_kinds(self) -> list[SupportKind]:
        """The kinds of support, in codebook order (needs ``support_kind_rows`` loaded)."""
        have = {row.kind for row in self.support_kind_rows}
        return [k for k in SupportKind if k in have]

    @support_kinds.setter
    def support_kinds(self, kinds: list[SupportKind]) -> None:
        wanted = set(kinds)
        self.support_kind_rows = [r for r in self.support_kind_rows if r.kind in wanted] + [
            ParticipationSupportKind(kind=k)
            for k in SupportKind
            if k in wanted and k not in {r.kind for r in self.support_kind_rows}
        ]

    @property
    def motives(self) -> list[Motive]:
        """The third party's motives, in codebook order (needs ``motive_rows`` loaded)."""
        have = {row.motive for row in self.motive_rows}
        return [m for m in Motive if m in have]

    @motives.setter
    def motives(self, motives: list[Motive]) -> None:
        wanted = set(motives)
        self.motive_rows = [r for r in self.motive_rows if r.motive in wanted] + [
            ParticipationMotive(motive=m)
            for m in Motive
            if m in wanted and m not in {r.motive for r in self.motive_rows}
        ]


class ParticipationSupportKind(Base):
    """One kind of support (military, political, financial) a supporter gives."""

    __tablename__ = "participation_support_kind"

    participation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participation.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[SupportKind] = mapped_column(vocab_column(SupportKind, "kind"), primary_key=True)


class ParticipationMotive(Base):
    """One motive a third party has for intervening."""

    __tablename__ = "participation_motive"

    participation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participation.id", ondelete="CASCADE"), primary_key=True
    )
    motive: Mapped[Motive] = mapped_column(vocab_column(Motive, "motive"), primary_key=True)
