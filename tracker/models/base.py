"""Declarative base, naming convention and the column helpers every model shares."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from tracker.vocab import DatePrecision, Vocab

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base of every model. Relationships load explicitly: ``lazy="raise"`` unless stated."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def vocab_column(vocab: type[Vocab], name: str) -> sa.Enum:
    """A vocabulary stored as its key in a VARCHAR, with a CHECK constraint named ``name``.

    Non-native on every database, so adding a key is a plain CHECK change in a migration.
    """
    return sa.Enum(
        vocab,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(k) for k in vocab.keys()) if len(vocab) else 32,
        values_callable=lambda enum: [m.value for m in enum],
        validate_strings=True,
    )


class TimestampMixin:
    """``created_at``/``updated_at`` in UTC, set by the ORM."""

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


class VersionedMixin:
    """An integer version bumped on every UPDATE; a stale write raises ``StaleDataError``."""

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.version}


def precision_column(name: str) -> Mapped[DatePrecision]:
    """How precise the date in column ``name`` is: ``day``, ``month`` or ``year``.

    A date known to the month or year is stored as the first day of that period, or, for
    the end of a span (``end_date``, ``until``), as its last day: comparisons of dates and
    "as of" questions then need no precision, and pages show the date as it was given.
    """
    return mapped_column(
        vocab_column(DatePrecision, f"{name}_precision"),
        default=DatePrecision.DAY,
        server_default=DatePrecision.DAY.value,
    )
