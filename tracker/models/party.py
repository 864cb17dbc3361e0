"""Parties (states, de facto authorities, groups, IGOs, NGOs, persons) and recognitions."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from tracker.models.base import Base, TimestampMixin, VersionedMixin, precision_column, utcnow, vocab_column
from tracker.vocab import (
    RECOGNIZABLE_KINDS,
    RECOGNIZER_KINDS,
    DatePrecision,
    PartyKind,
    RecognitionKind,
    RecognitionStatus,
)


def _kinds_in(column: str, kinds: frozenset[PartyKind]) -> str:
    return f"{column} IN ({', '.join(repr(k.value) for k in sorted(kinds))})"


_RECOGNIZABLE = _kinds_in("kind", RECOGNIZABLE_KINDS)


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
        # What a recognition's (party, kind) references: a change of kind reaches its edges.
        sa.UniqueConstraint("id", "kind", name="uq_party_id_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    full_name: Mapped[str | None] = mapped_column(sa.String(300))
    kind: Mapped[PartyKind] = mapped_column(vocab_column(PartyKind, "kind"))
    recognition_status: Mapped[RecognitionStatus] = mapped_column(vocab_column(RecognitionStatus, "recognition_status"))
    country_code: Mapped[str | None] = mapped_column(sa.String(3))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<Party {self.name}>"


#: What an alias names: an actor's name (any case) or a country or actor code (ISO 3166, CAMEO).
ALIAS_KINDS = ("name", "code")


@lru_cache(maxsize=8192)
def alias_key(value: str) -> str:
    """How an alias is compared: case, accents' composition and spacing do not count."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


class PartyAlias(Base):
    """Another name or a code by which event data names a party (kept by analysts; the
    event intake matches actors through them)."""

    __tablename__ = "party_alias"
    __table_args__ = (
        sa.UniqueConstraint("kind", "key"),
        sa.CheckConstraint(f"kind IN {ALIAS_KINDS!r}", name="kind"),
        sa.CheckConstraint("value <> ''", name="value_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(4))
    value: Mapped[str] = mapped_column(sa.String(200))
    key: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    party: Mapped[Party] = relationship(lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.value} ({self.kind})"


class Recognition(TimestampMixin, VersionedMixin, Base):
    """A dated edge: ``recognizer`` stands towards ``recognized`` as ``status`` says.

    Rules kept: no party recognizes itself; ``until`` is not before ``since``; recognition is
    about statehood, so the recognized party is a state or a state-like authority and the
    recognizer a state, a state-like authority or an IGO. The database keeps the last rule
    through each end's kind, copied here and referenced with the party's id (a party whose
    kind changes carries its edges along, and the check refuses a kind they cannot have).
    """

    __tablename__ = "recognition"
    __table_args__ = (
        sa.CheckConstraint("recognizer_id <> recognized_id", name="not_self"),
        sa.CheckConstraint("until IS NULL OR until >= since", name="until_after_since"),
        sa.CheckConstraint(_kinds_in("recognizer_kind", RECOGNIZER_KINDS), name="recognizer_kind"),
        sa.CheckConstraint(_kinds_in("recognized_kind", RECOGNIZABLE_KINDS), name="recognized_kind"),
        sa.UniqueConstraint("recognizer_id", "recognized_id", "status", "since"),
        sa.ForeignKeyConstraint(
            ["recognizer_id", "recognizer_kind"], ["party.id", "party.kind"],
            name="fk_recognition_recognizer_party", onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recognized_id", "recognized_kind"], ["party.id", "party.kind"],
            name="fk_recognition_recognized_party", onupdate="CASCADE",
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    recognizer_id: Mapped[int] = mapped_column(index=True)
    recognized_id: Mapped[int] = mapped_column(index=True)
    recognizer_kind: Mapped[PartyKind] = mapped_column(vocab_column(PartyKind, "recognizer_kind_key"))
    recognized_kind: Mapped[PartyKind] = mapped_column(vocab_column(PartyKind, "recognized_kind_key"))
    status: Mapped[RecognitionKind] = mapped_column(vocab_column(RecognitionKind, "status"))
    since: Mapped[date] = mapped_column(sa.Date)
    until: Mapped[date | None] = mapped_column(sa.Date)
    since_precision: Mapped[DatePrecision] = precision_column("since")
    until_precision: Mapped[DatePrecision] = precision_column("until")
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))

    recognizer: Mapped[Party] = relationship(
        primaryjoin="Recognition.recognizer_id == Party.id", foreign_keys=[recognizer_id], lazy="raise"
    )
    recognized: Mapped[Party] = relationship(
        primaryjoin="Recognition.recognized_id == Party.id", foreign_keys=[recognized_id], lazy="raise"
    )


@event.listens_for(Recognition, "before_insert")
@event.listens_for(Recognition, "before_update")
def _copy_kinds(_mapper: Mapper, connection: sa.Connection, target: Recognition) -> None:
    """Each end's kind, as the party has it now (the foreign key insists on it)."""
    kinds = dict(
        connection.execute(
            sa.select(Party.id, Party.kind).where(Party.id.in_({target.recognizer_id, target.recognized_id}))
        ).all()
    )
    target.recognizer_kind = kinds.get(target.recognizer_id, target.recognizer_kind)
    target.recognized_kind = kinds.get(target.recognized_id, target.recognized_kind)
