"""Typed inputs of the flat records, built from a table of their fields.

Each field names its parser (a rule of :mod:`tracker.rules` that also accepts its own clean
output, so an input can be re-checked as it stands), whether it is required, and its column
when that differs; a partial date gives two columns, the date and its precision. The rules
between fields are each input's ``across``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from tracker import rules
from tracker.inputs.base import Invalid, Problem, Reader, end_date, start_date
from tracker.vocab import DatePrecision


@dataclass(frozen=True)
class Spec:
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None
    #: The record's column, when it is not the field's name (``party`` → ``party_id``).
    column: str | None = None
    #: A partial date: the value is ``(date, precision)``, stored in two columns.
    date: bool = False


def start(required: bool = False) -> Spec:
    return Spec(start_date, required=required, date=True)


def end() -> Spec:
    return Spec(end_date, date=True)


class RecordInput:
    """Base of the flat inputs: ``parse`` a door's mapping, re-check with ``checked``."""

    SPEC: ClassVar[dict[str, Spec]]

    @classmethod
    def parse(cls, raw: Mapping[str, Any], *, allow_unknown: bool = False) -> Any:
        """Every field of ``raw`` read and checked; :class:`Invalid` lists every problem."""
        r = Reader(raw, allowed=None if allow_unknown else cls.SPEC)
        values = {
            name: r.get(name, spec.parse, required=spec.required, default=spec.default)
            for name, spec in cls.SPEC.items()
        }
        cls.across(r, values, said={p.field.split("/")[0] for p in r.problems})
        r.done()
        return cls(**values)

    @classmethod
    def across(cls, r: Reader, values: dict[str, Any], said: set[str]) -> None:
        """The rules between fields (those whose fields already have a problem are skipped)."""

    def problems(self) -> list[Problem]:
        """The rules over this input as it stands (a service calls this on whatever it is given)."""
        values = {name: getattr(self, name) for name in self.SPEC}
        r = Reader(dict(values.items()))
        for name, spec in self.SPEC.items():
            clean = r.get(name, spec.parse, required=spec.required, default=spec.default)
            if not any(p.field == name for p in r.problems) and clean != values[name] and values[name] is not None:
                r.add(name, "is not in its clean form (surrounding spaces?)")
        self.across(r, values, said={p.field for p in r.problems})
        return r.problems

    def checked(self) -> Any:
        problems = self.problems()
        if problems:
            raise Invalid(problems)
        return self

    def columns(self) -> dict[str, Any]:
        """The record's column values."""
        out: dict[str, Any] = {}
        for name, spec in self.SPEC.items():
            value = getattr(self, name)
            column = spec.column or name
            if spec.date:
                out[column], out[f"{column}_precision"] = value if value else (None, DatePrecision.DAY)
            else:
                out[column] = value
        return out

    def ids(self, *fields: str) -> None:
        """Refuse parties still given by name: a door resolves names before calling a service."""
        for name in fields:
            value = getattr(self, name)
            if isinstance(value, str):
                raise Invalid([Problem(name, f"no party named {value!r}")])

    def replace(self, **changes: Any) -> Any:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def day(value: Any) -> Any:
    """The date of a parsed partial date (``None`` stays ``None``)."""
    return value[0] if isinstance(value, tuple) else value


def check_order(r: Reader, values: dict[str, Any], said: set[str], first: str, last: str, label: str) -> None:
    """An end is never before its start."""
    if not {first, last} & said:
        r.check(last, lambda: rules.date_order(day(values.get(first)), day(values.get(last)), end_field=label))
