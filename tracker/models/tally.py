"""Running counts of each conflict's activities per month, kept by database triggers.

The dashboards read these instead of grouping every activity when the filter allows it
(see :mod:`tracker.dashboards.tallies`, which owns the triggers that keep them). Nothing
in the application writes them: the triggers on ``activity`` and ``activity_party`` do,
in the same statement as the change, whatever wrote it (forms, imports, the seed, SQL).

``month`` is the first day of the month of the activity's ``date``; ``end_month`` that of
its end (its ``date`` when it has none), so a date filter selects the same activities here
as on the timeline. A count that falls to zero keeps its row: every reader sums ``n`` and
drops empty groups.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, vocab_column
from tracker.vocab import OfficialLevel, Track

#: What :class:`ActivityTally` counts each activity under: its track, type, purpose, effect,
#: incentive and CAMEO code (the dashboard's groupings; the code gives the escalation index).
TALLY_KINDS = ("track", "type", "purpose", "effect", "incentive", "cameo_code")


class ActivityTally(Base):
    """Activities per conflict, month, end month and track, counted once per ``kind``:
    ``key`` is the activity's track, type, purpose, effect or incentive (activities without
    an incentive are not counted under ``incentive``). ``track`` is in every row, so the
    track filter applies to every kind."""

    __tablename__ = "activity_tally"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in TALLY_KINDS)})", name="kind"),
        {"sqlite_with_rowid": False},  # rows stored in key order: a conflict's rows are read in one sweep
    )

    conflict_id: Mapped[int] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    end_month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    track: Mapped[Track] = mapped_column(vocab_column(Track, "track"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    n: Mapped[int] = mapped_column(sa.Integer)


class PartyTally(Base):
    """Involvements (activity–party links) per conflict, month, end month, track and party,
    with how many of them were at each official level (``n_<level>``)."""

    __tablename__ = "party_tally"
    __table_args__ = ({"sqlite_with_rowid": False},)

    conflict_id: Mapped[int] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    end_month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    track: Mapped[Track] = mapped_column(vocab_column(Track, "track"), primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id", ondelete="CASCADE"), primary_key=True)
    n: Mapped[int] = mapped_column(sa.Integer)
    n_head_of_state: Mapped[int] = mapped_column(sa.Integer)
    n_ministerial: Mapped[int] = mapped_column(sa.Integer)
    n_senior_official: Mapped[int] = mapped_column(sa.Integer)
    n_working_level: Mapped[int] = mapped_column(sa.Integer)
    n_unofficial: Mapped[int] = mapped_column(sa.Integer)

    @staticmethod
    def level_column(level: OfficialLevel) -> sa.orm.InstrumentedAttribute[int]:
        return getattr(PartyTally, f"n_{level.value}")


# One count column per official level, no more and no fewer.
assert {c.name for c in PartyTally.__table__.c if c.name.startswith("n_")} == {f"n_{lv.value}" for lv in OfficialLevel}
