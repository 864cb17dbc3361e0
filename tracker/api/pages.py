"""Each user's personal API tokens: listed, created (the secret shown once) and revoked."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from tracker.api import tokens
from tracker.auth.access import requires
from tracker.extensions import db
from tracker.forms.common import ConfirmForm
from tracker.forms.handling import submit
from tracker.models import ApiToken, User

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired(), Length(max=80)], description="What it is for: “news monitor”, “R script”."
    )
    read_only = BooleanField("Read only", description="The token reads; it cannot log, change or delete anything.")
    submit = SubmitField("Create token")


def _me() -> User:
    return db.session.get(User, current_user.id) or abort(401)


@bp.route("", methods=["GET", "POST"])
@requires("read")
def index() -> str | Response:
    """The user's tokens and the form for a new one; a new token's secret is shown once."""
    user = _me()
    form = TokenForm()
    secret = session.pop("new_token", None)  # shown once, on the page the creation leads to
    made: list[ApiToken] = []

    def save() -> str:
        token, new_secret = tokens.create_token(db.session, user, form.name.data, read_only=bool(form.read_only.data))
        made.append(token)
        session["new_token"] = new_secret  # a reload of the next page does not create it again
        return url_for("tokens.index")

    done = submit(form, save, done=lambda: f"Token “{made[0].name}” created: copy it now, it is not shown again.")
    if done is not None:
        return done
    return render_template(
        "account/tokens.html", form=form, tokens=tokens.tokens_of(db.session, user), secret=secret, revoke=ConfirmForm()
    )


@bp.post("/<int:token_id>/revoke")
@requires("read")
def revoke(token_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form was not valid; please try again.")
    token = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    ).one_or_none()
    if token is None:
        abort(404, description="You have no such token.")
    tokens.revoke(db.session, token)
    db.session.commit()
    flash(f"Token “{token.name}” revoked: requests with it are refused from now on.", "success")
    return redirect(url_for("tokens.index"))
