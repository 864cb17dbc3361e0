"""The migrations build exactly the models, and come down again, on the suite's database."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from tests.conftest import wipe
from tracker import migrate
from tracker.dashboards import tallies
from tracker.extensions import db
from tracker.models import Base
from tracker.models.search import made_by_the_models


def _differences(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True, "include_name": made_by_the_models}
        )
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_empty_matches_models_and_downgrade_empties(app: Flask, app_ctx: Flask) -> None:
    engine = db.engine
    wipe(engine)
    assert sa.inspect(engine).get_table_names() == []

    migrate.upgrade(app)
    tables = {t for t in sa.inspect(engine).get_table_names() if made_by_the_models(t)}
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert _differences(engine) == []

    migrate.downgrade(app, "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(app)
    assert _differences(engine) == []


def test_constraint_names_follow_the_naming_convention(app_ctx: Flask) -> None:
    inspector = sa.inspect(db.engine)
    checks = {c["name"] for c in inspector.get_check_constraints("activity")}
    assert {"ck_activity_type", "ck_activity_track", "ck_activity_end_after_start"} <= checks
    uniques = {c["name"] for c in inspector.get_unique_constraints("party")}
    assert "uq_party_name" in uniques


def test_db_commands_report_the_revision(runner) -> None:
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at head" in result.output
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


BEFORE_DATE_PRECISION = "d777803c533e"  # conflict, phase, role, recognition and activity end dates come after
_ROWS = [
    (
        "INSERT INTO conflict (id, slug, name, type, region, start_date, summary, created_at, updated_at, version)"
        " VALUES (1, 'c', 'C', 'interstate', 'R', '1990-01-01', '', '2020-01-01', '2020-01-01', 1)"
    ),
    (
        "INSERT INTO party (id, name, kind, recognition_status, description, created_at, updated_at, version)"
        " VALUES (1, 'P', 'state', 'recognized', '', '2020-01-01', '2020-01-01', 1),"
        " (2, 'Q', 'state', 'recognized', '', '2020-01-01', '2020-01-01', 1)"
    ),
    (
        "INSERT INTO participation (id, conflict_id, party_id, role, since, notes, created_at, updated_at, version)"
        " VALUES (1, 1, 1, 'primary', '1991-01-01', '', '2020-01-01', '2020-01-01', 1)"
    ),
    "INSERT INTO participation_motive (participation_id, motive) VALUES (1, 'stakes')",
    "INSERT INTO phase_change (id, conflict_id, phase, since, note) VALUES (1, 1, 'active', '1990-01-01', '')",
    (
        "INSERT INTO recognition (id, recognizer_id, recognized_id, status, since, source, created_at, updated_at, version)"
        " VALUES (1, 1, 2, 'full', '1992-01-01', '', '2020-01-01', '2020-01-01', 1)"
    ),
    (
        "INSERT INTO activity (id, conflict_id, date, date_precision, type, track, scope, official_level, form, purpose,"
        " effect, title, description, recorded_at, updated_at, version) VALUES (1, 1, '1991-02-03', 'day',"
        " 'negotiation_round', '1', 'bilateral', 'ministerial', 'formal_meeting', 'agreement', 'neutral', 'T', '',"
        " '2020-01-01', '2020-01-01', 1)"
    ),
    "INSERT INTO activity_party (activity_id, party_id, role, position) VALUES (1, 1, 'initiator', 0)",
]
_TABLES = (
    "conflict",
    "party",
    "participation",
    "participation_motive",
    "phase_change",
    "recognition",
    "activity",
    "activity_party",
)


def test_migrating_a_database_that_holds_records_loses_none(app: Flask, app_ctx: Flask) -> None:
    """Batch mode rebuilds tables on SQLite: referenced rows must survive it (no cascade),
    and so must the tally triggers; the precision of dates already recorded is 'day'."""
    engine = db.engine
    wipe(engine)
    migrate.upgrade(app, BEFORE_DATE_PRECISION)
    with engine.begin() as conn:
        for statement in _ROWS:
            conn.execute(sa.text(statement))

    def counts() -> dict[str, int]:
        with engine.connect() as conn:
            return {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in _TABLES}

    migrate.upgrade(app)
    assert counts() == dict.fromkeys(_TABLES, 1) | {"party": 2}
    with engine.connect() as conn:
        precisions = conn.execute(sa.text("SELECT since_precision, until_precision FROM participation")).one()
        assert tuple(precisions) == ("day", "day")
        assert not any(tallies.drift(conn).values())
        assert conn.scalar(sa.text("SELECT sum(n) FROM activity_tally WHERE kind = 'track'")) == 1
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforcement is back on
    migrate.downgrade(app, BEFORE_DATE_PRECISION)
    assert counts() == dict.fromkeys(_TABLES, 1) | {"party": 2}
    migrate.upgrade(app)
    assert _differences(engine) == []


def test_every_vocabulary_key_is_accepted_by_the_migrated_database(app_ctx: Flask) -> None:
    """A key added to an enum without a migration passes ``db check`` (the CHECK constraint
    text is not compared) but fails on insert: read each CHECK from the database itself.
    Adding a key: add it to the enum in tracker/vocab.py, then write a revision that drops and
    recreates that column's ``ck_<table>_<name>`` constraint (see 804f3464b1f7)."""
    inspector = sa.inspect(db.engine)
    missing = []
    for table in Base.metadata.sorted_tables:
        checks = " ".join(c["sqltext"] for c in inspector.get_check_constraints(table.name))
        for column in table.columns:
            enum = getattr(column.type, "enum_class", None)
            if enum is None:
                continue
            missing += [f"{table.name}.{column.name}: {key}" for key in enum.keys() if f"'{key}'" not in checks]
    assert missing == []


def _tally_triggers(conn: sa.Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        stmt = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :pattern"
    else:
        stmt = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE :pattern"
    return set(conn.execute(sa.text(stmt), {"pattern": "%tally%"}).scalars())


def test_every_revision_leaves_the_tally_triggers_in_place(app: Flask, app_ctx: Flask) -> None:
    """One revision at a time from an empty database: once the tallies exist, every step ends
    with all their triggers installed. A batch-mode rebuild of ``activity`` or
    ``activity_party`` on SQLite drops them silently; the revision that does one must run the
    frozen script of its day again (docs/migrations.md)."""
    from alembic.script import ScriptDirectory

    expected = {name for group in tallies.TRIGGERS.values() for name in group}
    revisions = [
        r.revision for r in reversed(list(ScriptDirectory.from_config(migrate.alembic_config(app)).walk_revisions()))
    ]
    engine = db.engine
    wipe(engine)
    checked = []
    try:
        for revision in revisions:
            migrate.upgrade(app, revision)
            if "activity_tally" in sa.inspect(engine).get_table_names():
                with engine.connect() as conn:
                    assert _tally_triggers(conn) == expected, f"after {revision}"
                checked.append(revision)
    finally:
        migrate.upgrade(app)  # the next tests expect the database at head
    assert len(checked) >= 5


def test_no_revision_imports_the_application() -> None:
    """A revision runs the code of its day: importing ``tracker`` would run today's instead,
    and break upgrading a database that is several revisions behind."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    offending = [
        f.name for f in folder.glob("*.py") if "from tracker" in f.read_text() or "import tracker" in f.read_text()
    ]
    assert offending == []
