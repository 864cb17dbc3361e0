"""Forms with no fields of their own: they carry the CSRF token of a POST."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """Confirms a deletion, a sign-out or another action that only needs a POST."""
