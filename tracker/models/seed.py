"""Which records the seed wrote: the examples belong to their users once loaded."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class SeedRecord(Base):
    """The seed example named ``key`` (of ``record_type``) was loaded as record ``record_id``.

    The mark outlives the record: an example its users deleted stays deleted, because the seed
    finds its mark and no record. ``key`` is the example's name in ``seed/`` (a party's name, a
    conflict's slug, an activity's ``ref``...), see :mod:`tracker.seeding.apply`.
    """

    __tablename__ = "seed_record"
    __table_args__ = (sa.UniqueConstraint("record_type", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(700))
    record_id: Mapped[int] = mapped_column(sa.Integer)
    seeded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
