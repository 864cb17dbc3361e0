"""Uploaded files kept between the dry run and the confirmation, under a random token.

They are kept in the database (``pending_upload``), so that the confirmation may reach any
app server behind the proxy; each belongs to the user who uploaded it and to one purpose
(an import into one conflict, or of parties), and expires after ``UPLOAD_TTL_SECONDS``.
Expired files are removed whenever another is kept.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tracker.models import PendingUpload

_TOKEN = re.compile(r"[0-9a-f]{32}")


def keep(session: Session, data: bytes, *, user_id: int, purpose: str, ttl_seconds: int | None = None) -> str:
    """Keep ``data`` for ``user_id`` and ``purpose`` (for ``ttl_seconds``, by default
    ``UPLOAD_TTL_SECONDS``); returns its token (the caller commits)."""
    now = datetime.now(UTC)
    session.execute(sa.delete(PendingUpload).where(PendingUpload.expires_at < now))
    token = secrets.token_hex(16)
    ttl = timedelta(seconds=ttl_seconds or int(current_app.config["UPLOAD_TTL_SECONDS"]))
    session.add(PendingUpload(token=token, user_id=user_id, purpose=purpose, data=data, expires_at=now + ttl))
    session.flush()
    return token


def _live(token: str, user_id: int, purpose: str) -> sa.Select[PendingUpload]:
    return sa.select(PendingUpload).where(
        PendingUpload.token == token,
        PendingUpload.user_id == user_id,
        PendingUpload.purpose == purpose,
        PendingUpload.expires_at >= datetime.now(UTC),
    )


def load(session: Session, token: str, *, user_id: int, purpose: str) -> bytes | None:
    """The kept file, or ``None`` for an unknown, malformed, expired or someone else's token."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    upload = session.scalars(_live(token, user_id, purpose)).one_or_none()
    return upload.data if upload is not None else None


def discard(session: Session, token: str) -> None:
    """Forget the file (in the import's own transaction: used once, or not at all)."""
    if _TOKEN.fullmatch(token or ""):
        session.execute(sa.delete(PendingUpload).where(PendingUpload.token == token))


def data_of(session: Session, token: str) -> bytes | None:
    """The kept file under ``token``, whoever kept it (a background job reading its batch's file)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    return session.scalar(sa.select(PendingUpload.data).where(PendingUpload.token == token))
