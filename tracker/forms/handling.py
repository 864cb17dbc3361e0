"""The one way a form is submitted: validate, save through a service, commit, redirect;
or keep the user's entries with every error beside its field."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.rules import FieldError, RuleError, as_sentence
from tracker.saving import StaleEdit


def submit(form: FlaskForm, save: Callable[[], str], *, done: str = "Saved.") -> Response | None:
    """Save a valid submitted ``form`` with ``save()`` (which returns where to go next).

    Returns the redirect on success; ``None`` when the form must be shown again, with the
    errors on the form (``form.stale`` holds a :class:`StaleEdit` after a lost-update check).
    """
    form.stale = None
    if not form.validate_on_submit():
        return None
    try:
        target = save()
        db.session.commit()
    except StaleEdit as stale:
        db.session.rollback()
        form.stale = stale
        form.version.data = stale.version
        form.version.raw_data = [str(stale.version)]
        return None
    except FieldError as error:
        db.session.rollback()
        field = getattr(form, error.field, None)
        if field is not None:
            field.errors = [*field.errors, as_sentence(str(error))]
        else:
            form.form_errors.append(as_sentence(str(error)))
        return None
    except RuleError as error:
        db.session.rollback()
        form.form_errors.append(as_sentence(str(error)))
        return None
    flash(done, "success")
    return redirect(target)

