"""Settings come from defaults, the instance folder and the environment, in that order."""

from __future__ import annotations

import pytest

from tracker import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_starts_with_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "s3cret-from-the-environment")
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "s3cret-from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_database_url_and_prefixed_variables_override_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://root@127.0.0.1:5432/elsewhere")
    monkeypatch.setenv("TRACKER_PAGE_SIZE", "7")
    app = create_app()
    assert app.config["SQLALCHEMY_ENGINES"]["default"]["url"] == "postgresql+psycopg://root@127.0.0.1:5432/elsewhere"
    assert app.config["PAGE_SIZE"] == 7


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_ENGINES"]["default"]["url"] == "sqlite:///tracker.sqlite"


def test_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_ENV", "staging")
    with pytest.raises(RuntimeError, match="TRACKER_ENV"):
        create_app()


def test_the_production_entry_point_builds_the_app_and_freezes_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import importlib
    import sys

    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delitem(sys.modules, "tracker.wsgi", raising=False)
    try:
        wsgi = importlib.import_module("tracker.wsgi")
        assert wsgi.app.config["SECRET_KEY"] == "s3cret-from-the-environment"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        sys.modules.pop("tracker.wsgi", None)


def test_the_wheel_lists_every_package_and_carries_the_top_level() -> None:
    """pyproject.toml names the packages by hand (the top-level folders are mapped into the
    package): a new package of tracker/ must be listed, or the wheel goes without it."""
    import tomllib
    from pathlib import Path

    from tracker import paths

    root = Path(__file__).resolve().parent.parent
    setuptools = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.relative_to(root).parts[:-1]) for p in (root / "tracker").rglob("__init__.py")}
    assert found <= set(setuptools["packages"])
    assert {"tracker._bundle.templates", "tracker._bundle.migrations", "tracker._bundle.seed"} <= set(
        setuptools["packages"]
    )
    assert "py-modules" not in setuptools  # config.py is read by path, never installed as a module named config
    for name in ("templates", "migrations", "seed", "config.py", "alembic.ini"):
        assert paths.top_level(name) == root / name  # a checkout reads its own
        assert setuptools["package-dir"].get(f"tracker._bundle.{name}", ".") in (name, ".")


def test_production_refuses_to_start_without_the_cameo_table(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Without it the activity forms could not work: said at start, not as a 500 on a form."""
    from tracker.cameo import ReferenceDataMissing

    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("TRACKER_CAMEO_CODES_PATH", str(tmp_path / "nowhere.csv"))
    with pytest.raises(ReferenceDataMissing, match="CAMEO_CODES_PATH"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_postgresql_connections_are_pooled_recycled_and_pre_pinged() -> None:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": "postgres://tracker@db.example.org/tracker"})
    engine = app.config["SQLALCHEMY_ENGINES"]["default"]
    assert engine["url"] == "postgresql+psycopg://tracker@db.example.org/tracker"
    assert engine["pool_pre_ping"] is True and engine["pool_recycle"] == 1800
    assert engine["pool_size"] == 5 and engine["max_overflow"] == 10


def test_sqlite_waits_for_other_writers_in_write_ahead_log_mode(tmp_path) -> None:
    import sqlalchemy as sa

    from tracker.extensions import db

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite'}"})
    assert app.config["SQLALCHEMY_ENGINES"]["default"]["connect_args"] == {"timeout": 30.0}
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 30_000


def test_a_forked_worker_never_reuses_its_parents_connections(tmp_path) -> None:
    """gunicorn forks its workers from a master that may have connected (``--preload``)."""
    import os

    import sqlalchemy as sa

    from tracker.extensions import db

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'f.sqlite'}"})
    with app.app_context():
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert db.engine.pool.checkedin() == 1  # the master holds an idle connection
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.write(write, str(db.engine.pool.checkedin()).encode())
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(read, 10) == b"0"  # disposed of in the child, left alone in the master
        assert db.engine.pool.checkedin() == 1
