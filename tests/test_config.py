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
