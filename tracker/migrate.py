"""Schema migrations: Alembic, driven from the app (``flask --app tracker db ...``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from tracker import paths

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# Alembic (with Mako and Pygments) is imported only when a migration command runs, so a
# serving process does not carry it.


db_cli = AppGroup("db", help="Apply and write schema migrations (Alembic).")


def alembic_config(app: Flask | None = None) -> AlembicConfig:
    """An Alembic config for ``app`` (default: the current app), with its engine attached."""
    from alembic.config import Config as AlembicConfig

    app = app or current_app
    cfg = AlembicConfig(str(paths.top_level("alembic.ini")))
    cfg.set_main_option("script_location", app.config.get("MIGRATIONS_DIR", str(paths.top_level("migrations"))))
    cfg.attributes["engine"] = app.extensions["sqlalchemy"].engine
    return cfg


def upgrade(app: Flask | None = None, revision: str = "head") -> None:
    """Bring the database to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask | None = None, revision: str = "base") -> None:
    """Take the database back to ``revision``."""
    from alembic import command

    command.downgrade(alembic_config(app), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    upgrade(revision=revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade_command(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back)."""
    downgrade(revision=revision)
    click.echo(f"Database downgraded to {revision}.")


@db_cli.command("current")
def current_command() -> None:
    """Show the revision the database is at."""
    from alembic import command

    command.current(alembic_config(), verbose=False)


@db_cli.command("check")
def check_command() -> None:
    """Fail if the models differ from what the migrations build."""
    from alembic import command

    command.check(alembic_config())
    click.echo("Models and migrations agree.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--autogenerate/--empty", default=True, help="Compare models and database.")
def revision_command(message: str, autogenerate: bool) -> None:
    """Write a new revision file under migrations/versions."""
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


def init_app(app: Flask) -> None:
    """Register the ``db`` command group."""
    app.cli.add_command(db_cli)
