"""Sign-in and user-management forms; the rules they apply live in ``tracker.rules`` and the
user input (``tracker.inputs.records.UserInput``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker import rules
from tracker.forms.inputs import InputForm
from tracker.forms.validators import rule
from tracker.inputs.records import UserInput
from tracker.vocab import UserRole


class SignInForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


class NewUserForm(InputForm):
    input_type = UserInput

    email = EmailField("E-mail", validators=[DataRequired(), rule(rules.email)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=UserRole.choices(), default=UserRole.ANALYST.value)
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), rule(rules.password)],
        description="At least 10 characters. Give it to the user through a separate channel.",
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Create user")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})  # fmt: skip
    password = PasswordField("New password", validators=[DataRequired(), rule(rules.password)],
                             description="At least 10 characters.", render_kw={"autocomplete": "new-password"})  # fmt: skip
    repeat = PasswordField("New password again", validators=[DataRequired(), EqualTo("password", "The two new passwords differ.")],
                           render_kw={"autocomplete": "new-password"})  # fmt: skip
    submit = SubmitField("Change password")


class EditUserForm(InputForm):
    input_type = UserInput

    email = EmailField("E-mail", validators=[DataRequired(), rule(rules.email)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=UserRole.choices())
    active = BooleanField("Active", description="Deactivating ends every session of the user.")
    submit = SubmitField("Save")
