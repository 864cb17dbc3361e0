"""Settings of the tracker, read in three layers (later wins):

1. the defaults below, per environment (``TRACKER_ENV``: development, testing, production);
2. ``config.py`` in the instance folder, if present;
3. environment variables: ``DATABASE_URL`` (or ``TRACKER_DATABASE_URL``) selects the database,
   ``REDIS_URL`` the Redis server (rate limits, shared by every worker and app server), and
   every ``TRACKER_<NAME>`` sets ``<NAME>`` (values parsed as JSON when they can be, so
   ``TRACKER_SECRET_KEY_FALLBACKS='["old key"]'`` is a list).
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
    #: Long lists (a filtered timeline, a party's activities, the change log) are counted up to
    #: this many rows; past it they show "10,000+" and their pages go on while there are rows.
    COUNT_CAP = 10_000
    #: Computed dashboards each worker keeps (conflict and filter pairs; a write moves the
    #: data's version on, so a kept one is never stale). 0 keeps none.
    DASHBOARD_KEEP = 32
    #: Requests a minute one API token may make (counted in the rate-limit store); more get 429.
    API_RATE_LIMIT = 600
    #: Largest upload accepted by the CSV import, in bytes.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    #: Seconds an import's checked file waits for its confirmation.
    UPLOAD_TTL_SECONDS = 3600
    #: Largest form body kept in memory, and most fields in one form (Werkzeug refuses more, 413).
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_FORM_PARTS = 2000
    #: Remember-me cookies follow the session cookie's rules.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: Older secret keys still accepted for sessions signed before a rotation (newest first).
    SECRET_KEY_FALLBACKS: tuple[str, ...] = ()
    #: Redis (``redis://host:6379/0``): the rate limits' store when set.
    REDIS_URL: str | None = None
    #: Event-data imports: ``rq`` (background jobs on Redis, run by ``flask --app tracker worker``)
    #: or ``inline`` (in the request or command); unset, ``rq`` when ``REDIS_URL`` is set.
    EVENT_JOBS: str | None = None
    #: The RQ queue the event imports go to.
    EVENT_QUEUE = "tracker-events"
    #: Where rate limits are counted (Flask-Limiter); ``REDIS_URL`` replaces the default.
    RATELIMIT_STORAGE_URI = "memory://"
    #: If the store is down, count in memory for a while rather than fail requests.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Failed sign-ins allowed before a 429: per account, and per network address.
    SIGN_IN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
    SIGN_IN_FAILURES_PER_ADDRESS = "30 per 15 minutes"
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (ProxyFix).
    PROXY_HOPS = 0
    #: ``json``: one JSON object a line on standard error (see tracker/logs.py); ``text``: Flask's.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    #: Strict-Transport-Security max-age in seconds (0: not sent).
    HSTS_SECONDS = 0
    #: PostgreSQL connection pool per worker process: size, overflow, and age (s) before recycling.
    DATABASE_POOL_SIZE = 5
    DATABASE_MAX_OVERFLOW = 10
    DATABASE_POOL_RECYCLE = 1800
    #: SQLite: seconds a writer waits for another to finish before giving up.
    SQLITE_BUSY_TIMEOUT = 30
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
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 31_536_000
    LOG_FORMAT = "json"


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
    if "REDIS_URL" in os.environ:
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if env == "production":
        _refuse_weak_secret(app.config.get("SECRET_KEY"))
    app.config["SQLALCHEMY_ENGINES"] = {"default": engine_options(app.config)}


def _refuse_weak_secret(key: object) -> None:
    if not key:
        raise RuntimeError(
            "Production refuses to start without a SECRET_KEY: set TRACKER_SECRET_KEY "
            "or SECRET_KEY in the instance config.py."
        )
    if key in (DevelopmentConfig.SECRET_KEY, TestingConfig.SECRET_KEY) or len(str(key)) < 16:
        raise RuntimeError(
            "Production refuses a SECRET_KEY that is short or published: make one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'."
        )


def engine_options(settings: Any) -> dict[str, Any]:
    """The database engine: its URL and, for PostgreSQL, the pool (sized, recycled, pre-pinged)."""
    url = _engine_url(settings["DATABASE_URL"])
    options: dict[str, Any] = {"url": url}
    if url.startswith("postgresql"):
        options |= {
            "pool_size": int(settings["DATABASE_POOL_SIZE"]),
            "max_overflow": int(settings["DATABASE_MAX_OVERFLOW"]),
            "pool_recycle": int(settings["DATABASE_POOL_RECYCLE"]),
            "pool_pre_ping": True,
        }
    elif url.startswith("sqlite"):
        options["connect_args"] = {"timeout": float(settings["SQLITE_BUSY_TIMEOUT"])}
    return options


def _engine_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (Heroku-style ``postgres://`` too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
