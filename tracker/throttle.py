"""Rate limits, counted in one store shared by every worker and app server
(``RATELIMIT_STORAGE_URI``: ``memory://`` in development and tests, Redis in production):

* sign-in failures, per account and per address: past the limit the sign-in answers 429 with
  the time to wait, while other accounts still sign in;
* API requests, per token and minute (``API_RATE_LIMIT``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerMinute

limiter = Limiter(key_func=get_remote_address, default_limits=[])

ACCOUNT_MESSAGE = (
    "Too many failed sign-ins for this account. Wait a quarter of an hour and try again, "
    "or ask an admin to reset your password."
)
ADDRESS_MESSAGE = "Too many failed sign-ins from your network address. Wait a quarter of an hour and try again."


def _account() -> str:
    """The account a sign-in names (a digest: the key stays short whatever was typed)."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()


def failed_sign_in() -> None:
    """Count this request's sign-in as a failure (see :func:`sign_in`)."""
    g.sign_in_failed = True


def _failed(_response: Any) -> bool:
    return bool(g.get("sign_in_failed"))


def sign_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Throttle a sign-in view: its failures are counted per account and per address."""
    per_account = limiter.limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ACCOUNT"],
        key_func=_account,
        methods=["POST"],
        deduct_when=_failed,
        error_message=ACCOUNT_MESSAGE,
        scope="sign-in-account",
    )
    per_address = limiter.limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ADDRESS"],
        methods=["POST"],
        deduct_when=_failed,
        error_message=ADDRESS_MESSAGE,
        scope="sign-in-address",
    )
    return per_address(per_account(view))


def api_request(token: str, per_minute: int) -> int:
    """Count one API request of ``token``: the seconds to wait when it is over the limit, else 0."""
    item = RateLimitItemPerMinute(per_minute)
    try:
        if limiter.limiter.hit(item, "api-token", token):
            return 0
        reset, _ = limiter.limiter.get_window_stats(item, "api-token", token)
    except Exception:  # the store is down: serve (the sign-in limits fall back to memory)
        current_app.logger.exception("The rate-limit store did not answer")
        return 0
    return max(1, int(reset - time.time()))


def init_app(app: Flask) -> None:
    limiter.init_app(app)
