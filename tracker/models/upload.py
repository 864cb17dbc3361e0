"""Uploaded files kept between an import's dry run and its confirmation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class PendingUpload(Base):
    """A checked file waiting for its confirmation, under a random token. It lives in the
    database, not on one app server's disk, so the confirmation may reach any server; it
    belongs to the user who uploaded it, for one purpose, and expires."""

    __tablename__ = "pending_upload"

    token: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: What the file is for: ``activities:<conflict id>`` or ``parties``.
    purpose: Mapped[str] = mapped_column(sa.String(60))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
