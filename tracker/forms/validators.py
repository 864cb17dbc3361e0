"""WTForms validators that apply the rules of ``tracker.rules`` (written once, there)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

from tracker import rules
from tracker.rules import as_sentence


def rule(check: Callable[[Any], Any], *, replace: bool = True) -> Callable[[Form, Field], None]:
    """Run ``check(field.data)``; its ``RuleError`` becomes the field's error message.

    With ``replace``, the field's data becomes what ``check`` returns (cleaned, parsed).
    Empty values are left to ``DataRequired``/``Optional``.
    """

    def validate(_form: Form, field: Field) -> None:
        if field.data in (None, "", []):
            return
        try:
            value = check(field.data)
        except rules.RuleError as error:
            raise ValidationError(as_sentence(str(error))) from None
        if replace:
            field.data = value

    return validate


def clean_text(name: str, *, required: bool = False) -> Callable[[Form, Field], None]:
    """The text rule (no control characters, within the length limit of ``name``)."""

    def validate(_form: Form, field: Field) -> None:
        try:
            field.data = rules.text(field.data, name, required=required)
        except rules.RuleError as error:
            raise StopValidation(as_sentence(str(error))) from None

    return validate
