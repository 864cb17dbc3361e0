"""Fields for the codebook vocabularies, partial dates and free text."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from tracker import rules
from tracker.forms.validators import clean_text, rule
from tracker.vocab import Vocab


def vocab_field(vocab: type[Vocab], label: str, *, required: bool = True, description: str = "") -> SelectField:
    """A select of the vocabulary's labels posting its keys; unknown keys are refused."""
    choices = ([] if required else [("", "—")]) + vocab.choices()
    if required:
        choices = [("", "Choose…"), *choices]
    return SelectField(
        label,
        choices=choices,
        validate_choice=False,
        validators=[DataRequired() if required else Optional(), rule(lambda key: rules.vocab(vocab, key))],
        description=description,
    )


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multi-valued vocabulary (motives, kinds of support)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def vocab_multi_field(vocab: type[Vocab], label: str, description: str = "") -> MultiCheckboxField:
    def check(keys: list[str]) -> list[Vocab]:
        return [rules.vocab(vocab, key) for key in keys]

    return MultiCheckboxField(
        label, choices=vocab.choices(), validate_choice=False, validators=[rule(check)], description=description
    )


def text_field(
    label: str, name: str, *, required: bool = False, area: bool = False, description: str = "", **kw: Any
) -> StringField:
    """Free text cleaned by the text rule; the limit also shows as ``maxlength``."""
    cls = TextAreaField if area else StringField
    limit = rules.MAX_LENGTH.get(name)
    render_kw = {"maxlength": limit} if limit and not area else {}
    if area:
        render_kw["rows"] = 4
    validators = [DataRequired()] if required else [Optional(strip_whitespace=False)]
    return cls(
        label,
        validators=[*validators, clean_text(name, required=required)],
        description=description,
        render_kw=render_kw | kw,
    )


class PartialDateField(StringField):
    """A text field whose data becomes ``(date, precision)`` once validated, but which always
    shows what the person typed (or, on a form opened on a record, the date as recorded)."""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if isinstance(self.data, tuple):
            return rules.format_partial_date(*self.data)
        return "" if self.data is None else str(self.data)


def partial_date_field(
    label: str, *, required: bool = True, end: bool = False, description: str = "", check: Any = None
) -> StringField:
    """A date at day, month or year precision: ``1978-09-17``, ``1978-09`` or ``1978``.

    Once validated its data is ``(date, precision)``: the first day of the period, or the
    last with ``end`` (the end of a span). :func:`show_partial_dates` fills it from a
    record; the record's input splits it into the date and its precision.
    """
    hint = "YYYY-MM-DD, or YYYY-MM / YYYY when the record is no more precise."
    return PartialDateField(
        label,
        validators=[DataRequired() if required else Optional(), rule(rules.partial_end if end else rules.partial_date),
                    *([check] if check else [])],
        description=f"{description} {hint}".strip(),
        render_kw={"placeholder": "YYYY-MM-DD", "inputmode": "numeric", "maxlength": 10},
    )  # fmt: skip


def show_partial_dates(form: Any, record: Any, *names: str) -> None:
    """Fill the partial-date fields of a form opened on ``record`` with its dates as given."""
    for name in names:
        value = getattr(record, name)
        form[name].data = rules.format_partial_date(value, getattr(record, f"{name}_precision")) if value else ""


def version_field() -> IntegerField:
    """The record version the form was opened on (the lost-update check)."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])
