"""What every typed input shares: located problems and a reader that collects them.

A door (form, CSV row, seed file, JSON body) hands a plain mapping to an input's ``parse``;
the reader converts each field with a rule of :mod:`tracker.rules` and collects every problem
with the field it belongs to, so the door can show it where the person typed the value.
Fields of nested lists are named as paths: ``sources/0/url``, ``parties/2/role``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from tracker import rules
from tracker.vocab import DatePrecision, Vocab

V = TypeVar("V", bound=Vocab)


@dataclass(frozen=True)
class Problem:
    """One field's problem: ``field`` is its name or path, ``message`` a readable reason."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class Invalid(rules.RuleError):
    """An input broke rules; ``problems`` lists each with its field (never empty)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def as_text(value: object) -> object:
    """YAML reads ``1978`` as a number and ``1978-09-17`` as a date: take them as the text
    they were. Anything else is left for the rule to accept or refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, date)):
        return str(value)
    return value


def empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Reader:
    """Reads the fields of one raw mapping, collecting problems instead of stopping."""

    def __init__(self, raw: Mapping[str, Any], *, prefix: str = "", allowed: Iterable[str] | None = None) -> None:
        self.raw = raw
        self.prefix = prefix
        self.problems: list[Problem] = []
        if allowed is not None:
            for key in sorted(set(raw) - set(allowed), key=str):
                self.add(str(key), "unknown field")

    def add(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.prefix + field, message))

    def get(self, name: str, parse: Callable[[Any], Any], *, required: bool = False, default: Any = None) -> Any:
        """``parse`` of the field's value; ``default`` when it is empty or refused."""
        value = self.raw.get(name)
        if empty(value):
            if required:
                self.add(name, "is required")
            return default
        try:
            return parse(value)
        except rules.FieldError as error:
            self.add(error.field if error.field != name else name, str(error))
        except rules.RuleError as error:
            self.add(name, str(error))
        return default

    def check(self, field: str, rule: Callable[[], Any]) -> None:
        """Run a rule over several fields; its problem goes to the field it names, or ``field``."""
        try:
            rule()
        except rules.FieldError as error:
            self.add(error.field, str(error))
        except rules.RuleError as error:
            self.add(field, str(error))

    def items(self, name: str) -> list[Any]:
        """The field's list of items (empty when absent)."""
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        if not isinstance(value, (list, tuple)):
            self.add(name, "expected a list")
            return []
        return list(value)

    def absorb(self, other: Reader) -> None:
        self.problems.extend(other.problems)

    def done(self) -> None:
        if self.problems:
            raise Invalid(self.problems)


def vocab(kind: type[V]) -> Callable[[object], V]:
    """A parser of ``kind``'s keys (a member passes as itself)."""

    def parse(value: object) -> V:
        if isinstance(value, kind):
            return value
        return rules.vocab(kind, as_text(value))

    return parse


def text(name: str, *, required: bool = False) -> Callable[[object], str]:
    return lambda value: rules.text(as_text(value), name, required=required)


def start_date(value: object) -> tuple[date, DatePrecision]:
    """``1978`` is 1978-01-01 at year precision (a parsed pair passes as itself)."""
    if isinstance(value, tuple):
        return value
    return rules.partial_date(as_text(value))


def end_date(value: object) -> tuple[date, DatePrecision]:
    """The end of a span: ``1995`` is 1995-12-31 at year precision."""
    if isinstance(value, tuple):
        return value
    return rules.partial_end(as_text(value))


def party_ref(value: object) -> int | str:
    """A party: its id (a number), or its name (text) where a door names parties, to be
    resolved to an id before a service is called."""
    if isinstance(value, str):
        return rules.text(value, "name", required=True)
    return record_id(value)


def record_id(value: object) -> int:
    """Another record's id: a positive integer the databases can hold (``True`` is not one)."""
    return rules.record_id(value)
