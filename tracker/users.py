"""User accounts: creation and password checks (the rules live here, not in forms)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.models import User
from tracker.rules import RuleError
from tracker.vocab import UserRole

MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """Trimmed, lower-case, and shaped like an address; ``RuleError`` otherwise."""
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise RuleError(f"{email!r} is not an e-mail address")
    return email


def check_password(password: str) -> str:
    """A password long enough to resist guessing."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise RuleError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def create_user(
    session: Session, *, email: str, role: UserRole, password: str, name: str = ""
) -> User:
    """Add a user with a scrypt-hashed password; the caller commits."""
    email = normalize_email(email)
    check_password(password)
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise RuleError(f"a user with the e-mail {email} already exists")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=generate_password_hash(password),
        active=True,
        session_epoch=0,
    )
    session.add(user)
    return user


def set_password(user: User, password: str, *, temporary: bool = False) -> None:
    """A new password for ``user``; every session of theirs ends (the epoch moves on). A
    ``temporary`` one must be changed at the next sign-in. The caller audits and commits."""
    check_password(password)
    user.password_hash = generate_password_hash(password)
    user.must_change_password = temporary
    user.password_changed_at = datetime.now(UTC)
    user.session_epoch += 1


def temporary_password() -> str:
    """A random password to hand over once (16 characters)."""
    return secrets.token_urlsafe(12)


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's."""
    return check_password_hash(user.password_hash, password)
