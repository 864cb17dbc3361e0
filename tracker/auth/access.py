"""Who may do what: the one table of permissions, the login manager and the decorators."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import LoginManager, current_user

from tracker import audit, rules
from tracker.extensions import db
from tracker.models import User
from tracker.vocab import UserRole

F = TypeVar("F", bound=Callable[..., Any])

#: The abilities of each role. Every permission check in the app reads this table.
ABILITIES: dict[str, frozenset[UserRole]] = {
    "read": frozenset({UserRole.VIEWER, UserRole.ANALYST, UserRole.ADMIN}),
    "export": frozenset({UserRole.VIEWER, UserRole.ANALYST, UserRole.ADMIN}),
    "edit": frozenset({UserRole.ANALYST, UserRole.ADMIN}),
    "import": frozenset({UserRole.ANALYST, UserRole.ADMIN}),
    "delete": frozenset({UserRole.ADMIN}),
    #: Delete the activities one recorded oneself (see :func:`can_delete`).
    "delete_own": frozenset({UserRole.ANALYST, UserRole.ADMIN}),
    "manage_users": frozenset({UserRole.ADMIN}),
    "audit_log": frozenset({UserRole.ADMIN}),
}

#: Endpoints reachable without signing in.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "bootstrap.static", "api.openapi", "api.reference"})

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    """The user of a session key ``id:epoch``; none once the epoch moved or the user left.
    The API ignores session cookies: it answers personal tokens only (no cross-site writes)."""
    if request.path.startswith(API_PREFIX) and request.endpoint != "api.reference":
        return None
    user_id, _, epoch = session_key.partition(":")
    try:
        user = db.session.get(User, rules.record_id(user_id))
    except rules.RuleError:
        return None
    if user is None or not user.active or str(user.session_epoch) != epoch:
        return None
    return user


API_PREFIX = "/api/"


@login_manager.request_loader
def load_token_user(req: Any) -> User | None:
    """Under ``/api/``, the owner of the personal token sent as ``Authorization: Bearer …``
    (``g.api_token`` holds the token: its name goes into the history, ``read_only`` narrows it)."""
    if not req.path.startswith(API_PREFIX):
        return None
    scheme, _, secret = (req.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    from tracker.api.tokens import authenticate

    token = authenticate(db.session, secret.strip())
    if token is None:
        return None
    g.api_token = token
    return token.user


def can(ability: str, user: Any = None) -> bool:
    """Whether ``user`` (default: the signed-in user) has ``ability``."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return UserRole(user.role) in ABILITIES[ability]


def can_delete(record: Any, user: Any = None) -> bool:
    """Admins delete anything; analysts also the activities they recorded themselves."""
    user = current_user if user is None else user
    if can("delete", user):
        return True
    mine = getattr(record, "recorded_by_id", None)
    return can("delete_own", user) and mine is not None and mine == getattr(user, "id", None)


def refusal(ability: str) -> str:
    """Why the signed-in user may not: the role it takes, and theirs."""
    needed = next((r for r in UserRole if r in ABILITIES[ability]), None)
    mine = UserRole(current_user.role).value if getattr(current_user, "is_authenticated", False) else "none"
    if needed is None:
        return "No role allows this action."
    return f"This action needs the {needed.value} role or higher; you are signed in as {mine}."


def requires(ability: str) -> Callable[[F], F]:
    """Refuse the view with 403 unless the signed-in user has ``ability``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not can(ability):
                abort(403, description=refusal(ability))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def is_safe_next(target: str | None) -> bool:
    """A ``next`` target is followed only when it is a path on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


#: Where a user whose password an admin reset may still go before choosing a new one.
PASSWORD_PENDING_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static", "bootstrap.static"})


def _require_sign_in() -> Any:
    """Every page but the sign-in page needs a signed-in user (with a password of their own)."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if current_user.is_authenticated:
        if current_user.must_change_password and request.endpoint not in PASSWORD_PENDING_ENDPOINTS:
            return redirect(url_for("auth.change_password"))
        return None
    if request.path.startswith(API_PREFIX):
        abort(
            401, description="Send a valid personal token: Authorization: Bearer <token> (create one under API tokens)."
        )
    if request.accept_mimetypes.best == "application/json":
        abort(401, description="Sign in first.")
    if request.method != "GET":
        abort(401, description="Sign in first.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _set_actor() -> None:
    """The signed-in user writes this request's history entries (see ``audit.set_actor``); a
    write through the API names the token too, and is marked as coming through the API."""
    if current_user.is_authenticated:
        token = g.get("api_token")
        name = f"{current_user.email} (token “{token.name}”)" if token is not None else current_user.email
        g.audit_actor = audit.set_actor(audit.Actor(current_user.id, name))
        if token is not None:
            g.audit_origin = audit.set_origin("api")


def _reset_actor(_error: BaseException | None) -> None:
    token = g.pop("audit_actor", None)
    if token is not None:
        audit.reset_actor(token)
    origin = g.pop("audit_origin", None)
    if origin is not None:
        audit.reset_origin(origin)


def init_app(app: Flask) -> None:
    """Bind the login manager and guard every endpoint."""
    login_manager.init_app(app)
    app.before_request(_require_sign_in)
    app.before_request(_set_actor)
    app.teardown_request(_reset_actor)
    app.add_template_global(can)
    app.add_template_global(can_delete)
