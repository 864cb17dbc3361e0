"""Online backups of an SQLite database through SQLite's own backup API: a consistent copy
taken while the app keeps serving. The copy is made in one step, from one read snapshot: in
write-ahead-log mode writers go on meanwhile (copying page by page would restart at every
write of another connection, and might never end on a busy server).
PostgreSQL has ``pg_dump`` for this (see the README's "Running in production")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa


class BackupError(RuntimeError):
    """Why no backup was made; the message says what to do instead."""


def backup_sqlite(engine: sa.Engine, target: Path) -> int:
    """Copy the database of ``engine`` to ``target`` (which must not exist); returns its size."""
    if engine.dialect.name != "sqlite":
        raise BackupError(
            f"This database is {engine.dialect.name}: back it up with pg_dump "
            "(pg_dump --format=custom --file=tracker.dump DATABASE_URL), restore with pg_restore."
        )
    if engine.url.database in (None, "", ":memory:"):
        raise BackupError("An in-memory database has nothing to back up.")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name (nothing is overwritten).")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # every page in one step
            check = copy.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                raise BackupError(f"The copy failed its integrity check: {check}")
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    partial.rename(target)  # the file appears whole or not at all
    return target.stat().st_size
