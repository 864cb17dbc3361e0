"""User accounts and their roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, TimestampMixin, vocab_column
from tracker.vocab import UserRole


class User(TimestampMixin, Base):
    """Someone who signs in. ``session_epoch`` changes to end every session of the user.

    Rules kept: the e-mail is unique (stored lower-case); the role is a codebook key.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[UserRole] = mapped_column(vocab_column(UserRole, "role"))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(sa.Integer, default=0)
    #: Set by an admin's reset (a temporary password): the user chooses a new one at sign-in.
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session key: id and epoch, so bumping the epoch ends every session."""
        return f"{self.id}:{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
