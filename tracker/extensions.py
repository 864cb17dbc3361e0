"""Extensions, created unbound; ``create_app`` binds them to an application."""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from flask_bootstrap import Bootstrap5
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

db = SQLAlchemy(session_options={"expire_on_commit": False})
bootstrap = Bootstrap5()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection: object, _record: object) -> None:
    """Each SQLite connection: foreign keys checked (only when asked) and the write-ahead log
    (readers never wait for a writer). The busy timeout, how long a writer waits for another,
    is set at connect."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # stays "memory" for an in-memory database
        cursor.close()


F = TypeVar("F")

#: Set while a command writes (see :func:`writing`): SQLite transactions then begin IMMEDIATE.
_writing: ContextVar[bool] = ContextVar("sqlite_writing", default=False)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Any) -> None:
    """A request that may write (any method but GET, HEAD and OPTIONS) or a writing command
    takes SQLite's write lock when its transaction begins (``BEGIN IMMEDIATE``), waiting its
    turn for the busy timeout, so its writes never meet "database is locked" half-way. Other
    transactions are left to the driver, which begins one before the first write only: reads
    see the latest data and never wait (write-ahead log)."""
    if conn.dialect.name != "sqlite":
        return
    if _writing.get() or (has_request_context() and _request_may_write()):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _request_may_write() -> bool:
    if request.method in _SAFE_METHODS or g.get("sqlite_done_writing"):
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "lock_when_writing", False)


def done_writing() -> None:
    """This request writes no more (its write failed): what it still reads, such as its error
    page, begins deferred and does not wait for the write lock again."""
    g.sqlite_done_writing = True


def lock_when_writing(view: F) -> F:
    """Mark a view that posts mostly to read (a sign-in, with its slow password hash; an
    import's dry run): its transaction takes SQLite's write lock only when it writes, so other
    workers' writes do not wait behind it."""
    view.lock_when_writing = True  # type: ignore[attr-defined]
    return view


@contextmanager
def writing() -> Iterator[None]:
    """Run a block (a CLI command) as a writer: SQLite transactions begin IMMEDIATE."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


# Engines made in this process, disposed in a forked child (gunicorn's workers): a child
# never reuses its parent's connections.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def remember_engines(app: Flask) -> None:
    with app.app_context():
        _engines.update(db.engines.values())


def _dispose_after_fork() -> None:
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_dispose_after_fork)
