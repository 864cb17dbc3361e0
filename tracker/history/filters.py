"""The change log's filter, read from the query string (the log page and its CSV share it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from tracker import rules


def _date_arg(name: str, errors: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"“{raw}” is not a date (YYYY-MM-DD); the {name} filter was ignored.")
        return None


def log_filter() -> tuple[dict[str, Any], list[str]]:
    """The change log's filter from the query string (user id, since, until) and its errors."""
    errors: list[str] = []
    user_id = request.args.get("user", type=rules.record_id)
    if request.args.get("user") and user_id is None:
        errors.append("Unknown user filter; it was ignored.")
    since, until = _date_arg("since", errors), _date_arg("until", errors)
    if since and until and until < since:
        errors.append("The “until” date is before the “since” date; the date filter was ignored.")
        since = until = None
    return {"user_id": user_id, "since": since, "until": until}, errors
