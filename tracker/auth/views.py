"""Sign-in, sign-out and the admin pages that manage users."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker import logs, throttle
from tracker.auth.access import is_safe_next, requires
from tracker.auth.forms import EditUserForm, NewUserForm, PasswordForm, SignInForm
from tracker.extensions import db, lock_when_writing
from tracker.forms.common import ConfirmForm
from tracker.forms.handling import submit
from tracker.models import User
from tracker.rules import FieldError
from tracker.users import change_password as change_password_of
from tracker.users import create_user, temporary_password, update_user, verify_password

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@lock_when_writing
def login() -> str | Response:
    """Sign in; then go to ``next`` if it is a path on this site.

    An unknown e-mail, a wrong password and a deactivated account get the same answer, after
    the same work (a password hash is checked in every case). Failures are counted per
    account and per address (see :mod:`tracker.throttle`). The session starts afresh.
    """
    form = SignInForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        throttle.check_sign_in(email)
        readable = "\x00" not in email  # no address holds one (and PostgreSQL cannot compare it)
        user = db.session.scalars(sa.select(User).where(User.email == email)).one_or_none() if readable else None
        matches = verify_password(user, form.password.data or "")
        if user is not None and user.active and matches:
            session.clear()  # nothing from before the sign-in carries over (no fixation)
            login_user(user)
            logs.event("sign_in", outcome="ok", user_id=user.id, email=email)
            target = request.args.get("next")
            return redirect(target if target and is_safe_next(target) else url_for("conflicts.index"))
        throttle.failed_sign_in(email)
        reason = "unknown e-mail" if user is None else ("deactivated" if not user.active else "wrong password")
        logs.event("sign_in", outcome="failed", reason=reason, email=email[:254])
        form.password.errors = ["Unknown e-mail or wrong password (or the account is deactivated)."]
    elif form.is_submitted():
        throttle.failed_sign_in((form.email.data or "").strip().lower())  # an incomplete form counts too
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out: the epoch moves on, so every copy of the old session cookie stops working."""
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The sign-out form was not valid; please try again.")
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        if user is not None:
            user.session_epoch += 1
            db.session.commit()
            logs.event("sign_out", user_id=user.id)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> str | Response:
    """Each user changes their own password; every other session of theirs ends."""
    if not current_user.is_authenticated:
        abort(401)
    user = db.session.get(User, current_user.id) or abort(401)
    form = PasswordForm()

    def save() -> str:
        if not verify_password(user, form.current.data or ""):
            raise FieldError("current", "this is not your current password")
        if verify_password(user, form.password.data or ""):
            raise FieldError("password", "choose a password other than the current one")
        change_password_of(db.session, user, form.password.data or "")
        return url_for("conflicts.index")

    response = submit(form, save, done="Your password is changed; your other sessions have ended.")
    if response is not None:
        login_user(user)  # this session goes on under the new epoch
        return response
    intro = "Your password was reset by an admin: choose your own to go on." if user.must_change_password else None
    return render_template("form.html", form=form, title="Change your password", intro=intro,
                           cancel_url=None if user.must_change_password else url_for("conflicts.index"))  # fmt: skip


@bp.post("/admin/users/<int:user_id>/reset-password")
@requires("manage_users")
def reset_password(user_id: int) -> str | Response:
    """Give a user a temporary password (shown once) that they must change at sign-in."""
    user = db.session.get(User, user_id) or abort(404, description="No such user.")
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The reset form was not valid; please try again.")
    password = temporary_password()
    change_password_of(db.session, user, password, temporary=True)
    db.session.commit()
    return render_template("admin/temporary_password.html", user=user, password=password)


@bp.get("/admin/users")
@requires("manage_users")
def users() -> str:
    """Every user with role and status."""
    rows = db.session.scalars(sa.select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires("manage_users")
def new_user() -> str | Response:
    """Create an account with an initial password."""
    form = NewUserForm()

    def save() -> str:
        create_user(db.session, form.parsed, password=form.password.data or "")
        return url_for("auth.users")

    return submit(form, save, done="User created.") or render_template(
        "form.html", form=form, title="New user", cancel_url=url_for("auth.users")
    )


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires("manage_users")
def edit_user(user_id: int) -> str | Response:
    """Change a user's role or deactivate them (which ends their sessions)."""
    user = db.session.get(User, user_id) or abort(404, description="No such user.")
    form = EditUserForm(obj=user)

    def save() -> str:
        update_user(db.session, user, form.parsed, by=db.session.get(User, current_user.id))
        return url_for("auth.users")

    return submit(form, save, done="User saved.") or render_template(
        "admin/user.html",
        form=form,
        user=user,
        reset=ConfirmForm(),
        title=f"User {user.email}",
        cancel_url=url_for("auth.users"),
    )
