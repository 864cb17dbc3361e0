"""Backups restore every record: SQLite through the backup command, PostgreSQL through the
pg_dump and pg_restore commands the README gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from tracker.models import Base


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


def _rows(engine: sa.Engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1'))]


def test_the_sqlite_backup_restores_every_record_even_while_someone_writes(
    app_ctx: Flask, seeded: Session, runner, tmp_path: Path
) -> None:
    from tracker.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the backup command copies SQLite databases (PostgreSQL: pg_dump, below)")
    before = _counts(db.engine)
    assert before["activity"] > 50
    stop, engine, writes = threading.Event(), db.engine, [0]

    def write() -> None:  # another worker keeps writing while the copy is taken
        with engine.connect() as conn:
            while not stop.is_set():
                conn.execute(sa.text("UPDATE conflict SET summary = summary WHERE id = (SELECT min(id) FROM conflict)"))
                conn.commit()
                writes[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up to" in result.output and writes[0] > 0

    restored = sa.create_engine(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    assert _counts(restored) == before
    assert _rows(restored, "activity") == _rows(db.engine, "activity")
    assert _rows(restored, "audit_entry") == _rows(db.engine, "audit_entry")
    restored.dispose()

    again = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    assert again.exit_code != 0 and "exists already" in again.output  # never overwritten
    assert not list(tmp_path.glob("*.partial"))


def test_pg_dump_and_pg_restore_restore_every_record(app_ctx: Flask, seeded: Session, database_url: str) -> None:
    """The README's PostgreSQL backup, run as a sysadmin would."""
    from tracker.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (SQLite: the backup command, above)")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump and pg_restore are not installed")
    url = sa.make_url(database_url)
    copy_name = f"{url.database}_restored"
    plain = url.set(drivername="postgresql")
    dump = Path(os.environ.get("TMPDIR", "/tmp")) / f"{url.database}.dump"
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    common = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "root"]
    admin = sa.create_engine(plain.set(database="postgres" if url.database != "postgres" else "template1"),
                             isolation_level="AUTOCOMMIT")  # fmt: skip
    try:
        subprocess.run(["pg_dump", *common, "--format=custom", f"--file={dump}", url.database], check=True, env=env)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{copy_name}"'))
        subprocess.run(["pg_restore", *common, "--no-owner", f"--dbname={copy_name}", str(dump)], check=True, env=env)
        restored = sa.create_engine(plain.set(database=copy_name, drivername="postgresql+psycopg"))
        try:
            assert _counts(restored) == _counts(db.engine)
            assert _rows(restored, "activity") == _rows(db.engine, "activity")
        finally:
            restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
        admin.dispose()
        dump.unlink(missing_ok=True)
