"""Commands for the terminal: ``seed`` and ``create-user`` (``db`` lives in ``migrate``)."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from tracker.extensions import db
from tracker.models import User
from tracker.rules import RuleError
from tracker.seeding import DEFAULT_SEED_DIR, SeedError, load_seed
from tracker.users import create_user
from tracker.vocab import UserRole


@click.command("seed")
@click.option(
    "--path",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_SEED_DIR,
    show_default=True,
    help="Folder with parties.yaml and conflicts/*.yaml.",
)
def seed_command(directory: Path) -> None:
    """Load the example conflicts; a second run adds and changes nothing."""
    try:
        counts = load_seed(db.session, directory)
    except SeedError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(
            f"the seed was refused ({len(error.problems)} problems); nothing was written"
        ) from None
    if not counts:
        click.echo("Seed already loaded: nothing to add or change.")
    for what, n in sorted(counts.items()):
        click.echo(f"{what}: {n}")


@click.command("create-user")
@click.option("--email", required=True, help="The address the user signs in with.")
@click.option(
    "--role",
    type=click.Choice(UserRole.keys()),
    default=UserRole.ANALYST.value,
    show_default=True,
    help="viewer reads and exports; analyst also edits; admin also deletes and manages users.",
)
@click.option("--name", default="", help="Display name.")
@click.password_option(
    "--password",
    prompt=True,
    confirmation_prompt=True,
    hide_input=True,
    help="Prompted for (never echoed) when not given.",
)
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a user account."""
    try:
        user = create_user(
            db.session, email=email, role=UserRole(role), password=password, name=name
        )
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("first-admin")
@click.option("--email", default="admin@example.org", show_default=True)
def first_admin_command(email: str) -> None:
    """On a database with no users, create an admin with a random password and print it."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("Users exist already: sign in with your account (an admin adds more under Users).")
        return
    password = secrets.token_urlsafe(12)
    create_user(db.session, email=email, role=UserRole.ADMIN, password=password, name="First admin")
    db.session.commit()
    click.echo(f"Created the first admin. Sign in as {email} with the password {password}")
    click.echo("(shown once: note it, then add named accounts under Users).")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(first_admin_command)
