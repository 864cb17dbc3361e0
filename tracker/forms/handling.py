"""The one way a form is submitted: validate, save through a service, commit, redirect;
or keep the user's entries with every error beside its field."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.forms.inputs import show
from tracker.inputs.base import Invalid
from tracker.rules import FieldError, RuleError, as_sentence
from tracker.saving import StaleEdit


def submit(form: FlaskForm, save: Callable[[], str], *, done: str | Callable[[], str] = "Saved.") -> Response | None:
    """Save a valid submitted ``form`` with ``save()`` (which returns where to go next);
    ``done`` is the message shown next (or makes it once saved, to link to the record).

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
    except Invalid as invalid:
        db.session.rollback()
        locate = getattr(form, "locate", lambda path: path)  # an InputForm's rows may be left empty
        for problem in invalid.problems:
            show(form, locate(problem.field), problem.message)
        return None
    except FieldError as error:
        db.session.rollback()
        show(form, error.field, str(error))
        return None
    except RuleError as error:
        db.session.rollback()
        form.form_errors.append(as_sentence(str(error)))
        return None
    flash(done() if callable(done) else done, "success")
    return redirect(target)


def confirm_delete(
    what: str,
    delete: Callable[[], str],
    *,
    cancel_url: str,
    dependents: dict[str, int] | None = None,
    blockers: dict[str, int] | None = None,
    note: str | None = None,
) -> Response | tuple[str, int]:
    """The one deletion flow: GET shows what goes with the record (or what blocks it); a valid
    POST calls ``delete()`` (which returns where to go), commits and redirects.

    A blocked deletion answers 409 to a POST and never calls ``delete``.
    """
    from flask import render_template, request

    from tracker.forms.common import ConfirmForm

    form = ConfirmForm()
    blocked = bool(blockers and any(blockers.values()))
    if form.validate_on_submit() and not blocked:
        target = delete()
        db.session.commit()
        flash(f"Deleted {what}.", "success")
        return redirect(target)
    page = render_template(
        "confirm_delete.html", form=form, what=what, dependents=dependents,
        blockers=blockers if blocked else None, note=note, cancel_url=cancel_url,
    )  # fmt: skip
    return page, 409 if blocked and request.method == "POST" else 200
