"""Interrupted work leaves the database exactly as before: a save of many records through a
form that fails half-way, an import confirmed on the web that fails half-way (the checked file
stays for another try), and an import killed with SIGKILL while it writes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from tests.factories import make_conflict, make_participation, make_party
from tests.site import fingerprint
from tests.test_imports import GOOD, MINIMAL
from tracker.models import Activity, Conflict, Party, PendingUpload


@pytest.fixture
def moz(session: Session) -> Conflict:
    conflict = make_conflict(session, slug="moz", name="Mozambique")
    for name in ("Mozambique", "RENAMO"):
        make_participation(session, conflict, make_party(session, name=name))
    session.commit()
    return conflict


def _as_in_production(app: Flask, monkeypatch) -> None:
    """An unexpected error becomes the 500 page (with its rollback), as in production."""
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_a_save_of_many_records_failing_half_way_writes_nothing(
    app: Flask, client, auth, moz, session: Session, monkeypatch
) -> None:
    """An activity with its parties and sources: the activity row is flushed, then writing its
    history fails. Nothing of it is left."""
    from tracker import audit

    auth.login("analyst")
    form = client.get("/conflicts/moz/activities/new").get_data(as_text=True)
    assert "parties-0-party" in form
    parties = dict(session.execute(sa.select(Party.name, Party.id)).all())
    before = fingerprint(session)
    _as_in_production(app, monkeypatch)

    def broken(*args, **kwargs):
        raise OSError("the disk is full")

    monkeypatch.setattr(audit, "entry", broken)
    answer = client.post("/conflicts/moz/activities/new", data={
        "date": "1992-10-04", "type": "agreement", "title": "General Peace Accords", "track": "1", "scope": "bilateral",
        "official_level": "head_of_state", "form": "formal_meeting", "purpose": "agreement", "effect": "de_escalating",
        "parties-0-party": parties["Mozambique"], "parties-0-role": "initiator",
        "parties-1-party": parties["RENAMO"], "parties-1-role": "target",
        "sources-0-citation": "Rome GPA", "sources-0-url": "https://example.org/gpa",
        "sources-1-citation": "UN doc S/24635", "sources-1-url": "",
    })  # fmt: skip
    assert answer.status_code == 500 and "Traceback" not in answer.get_data(as_text=True)
    assert fingerprint(session) == before


def test_an_import_failing_half_way_writes_nothing_and_can_be_tried_again(
    app: Flask, client, auth, moz, session: Session, monkeypatch
) -> None:
    from tracker.activities import service

    auth.login("analyst")
    rows = "\r\n".join(GOOD.replace("Rome accords", f"Round {i}") for i in range(30))
    page = client.post("/conflicts/moz/import", data={"file": (io.BytesIO(f"{MINIMAL}\r\n{rows}\r\n".encode()), "f.csv"),
                       "on_duplicate": "skip"}, content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    before = fingerprint(session)
    real, calls = service._write, {"n": 0}

    def fails_on_the_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("the connection dropped")
        return real(*args, **kwargs)

    _as_in_production(app, monkeypatch)
    # Batches of five rows: two are written (rows, links, sources, audit entries, search
    # documents) when the third fails.
    real_many = service.create_many
    monkeypatch.setattr(service, "create_many", lambda *a, **kw: real_many(*a, **kw | {"batch": 5}))
    monkeypatch.setattr(service, "_write", fails_on_the_third_batch)
    failed = client.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert failed.status_code == 500 and calls["n"] == 3
    assert fingerprint(session) == before
    assert session.get(PendingUpload, token) is not None  # kept: the import may be tried again

    monkeypatch.setattr(service, "_write", real)
    again = client.post("/conflicts/moz/import/confirm", data={"token": token, "on_duplicate": "skip"})
    assert again.status_code == 302
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 30


def _big_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(MINIMAL + "\r\n")
        for i in range(rows):
            out.write(
                GOOD.replace("Rome accords", f"Killed round {i}").replace("1992-10-04", f"{1960 + i % 60}-10-04")
                + "\r\n"
            )


def _writes_pending(database_url: str) -> bool:
    """PostgreSQL: whether another session holds a transaction that has written."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() "
                "AND datname = current_database()"
            )))  # fmt: skip
    finally:
        engine.dispose()


def _sessions(database_url: str) -> list[tuple]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(
                "SELECT pid, state, wait_event_type, left(query, 80) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ))]  # fmt: skip
    finally:
        engine.dispose()


def test_an_import_killed_while_writing_leaves_the_database_as_before(
    app: Flask, moz, session: Session, database_url: str, tmp_path: Path
) -> None:
    """SIGKILL in the middle of a large import: no row of it survives, the database is whole."""
    before = fingerprint(session)
    session.close()
    data = tmp_path / "large.csv"
    _big_file(data, 20_000)
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_ENV": "testing"}
    command = [sys.executable, "-m", "flask", "--app", "tracker", "import-activities", str(data), "--conflict", "moz"]
    started = time.monotonic()
    subprocess.run([*command, "--dry-run"], env=env, check=True, capture_output=True)
    reading = time.monotonic() - started  # starting up, reading and checking: before any write
    importer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(reading * 1.5 + 1.0)  # into the writes, which take several times as long
        if database_url.startswith("postgresql"):
            deadline = time.monotonic() + 120
            while not _writes_pending(database_url):
                assert importer.poll() is None, "the import ended before it began writing"
                assert time.monotonic() < deadline, f"the import never began writing: {_sessions(database_url)}"
                time.sleep(0.05)
        assert importer.poll() is None, "the import finished before it could be killed: make the file larger"
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait(timeout=30)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert importer.returncode == -signal.SIGKILL
    assert fingerprint(session) == before
    if database_url.startswith("sqlite"):
        assert session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"


def test_a_write_that_waits_too_long_for_sqlite_is_told_to_try_again(tmp_path: Path) -> None:
    """SQLite: while a long import holds the write lock past the busy timeout, a form's save
    answers 503 with Retry-After and a plain reason, writes nothing, and works once the lock
    is free (PostgreSQL locks rows, not the database)."""
    import sqlite3

    from tests.conftest import PASSWORDS, FreshContextClient
    from tracker import create_app, migrate
    from tracker.extensions import db
    from tracker.inputs.records import UserInput
    from tracker.users import create_user

    path = tmp_path / "busy.sqlite"
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
                      "SQLITE_BUSY_TIMEOUT": 0.2})  # fmt: skip
    app.test_client_class = FreshContextClient
    with app.app_context():
        migrate.upgrade(app)
        create_user(db.session, UserInput(email="analyst@example.org", role="analyst", name=""),
                    password=PASSWORDS["analyst"])  # fmt: skip
        db.session.commit()
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]}).status_code
        == 302
    )
    party = {"name": "Waited party", "kind": "igo", "recognition_status": "not_applicable"}

    importer = sqlite3.connect(path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # another process's long import holds the write lock
    try:
        busy = client.post("/parties/new", data=party)
    finally:
        importer.execute("ROLLBACK")
        importer.close()
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0
    assert "busy with another long write" in busy.get_data(as_text=True)
    assert client.post("/parties/new", data=party).status_code == 302  # free again: saved
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("party"))) == 1
        db.engine.dispose()
