"""Commands for the terminal: ``seed``, ``create-user``, ``first-admin``, ``import-activities``,
``import-events``, ``worker``, ``data-dictionary``, ``tallies`` and ``backup`` (``db`` lives in ``migrate``)."""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from tracker import extensions
from tracker.events.formats import ASKED
from tracker.extensions import db
from tracker.inputs.records import UserInput
from tracker.models import Conflict, User
from tracker.rules import RuleError
from tracker.users import create_user
from tracker.vocab import PartyKind, UserRole


@click.command("seed")
@click.option(
    "--path",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder with parties.yaml and conflicts/*.yaml (default: the project's seed/).",
)
@click.option("--check", is_flag=True, help="Only validate the files and list every problem; write nothing.")
@click.option(
    "--update", is_flag=True,
    help="Also apply corrections from the files to the examples nobody has changed since they were loaded; "
    "list what is skipped and why.",
)  # fmt: skip
def seed_command(directory: Path | None, check: bool, update: bool) -> None:
    """Load the example conflicts once: examples never loaded are added; records loaded before
    are never changed (unless --update, and only those nobody changed) nor recreated when
    their users deleted them. Every write is in the history under the actor "seed"."""
    from tracker.seeding import DEFAULT_SEED_DIR, SeedError, load_seed, read_seed

    directory = directory or DEFAULT_SEED_DIR
    try:
        if check:
            data = read_seed(directory)
            activities = sum(len(cf.activities) for cf in data.conflicts)
            click.echo(
                f"The seed is valid: {len(data.conflicts)} conflicts, {len(data.parties)} parties, {activities} activities."
            )
            return
        report = load_seed(db.session, directory, update=update)
    except SeedError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(
            f"the seed was refused ({len(error.problems)} problems); nothing was written"
        ) from None
    if not report.counts and not report.refused:
        click.echo("Seed already loaded: nothing to add or change.")
    for what, n in sorted(report.counts.items()):
        click.echo(f"{what}: {n}")
    for what, why in report.refused:
        click.echo(f"refused: {what}: {why}")
    if update:
        for what, why in report.skipped:
            click.echo(f"skipped: {what}: {why}")
    elif report.skipped:
        click.echo(
            f"{len(report.skipped)} examples deleted or changed here were left as they are (seed --update lists them)."
        )


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
        user = create_user(db.session, UserInput.parse({"email": email, "role": role, "name": name}), password=password)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("import-activities")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--conflict", "slug", required=True, help="Slug of the conflict to import into.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--on-duplicate", type=click.Choice(["skip", "update"]), default="skip", show_default=True)
@click.option(
    "--create-parties",
    type=click.Choice(PartyKind.keys()),
    default=None,
    help="Create parties the tracker does not know, with this kind.",
)
@click.option("--add-missing-parties", is_flag=True, help="Give parties not yet in the conflict an observer role.")
def import_activities_command(file: Path, slug: str, dry_run: bool, on_duplicate: str, create_parties: str | None,
                              add_missing_parties: bool) -> None:  # fmt: skip
    """Import a conflict's activities from a CSV in the export's format (all or nothing)."""
    from tracker.imports import activities as activity_import

    conflict = db.session.scalars(sa.select(Conflict).where(Conflict.slug == slug)).one_or_none()
    if conflict is None:
        raise click.ClickException(f"no conflict has the slug {slug!r}")
    options = activity_import.Options(
        on_duplicate, PartyKind(create_parties) if create_parties else None, add_missing_parties
    )
    report = activity_import.plan(db.session, conflict, file.read_bytes(), options)
    if report.fatal:
        raise click.ClickException(report.fatal + " Nothing was written.")
    for problem in report.problems.listed:
        click.echo(f"error: {file.name}: {problem}", err=True)
    if report.problems.unlisted:
        click.echo(f"error: ... and {report.problems.unlisted} more", err=True)
    if not report.problems:
        for row in report.rows:
            differs = f" ({', '.join(row.changes)})" if row.changes else ""
            click.echo(f"line {row.line}: {row.action}: {row.title}{differs}")
    click.echo(f"{report.count('create')} to create, {report.count('update')} to update, {report.count('skip')} to skip, "
               f"{report.count('unchanged')} unchanged" + (f", {len(report.new_parties)} new parties" if report.new_parties else ""))  # fmt: skip
    if report.problems:
        raise click.ClickException(f"{report.problems.total} problems; nothing was written")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    try:
        counts = activity_import.apply(db.session, conflict, report, recorded_by=None)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}; nothing was written") from None
    click.echo(
        f"Imported: {counts['created']} created, {counts['updated']} updated, {counts['skipped']} skipped, "
        f"{counts['unchanged']} unchanged."
    )


@click.command("create-token")
@click.option("--email", required=True, help="The owner's address.")
@click.option("--name", required=True, help="What the token is for (unique among the owner's tokens).")
@click.option("--read-only", is_flag=True, help="The token reads only.")
def create_token_command(email: str, name: str, read_only: bool) -> None:
    """Create a personal API token and print it once (only its SHA-256 digest is kept)."""
    from tracker.api.tokens import create_token

    user = db.session.scalars(sa.select(User).where(User.email == email.strip().lower())).one_or_none()
    if user is None:
        raise click.ClickException(f"no account has the e-mail {email!r}")
    try:
        token, secret = create_token(db.session, user, name, read_only=read_only)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(secret)
    click.echo(
        f"(token “{token.name}” of {user.email}, {'read only' if read_only else 'read and write'}; shown once)",
        err=True,
    )


@click.command("reset-password")
@click.option("--email", required=True, help="The account's address.")
def reset_password_command(email: str) -> None:
    """Give an account (a lost first admin, say) a temporary password, printed once, to be
    changed at the next sign-in; every session of the account ends."""
    from tracker.users import change_password, temporary_password

    user = db.session.scalars(sa.select(User).where(User.email == email.strip().lower())).one_or_none()
    if user is None:
        raise click.ClickException(f"no account has the e-mail {email!r}")
    password = temporary_password()
    change_password(db.session, user, password, temporary=True)
    db.session.commit()
    click.echo(f"Temporary password for {user.email}: {password}")
    click.echo("(shown once; it must be changed at the next sign-in).")


@click.command("search")
@click.option("--rebuild", is_flag=True, help="Write every search document anew (after bulk changes in SQL).")
def search_command(rebuild: bool) -> None:
    """Check that every conflict, party and activity has its search document (or rebuild them)."""
    from tracker.models import Activity, Conflict, Party, SearchDocument
    from tracker.search import index

    if rebuild:
        n = index.rebuild(db.session.connection())
        db.session.commit()
        click.echo(f"Rebuilt {n} search documents.")
        return
    records = sum(
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0 for m in (Conflict, Party, Activity)
    )
    documents = db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) or 0
    if records != documents:
        raise click.ClickException(f"{records} records but {documents} search documents: run search --rebuild")
    click.echo(f"The search index holds the {documents} documents of the records.")


@click.command("first-admin")
@click.option("--email", default="admin@example.org", show_default=True)
def first_admin_command(email: str) -> None:
    """On a database with no users, create an admin with a random password and print it."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("Users exist already: sign in with your account (an admin adds more under Users).")
        return
    password = secrets.token_urlsafe(12)
    first = UserInput(email=email, role=UserRole.ADMIN, name="First admin")
    create_user(db.session, first, password=password, temporary=True)  # replaced at the first sign-in
    db.session.commit()
    click.echo(f"Created the first admin. Sign in as {email} with the password {password}")
    click.echo("(shown once; you choose your own password at the first sign-in, then add accounts under Users).")


@click.command("data-dictionary")
def data_dictionary_command() -> None:
    """Print the data dictionary as Markdown (docs/data-dictionary.md is its output)."""
    from tracker.exports.columns import markdown

    click.echo(markdown())


@click.command("tallies")
@click.option("--rebuild", is_flag=True, help="Recount the tallies from the activities.")
def tallies_command(rebuild: bool) -> None:
    """Check that the dashboard tallies equal a recount of the activities (exit status 1 if
    not); with --rebuild, recount them (after loading data with the triggers disabled, say)."""
    from tracker.dashboards import tallies

    with db.engine.begin() as conn:
        if rebuild:
            tallies.rebuild(conn)
            click.echo("Tallies recounted from the activities.")
        drift = tallies.drift(conn)
    for table, rows in drift.items():
        for key, (kept, recounted) in sorted(rows.items())[:20]:
            click.echo(f"{table} {key}: kept {kept}, recounted {recounted}")
    if any(drift.values()):
        raise click.ClickException(
            f"The tallies differ from the activities in {sum(map(len, drift.values()))} rows; run with --rebuild."
        )
    click.echo("The tallies match the activities.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the SQLite database to TARGET while the app keeps running (PostgreSQL: pg_dump)."""
    from tracker.backup import BackupError, backup_sqlite

    try:
        size = backup_sqlite(db.engine, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {target} ({size / 1024 / 1024:.1f} MB); checked whole.")


@click.command("import-events")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "asked", type=click.Choice(ASKED), default=None,
    help="The file's format (default: recognized from the file).",
)  # fmt: skip
@click.option("--conflict", "slug", default=None, help="Slug of the conflict every event belongs to (default: "
              "each event's conflict is matched by its pair of parties).")  # fmt: skip
def import_events_command(file: Path, asked: str | None, slug: str | None) -> None:
    """Take in a file of coded events (ICEWS, GDELT 1.0/2.0, PLOVER JSON; gzip accepted) as
    candidates for review. Events taken in before are skipped; nothing reaches a timeline
    until an analyst accepts it."""
    from tracker.events import jobs, report

    conflict_id = None
    if slug is not None:
        conflict_id = db.session.scalar(sa.select(Conflict.id).where(Conflict.slug == slug))
        if conflict_id is None:
            raise click.ClickException(f"no conflict with the slug {slug!r}")
    batch = jobs.new_batch(file.name, asked=asked, conflict_id=conflict_id, user_id=None)
    db.session.commit()
    status = jobs.run_batch(batch.id, str(file))
    db.session.expire_all()
    click.echo(report.build(db.session, batch).text())
    if status != "done":
        raise click.ClickException("the file was not taken in; the batch is kept, marked failed, with the reason")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--simple", is_flag=True, help="Run each job in this process (no fork).")
def worker_command(burst: bool, simple: bool) -> None:
    """Run the background jobs (event imports) queued on Redis at REDIS_URL."""
    from flask import current_app

    from tracker.events import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("set REDIS_URL: the worker takes its jobs from Redis")
    jobs.run_worker(current_app, burst=burst, simple=simple)


def _as_writer(command: click.Command) -> click.Command:
    """Run a command's body as a writer (SQLite transactions begin IMMEDIATE; see extensions)."""
    body = command.callback
    if body is not None and not getattr(body, "writes", False):

        @functools.wraps(body)
        def run(*args: Any, **kwargs: Any) -> Any:
            with extensions.writing():
                return body(*args, **kwargs)

        run.writes = True  # type: ignore[attr-defined]
        command.callback = run
    return command


def init_app(app: Flask) -> None:
    """Register the commands (every one that writes runs as a writer)."""
    for command in (seed_command, create_user_command, first_admin_command, reset_password_command,
                    create_token_command, search_command, import_activities_command, tallies_command):  # fmt: skip
        _as_writer(command)
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(first_admin_command)
    app.cli.add_command(reset_password_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(search_command)
    app.cli.add_command(import_activities_command)
    app.cli.add_command(data_dictionary_command)
    app.cli.add_command(tallies_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(import_events_command)
    app.cli.add_command(worker_command)
