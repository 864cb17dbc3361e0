"""Personal API tokens: created (the secret shown once), listed, revoked, and looked up by
the secret a request sends (``Authorization: Bearer …``). Only a SHA-256 digest is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import rules
from tracker.models import ApiToken, User

PREFIX = "trk_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: object, *, read_only: bool = False) -> tuple[ApiToken, str]:
    """A new token of ``user`` named ``name``; returns it and its secret (never stored)."""
    try:
        clean = rules.text(name, "token_name", required=True)
    except rules.FieldError:
        raise
    except rules.RuleError as error:
        raise rules.FieldError("name", str(error)) from None
    same = sa.func.lower(ApiToken.name) == clean.lower()
    if session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == user.id, same)):
        raise rules.FieldError("name", f"you already have a token named “{clean}”")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=clean, prefix=secret[:10], digest=_digest(secret), read_only=read_only)
    session.add(token)
    session.flush()
    return token, secret


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too, marked)."""
    return list(
        session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc()))
    )


def revoke(session: Session, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        session.flush()


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The live token whose secret this is, with its active owner loaded; ``None`` otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.scalars(
        sa.select(ApiToken).where(ApiToken.digest == _digest(secret)).options(selectinload(ApiToken.user))
    ).one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = datetime.now(UTC)
    last = token.last_used_at
    if last is None or now - (last if last.tzinfo else last.replace(tzinfo=UTC)) > timedelta(minutes=5):
        try:  # noted at the start of the request, in a transaction of its own; a busy database
            session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
            session.commit()  # only delays the note to a later request
        except sa.exc.OperationalError:
            session.rollback()
    return token
