"""Logs a machine can read: one JSON object a line (``LOG_FORMAT = "json"``, the production
default), each carrying the id of its request; and the events worth keeping: sign-ins and
sign-outs, denials and every write (one line per history entry, once committed).

Every response names its request id (``X-Request-ID``, taken from the proxy when it sends a
sane one); error pages show it, so a user's report leads to the log lines.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from flask.wrappers import Response
from sqlalchemy.orm import Session

events = logging.getLogger("tracker.events")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class JsonLines(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, the event's fields, and
    the request it happened in."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if has_request_context():
            data.setdefault("request_id", g.get("request_id"))
            data.setdefault("method", request.method)
            data.setdefault("path", request.path)
            data.setdefault("remote_addr", request.remote_addr)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def event(name: str, **fields: Any) -> None:
    """Log the event ``name`` with its fields (who, what, outcome) and its request's."""
    if has_request_context():
        fields = {"request_id": g.get("request_id"), "method": request.method, "path": request.path,
                  "remote_addr": request.remote_addr, **fields}  # fmt: skip
    events.info(name, extra={"fields": {"event": name, **fields}})


def _assign_request_id() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)


def _tag(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


# Writes: the history entries flushed in a transaction are logged once it commits.
def _collect(session: Session, _context: Any, _instances: Any) -> None:
    from tracker.models import AuditEntry

    made = [o for o in session.new if isinstance(o, AuditEntry)]
    if made:
        session.info.setdefault("logged_entries", []).extend(made)


def _emit(session: Session) -> None:
    for entry in session.info.pop("logged_entries", []):
        if not sa.inspect(entry).persistent:  # added in a savepoint that was rolled back
            continue
        event(
            "write",
            action=getattr(entry.action, "value", entry.action),
            record_type=entry.record_type,
            record_id=entry.record_id,
            user_id=entry.user_id,
            actor=entry.actor,
            origin=entry.origin,
        )


def _forget(session: Session) -> None:
    session.info.pop("logged_entries", None)


sa.event.listen(Session, "before_flush", _collect)
sa.event.listen(Session, "after_commit", _emit)
sa.event.listen(Session, "after_rollback", _forget)


def init_app(app: Flask) -> None:
    """Request ids on every request; JSON lines on standard error when ``LOG_FORMAT`` says so."""
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)  # before any other
    app.after_request(_tag)
    logger = logging.getLogger("tracker")
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if app.config.get("LOG_FORMAT") == "json" and not any(isinstance(h.formatter, JsonLines) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.handlers[:] = [handler]
        logger.propagate = False
