"""Alembic environment: runs against the tracker's engine, batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from tracker.models import Base

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
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations in one transaction on the tracker's database."""
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
