"""The audit log: one entry per create, update or delete, written in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow, vocab_column
from tracker.models.user import User
from tracker.vocab import AuditAction


class AuditEntry(Base):
    """Who (``user``, or none for the seed and scripts) did ``action`` to which record, when.

    ``changes`` maps each changed field to ``[before, after]`` (JSON-safe values).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[AuditAction] = mapped_column(vocab_column(AuditAction, "action"))
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int] = mapped_column(sa.Integer)
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Which door the change came through when not a form: ``import``, ``seed``.
    origin: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User | None] = relationship(lazy="raise")
