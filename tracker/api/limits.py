"""Requests per token per minute: a fixed one-minute window counted in each worker process
(``API_RATE_LIMIT``; with N workers a token may make up to N times as many)."""

from __future__ import annotations

import time
from threading import Lock

_windows: dict[str, tuple[int, int]] = {}
_lock = Lock()


def spend(token: str, per_minute: int) -> int:
    """Count one request of the token; the seconds to wait when it is over the limit, else 0."""
    now = time.time()
    minute = int(now // 60)
    with _lock:
        window, used = _windows.get(token, (minute, 0))
        if window != minute:
            window, used = minute, 0
        if used >= per_minute:
            return max(1, int(60 - now % 60))
        _windows[token] = (window, used + 1)
    return 0
