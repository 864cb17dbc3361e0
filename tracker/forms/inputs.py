"""Forms that map their entries onto a typed input (``tracker.inputs``) and put each of its
problems back beside the field that holds it.

The fields keep their own validators for what one field can say by itself (a date that is
not on the calendar, an unknown key); every rule over the record, and every rule a door other
than the form also needs, is the input's, written once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, SelectField

from tracker.inputs.base import Invalid
from tracker.rules import as_sentence


def field_at(form: FlaskForm, path: str) -> Field | None:
    """The field a problem's path names: ``title``, ``sources/0/url``, ``parties/2/role``
    (``None`` when the form has no such field)."""
    trail = _trail(form, path)
    return trail[-1] if trail else None


def _trail(form: FlaskForm, path: str) -> list[Any]:
    """The fields from the form down to the one ``path`` names (empty when there is none)."""
    node: object = form
    trail: list[Any] = []
    for step in path.split("/"):
        if isinstance(node, FieldList):
            node = node.entries[int(step)] if step.isdigit() and int(step) < len(node.entries) else None
        elif isinstance(node, FormField):
            node = node.form._fields.get(step)
        elif isinstance(node, FlaskForm):
            node = node._fields.get(step)
        else:
            return []
        if node is None:
            return []
        trail.append(node)
    return trail if isinstance(node, Field) else []


def _said(field: Field) -> bool:
    errors = field.errors
    if isinstance(errors, dict):
        return bool(errors)
    return any(e for e in errors)


def show(form: FlaskForm, path: str, message: str) -> None:
    """A problem beside its field, or at the top of the form when no field holds it."""
    trail = _trail(form, path)
    if not trail:
        form.form_errors.append(as_sentence(message))
        return
    field = trail[-1]
    field.errors = [*field.errors, as_sentence(message)] if isinstance(field.errors, list) else [as_sentence(message)]
    # WTForms keeps the errors of nested forms and lists as computed while validating:
    # bring every enclosing one up to date, so the form (and its banner) sees the problem.
    for outer in reversed(trail[:-1]):
        if isinstance(outer, FormField):
            outer.form._errors = None
        elif isinstance(outer, FieldList):
            outer.errors = [e for e in outer.errors if isinstance(e, str)] + [
                e.errors for e in outer.entries if e.errors
            ]
    form._errors = None


class InputForm(FlaskForm):
    """A form whose valid entries become ``input_type.parse(self.raw())``, kept in ``parsed``."""

    input_type: ClassVar[Any]
    parsed: Any = None

    def raw(self) -> dict[str, Any]:
        """The entries as the input reads them: each field of the input's table that the form
        has (a party list's "Choose…", 0, is no party)."""
        raw = {}
        for name in self.input_type.SPEC:
            if name in self._fields:
                value = self._fields[name].data
                raw[name] = None if isinstance(self._fields[name], SelectField) and value == 0 else value
        return raw

    def locate(self, path: str) -> str:
        """The form's path for a problem of the input (rows of a list may be left empty)."""
        return path

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        self.parsed = None
        try:
            parsed = self.input_type.parse(self.raw())
        except Invalid as invalid:
            for problem in invalid.problems:
                path = self.locate(problem.field)
                field = field_at(self, path)
                if field is None or not _said(field):  # a field's own check may have said it already
                    show(self, path, problem.message)
            return False
        if ok:
            self.parsed = parsed
        return ok
