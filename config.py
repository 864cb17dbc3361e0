"""Settings of the tracker, read in three layers (later wins):

1. the defaults below, per environment (``TRACKER_ENV``: development, testing, production);
2. ``config.py`` in the instance folder, if present;
3. environment variables: ``DATABASE_URL`` (or ``TRACKER_DATABASE_URL``) selects the database,
   and every ``TRACKER_<NAME>`` sets ``<NAME>`` (values parsed as JSON when they can be).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY: str | None = None
    #: SQLAlchemy URL; a relative SQLite path lives in the instance folder.
    DATABASE_URL = "sqlite:///tracker.sqlite"
    #: Echo SQL statements to the log.
    SQLALCHEMY_ECHO = False
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Rows per page on the timeline and the lists.
    PAGE_SIZE = 50
    #: Requests a minute one API token may make (per worker process); more get 429.
    API_RATE_LIMIT = 600
    #: Largest upload accepted by the CSV import, in bytes.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    #: The CAMEO reference table (codes, quad classes, Goldstein weights); by default the copy
    #: in ``shared/data/`` beside the project folder.
    CAMEO_CODES_PATH: str | None = None


class DevelopmentConfig(Config):
    SECRET_KEY = "dev-only-not-secret"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    DATABASE_URL = "sqlite://"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True


ENVIRONMENTS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` from the layers above, then ``overrides`` (used by tests).

    Raises ``RuntimeError`` when the production environment has no ``SECRET_KEY``.
    """
    env = (overrides or {}).get("ENV_NAME") or os.environ.get("TRACKER_ENV", "development")
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"TRACKER_ENV must be one of {sorted(ENVIRONMENTS)}, not {env!r}")
    app.config.from_object(ENVIRONMENTS[env])
    app.config["ENV_NAME"] = env
    app.config.from_pyfile("config.py", silent=True)
    if "DATABASE_URL" in os.environ:
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("TRACKER")
    if overrides:
        app.config.update(overrides)
    if env == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "Production refuses to start without a SECRET_KEY: set TRACKER_SECRET_KEY "
            "or SECRET_KEY in the instance config.py."
        )
    app.config["SQLALCHEMY_ENGINES"] = {"default": _engine_url(app.config["DATABASE_URL"])}


def _engine_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (Heroku-style ``postgres://`` too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
