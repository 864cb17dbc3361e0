"""The search index: one document per conflict, party and activity, its text folded for the
databases' full-text engines (:mod:`tracker.search.index` keeps it in step)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

#: Names of the engine's own objects, created by the migrations and not by the models: on
#: SQLite the FTS5 table ``search_fts`` (with its shadow tables) and its triggers; on
#: PostgreSQL the GIN index over ``to_tsvector('simple', folded)``.
ENGINE_OBJECTS = ("search_fts", "ix_search_document_fts")


def made_by_the_models(name: str | None, _type: str | None = None, _parent: object = None) -> bool:
    """Alembic's ``include_name``: the engine's objects are the migrations' alone."""
    return not (name or "").startswith(ENGINE_OBJECTS)


class SearchDocument(Base):
    """What search reads for one record: ``title`` and ``body`` as written, ``folded`` the
    same words lower-cased, without accents or punctuation (``Sant'Egidio`` → ``sant egidio``)."""

    __tablename__ = "search_document"
    __table_args__ = (sa.UniqueConstraint("record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(20))
    record_id: Mapped[int] = mapped_column(sa.Integer)
    conflict_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conflict.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    folded: Mapped[str] = mapped_column(sa.Text, default="")
