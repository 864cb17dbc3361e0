"""Alembic environment: runs against the tracker's engine, batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from tracker.models import Base
from tracker.models.search import made_by_the_models

config = context.config
target_metadata = Base.metadata


def _engine():
    """The engine handed over by ``flask db``, or one built from the app's settings."""
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    with app.app_context():
        return db.engine


def run_migrations_offline() -> None:
    """Write SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    context.configure(
        url=_engine().url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        include_name=made_by_the_models,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations in one transaction on the tracker's database.

    On SQLite, foreign keys are not enforced while migrations run: batch mode rebuilds a
    table by copying it and dropping the old one, and dropping a referenced table with
    enforcement on deletes its rows first, cascading to every table that references it.
    ``PRAGMA foreign_key_check`` afterwards refuses to finish if a reference is broken.
    ``tests/test_migrations.py`` upgrades a database holding records to prove nothing is lost.
    """
    with _engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, or SQLite ignores it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # Renaming the rebuilt table into place must not re-check the triggers that name
            # it (the dashboard tallies' triggers name ``conflict``).
            connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                include_name=made_by_the_models,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration leaves broken references: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                if connection.in_transaction():
                    connection.rollback()  # (after a failure) so the PRAGMA takes effect
                connection.exec_driver_sql("PRAGMA legacy_alter_table=OFF")
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
