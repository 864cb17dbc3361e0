"""User accounts: the only writer of users (audited through ``saving``; the caller commits).
Passwords are hashed with scrypt; changing one ends the user's other sessions."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import rules, saving, throttle
from tracker.inputs.records import UserInput
from tracker.models import User
from tracker.rules import FieldError


def create_user(session: Session, data: UserInput, *, password: str, temporary: bool = False) -> User:
    """A new account with a scrypt-hashed password (``temporary``: to change at sign-in)."""
    data = data.checked()
    rules.password(password)
    if session.scalar(sa.select(User.id).where(User.email == data.email)) is not None:
        raise FieldError("email", f"a user with the e-mail {data.email} already exists")
    user = User(**data.columns(), password_hash="", session_epoch=0)
    _set_password(user, password, temporary=temporary)
    user.session_epoch = 0
    return saving.create(session, user)


def update_user(session: Session, user: User, data: UserInput, *, by: User | None) -> User:
    """Change a user's name, role or status; deactivating ends their sessions. No admin removes
    their own admin rights or deactivates themselves (``by``: who makes the change)."""
    data = data.checked()
    if by is not None and user.id == by.id:
        if data.role != user.role:
            raise FieldError("role", "you cannot remove your own admin rights; ask another admin")
        if not data.active:
            raise FieldError("active", "you cannot deactivate yourself; ask another admin")
    if data.email != user.email and session.scalar(
        sa.select(User.id).where(User.email == data.email, User.id != user.id)
    ):
        raise FieldError("email", f"a user with the e-mail {data.email} already exists")

    def apply(target: User) -> None:
        if target.active and not data.active:
            target.session_epoch += 1
        for name, value in data.columns().items():
            setattr(target, name, value)

    return saving.update(session, user, apply, version=None)


def change_password(session: Session, user: User, password: str, *, temporary: bool = False) -> User:
    """A new password for ``user``; every session of theirs ends (the epoch moves on). A
    ``temporary`` one must be changed at the next sign-in, and reactivates the account."""
    rules.password(password)

    def apply(target: User) -> None:
        _set_password(target, password, temporary=temporary)
        if temporary:
            target.active = True

    changed = saving.update(session, user, apply, version=None)
    throttle.forget_failures(user.email)  # a reset lifts the throttle on the account
    return changed


def _set_password(user: User, password: str, *, temporary: bool) -> None:
    user.password_hash = generate_password_hash(password)
    user.must_change_password = temporary
    user.password_changed_at = datetime.now(UTC)
    user.session_epoch = (user.session_epoch or 0) + 1


def temporary_password() -> str:
    """A random password to hand over once (16 characters)."""
    return secrets.token_urlsafe(12)


@cache
def _nobody() -> str:
    """A hash checked when no user matches, so that an unknown e-mail costs what a wrong
    password does (made with the same method and cost as the users' own)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def verify_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's (``False`` for no user, after the same work)."""
    if user is None:
        check_password_hash(_nobody(), password)
        return False
    return check_password_hash(user.password_hash, password)
