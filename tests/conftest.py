"""Fixtures: one application per test session on the chosen database, emptied after each test.

The suite runs on SQLite by default. ``TRACKER_TEST_DATABASE_URL`` points it at another
database (the CI sets a PostgreSQL URL); that database is wiped and migrated at the start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tests.site import world  # noqa: F401 (a fixture: one record of each kind)
from tracker import create_app, migrate, throttle
from tracker.dashboards import report as dashboard_report
from tracker.dashboards import tallies
from tracker.extensions import db as _db
from tracker.models import Base
from tracker.seeding import load_seed
from tracker.vocab import ActivityPartyRole, ActivityType, PartyKind, RecognitionStatus


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL", "sqlite (temporary file)")
    return f"tracker test database: {sa.make_url(url).render_as_string(hide_password=True) if '://' in url else url}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the suite runs on."""
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tracker-test.sqlite'}"


def wipe(engine: sa.Engine) -> None:
    """Drop every table the models or Alembic made."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(sa.text("DROP TABLE IF EXISTS search_fts"))  # the FTS5 table the migrations made
        Base.metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


class FreshContextClient(FlaskClient):
    """Each request runs in its own application context, hence its own database session,
    as it does in production (not in the test's context, whose session holds test objects)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """The application, its database migrated to head through Alembic."""
    application = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})
    application.test_client_class = FreshContextClient
    with application.app_context():
        wipe(_db.engine)
        migrate.upgrade(application)
    yield application
    with application.app_context():
        _db.engine.dispose()


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row, children first (TRUNCATE on PostgreSQL)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context for the test; every table is emptied afterwards.

    Whatever the test wrote (through forms, imports, the seed or plain SQL), the dashboard
    tallies must still equal a recount of the activities: the triggers are checked after
    every test that touches the database.
    """
    with app.app_context():
        yield app
        _db.session.rollback()
        throttle.limiter.reset()  # sign-in failures and API requests counted afresh
        dashboard_report.computed().clear()  # the tables are emptied below: ids start again
    with app.app_context():
        with _db.engine.connect() as conn:
            drift = tallies.drift(conn) if sa.inspect(conn).has_table("activity_tally") else {}
            unindexed = _unindexed(conn) if sa.inspect(conn).has_table("search_document") else []
        empty_tables(_db.engine)
    assert not any(drift.values()), f"the dashboard tallies drifted from the activities: {drift}"
    assert not unindexed, f"records without their search document (or documents without their record): {unindexed[:5]}"


def _unindexed(conn: sa.Connection) -> list[tuple[str, int]]:
    """Records of the searched kinds and search documents that do not pair up."""
    from tracker.models import Activity, Conflict, Party, SearchDocument

    have = set(conn.execute(sa.select(SearchDocument.record_type, SearchDocument.record_id)))
    want = {(kind, i) for kind, model in (("conflict", Conflict), ("party", Party), ("activity", Activity))
            for i in conn.scalars(sa.select(model.id))}  # fmt: skip
    return sorted(have ^ want)


@pytest.fixture
def session(app_ctx: Flask) -> Session:
    """The request-scoped session of the test's application context."""
    return _db.session


@pytest.fixture
def client(app_ctx: Flask) -> FlaskClient:
    return app_ctx.test_client()


@pytest.fixture
def runner(app_ctx: Flask) -> FlaskCliRunner:
    return app_ctx.test_cli_runner()


@pytest.fixture
def seeded(session: Session) -> Session:
    """The database with the project's seed loaded."""
    load_seed(session)
    return session


@pytest.fixture
def seed_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "seed"


class StatementCounter:
    """Counts the SQL statements sent while active."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, _params, _context, _executemany) -> None:
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_statements(app_ctx: Flask):
    """``with count_statements() as counter:`` counts the statements run inside the block."""

    @contextmanager
    def counting() -> Iterator[StatementCounter]:
        counter = StatementCounter()
        engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


PASSWORDS = {role: f"{role}-password-123" for role in ("viewer", "analyst", "admin")}


@pytest.fixture
def users(session: Session) -> dict[str, object]:
    """One active user per role: ``viewer@example.org``, ``analyst@…``, ``admin@…``."""
    from tracker.models import User
    from tracker.vocab import UserRole

    made = {
        role: User(
            email=f"{role}@example.org",
            name="",
            role=UserRole(role),
            password_hash=_hash(role),
            active=True,
            session_epoch=0,
        )
        for role in PASSWORDS
    }
    session.add_all(made.values())
    session.commit()
    return made


@lru_cache
def _hash(role: str) -> str:
    """scrypt is slow on purpose: hash each test password once per run."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORDS[role])


class AuthActions:
    """Signs the test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, role: str = "analyst", **kwargs: object):
        return self.client.post(
            "/login",
            data={"email": f"{role}@example.org", "password": PASSWORDS[role]},
            **kwargs,
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient, users: dict) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def georgia(session):
    """The event intake's world: Georgia, Russia, Abkhazia and France; the 2008 war (Georgia and Russia) and the
    Abkhazia conflict (Georgia and Abkhazia)."""
    parties = {
        "georgia": make_party(session, name="Georgia", country_code="GEO"),
        "russia": make_party(session, name="Russia", country_code="RUS"),
        "abkhazia": make_party(session, name="Abkhazia", kind=PartyKind.STATE_LIKE,
                               recognition_status=RecognitionStatus.PARTIALLY_RECOGNIZED),
        "france": make_party(session, name="France", country_code="FRA"),
    }  # fmt: skip
    war = make_conflict(session, slug="war-2008", name="Russo-Georgian War", start_date=date(2008, 8, 7))
    abkhazia = make_conflict(session, slug="abkhazia", name="Georgia–Abkhazia")
    make_participation(session, war, parties["georgia"])
    make_participation(session, war, parties["russia"])
    make_participation(session, abkhazia, parties["georgia"])
    make_participation(session, abkhazia, parties["abkhazia"])
    make_activity(session, war, [(parties["russia"], ActivityPartyRole.INITIATOR)], date=date(2008, 8, 8),
                  type=ActivityType.MILITARY_ACTION, title="Russian forces enter South Ossetia", cameo_code="190")  # fmt: skip
    session.commit()
    return {"war": war, "abkhazia_conflict": abkhazia, **parties}
