"""Rate limits, counted with Flask-Limiter in one store shared by every worker and app server
(``RATELIMIT_STORAGE_URI``: ``memory://`` in development and tests, Redis in production):

* failed sign-ins, per account (``SIGN_IN_FAILURES_PER_ACCOUNT``) and per network address
  (``SIGN_IN_FAILURES_PER_ADDRESS``): past either, the sign-in answers 429 with the time to
  wait, while other accounts still sign in; an admin's password reset lifts an account's;
* API requests, per token and minute (``API_RATE_LIMIT``).

The limiter is one per process (each app server runs one app). If the store does not answer,
requests are served and the failure is logged: a Redis outage must not lock everyone out.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, RateLimitItemPerMinute, parse
from werkzeug.exceptions import TooManyRequests

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def _key(kind: str, who: str) -> tuple[str, ...]:
    """The counter's identifiers (``RATELIMIT_KEY_PREFIX`` first: deployments may share a Redis)."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return (prefix, kind, who) if prefix else (kind, who)


def _account(email: str) -> str:
    """The key of an account (a digest: short whatever was typed, and no address in Redis)."""
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    config = current_app.config
    return parse(config["SIGN_IN_FAILURES_PER_ACCOUNT"]), parse(config["SIGN_IN_FAILURES_PER_ADDRESS"])


def _reset_in(item: RateLimitItem, *identifiers: str) -> int:
    """Seconds until the window of ``item`` for ``identifiers`` resets (1 at least)."""
    reset, _ = limiter.limiter.get_window_stats(item, *identifiers)
    return max(1, math.ceil(reset - time.time()))


def _wait(item: RateLimitItem, *identifiers: str) -> int:
    """Seconds until ``identifiers`` may try again under ``item`` (0: now)."""
    return 0 if limiter.limiter.test(item, *identifiers) else _reset_in(item, *identifiers)


def _in_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}" if seconds >= 60 else f"{seconds} seconds"


def check_sign_in(email: str) -> None:
    """Refuse (429, with Retry-After) a sign-in for an account or from an address that failed
    too often; before the password is even checked."""
    account, address = _limits()
    try:
        waits = (_wait(account, *_key("sign-in-account", _account(email))),
                 _wait(address, *_key("sign-in-address", request.remote_addr or "")))  # fmt: skip
    except Exception:
        current_app.logger.exception("The rate-limit store did not answer; the sign-in goes on unthrottled")
        return
    if waits[0]:
        message = (f"Too many failed sign-ins for this account. Try again in {_in_words(waits[0])}, "
                   "or ask an admin to reset your password, which lifts this.")  # fmt: skip
    elif waits[1]:
        message = f"Too many failed sign-ins from your network address. Try again in {_in_words(waits[1])}."
    else:
        return
    from tracker import logs

    logs.event("throttled", what="sign_in", email=email[:254], by="account" if waits[0] else "address")
    error = TooManyRequests(description=message)
    error.retry_after = max(waits)  # sent as Retry-After
    raise error


def failed_sign_in(email: str) -> None:
    """Count a failed sign-in against the account and the address."""
    account, address = _limits()
    try:
        limiter.limiter.hit(account, *_key("sign-in-account", _account(email)))
        limiter.limiter.hit(address, *_key("sign-in-address", request.remote_addr or ""))
    except Exception:
        current_app.logger.exception("The rate-limit store did not answer; a failed sign-in went uncounted")


def forget_failures(email: str) -> None:
    """Lift an account's throttle (its password was reset)."""
    account, _ = _limits()
    try:
        limiter.limiter.clear(account, *_key("sign-in-account", _account(email)))
    except Exception:
        current_app.logger.exception("The rate-limit store did not answer; the account's throttle stays")


def api_request(token: str, per_minute: int) -> int:
    """Count one API request of ``token``: the seconds to wait when it is over the limit, else 0."""
    item, key = RateLimitItemPerMinute(per_minute), _key("api-token", token)
    try:
        return 0 if limiter.limiter.hit(item, *key) else _reset_in(item, *key)
    except Exception:  # the store is down: serve
        current_app.logger.exception("The rate-limit store did not answer; the request is served")
        return 0


def init_app(app: Flask) -> None:
    limiter.init_app(app)
