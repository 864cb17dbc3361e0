"""The migrations build exactly the models, and come down again, on the suite's database."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from tests.conftest import wipe
from tracker import migrate
from tracker.extensions import db
from tracker.models import Base


def _differences(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_empty_matches_models_and_downgrade_empties(app: Flask, app_ctx: Flask) -> None:
    engine = db.engine
    wipe(engine)
    assert sa.inspect(engine).get_table_names() == []

    migrate.upgrade(app)
    tables = set(sa.inspect(engine).get_table_names())
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


def test_db_commands_report_the_revision(runner) -> None:  # noqa: ANN001
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at head" in result.output
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output
