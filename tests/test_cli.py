"""The create-user command: prompts without echo, refuses bad input."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import User
from tracker.users import verify_password


def test_create_user_prompts_for_the_password_without_echo(runner, session: Session) -> None:
    result = runner.invoke(
        args=["create-user", "--email", "Ana@Example.org", "--role", "admin"],
        input="correct horse battery\ncorrect horse battery\n",
    )
    assert result.exit_code == 0, result.output
    assert "correct horse battery" not in result.output
    assert "Created admin ana@example.org" in result.output
    user = session.scalars(sa.select(User)).one()
    assert user.role == "admin"
    assert user.password_hash.startswith("scrypt:")
    assert verify_password(user, "correct horse battery")


def test_create_user_refuses_duplicates_short_passwords_and_bad_roles(runner, session: Session) -> None:
    ok = runner.invoke(args=["create-user", "--email", "a@example.org", "--password", "long enough pw"])
    assert ok.exit_code == 0, ok.output
    dup = runner.invoke(args=["create-user", "--email", "A@example.org", "--password", "long enough pw"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    short = runner.invoke(args=["create-user", "--email", "b@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    role = runner.invoke(
        args=["create-user", "--email", "c@example.org", "--role", "god", "--password", "long enough pw"]
    )
    assert role.exit_code != 0 and "god" in role.output
    bad = runner.invoke(args=["create-user", "--email", "not-an-address", "--password", "long enough pw"])
    assert bad.exit_code != 0 and "is not an e-mail address" in bad.output
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_first_admin_is_created_once_with_a_printed_password(runner, session: Session) -> None:
    first = runner.invoke(args=["first-admin"])
    assert first.exit_code == 0, first.output
    password = first.output.split("with the password ")[1].split()[0]
    admin = session.scalars(sa.select(User)).one()
    assert admin.role == "admin" and verify_password(admin, password)
    assert admin.must_change_password  # the printed password is replaced at the first sign-in
    second = runner.invoke(args=["first-admin"])
    assert "Users exist already" in second.output
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
