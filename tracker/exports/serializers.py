"""Records as the data dictionary names their fields: one getter per column of
:mod:`tracker.exports.columns`, shared by the CSV exports and the JSON API.

A getter takes one item of a row stream (a query's row, labelled as the getter reads it) and
returns a plain value: text, a number, ``None`` for nothing. Free text is marked, so the CSV
writer neutralises it (formula injection) and JSON leaves it as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from tracker.exports import columns
from tracker.exports.csvfile import neutralise


@dataclass(frozen=True)
class Getter:
    get: Callable[[Any], Any]
    #: Free text (names, titles, notes): neutralised in CSV cells.
    text: bool = False
    #: Set when the value is the row's own under this label (read directly on the hot path).
    label: str | None = None
    #: The value in JSON, when it differs from the cell (a list rather than names joined).
    json: Callable[[Any], Any] | None = None


def field(label: str, *, text: bool = False) -> Getter:
    """The row's value under ``label`` as it is."""
    if not label.isidentifier():
        raise ValueError(f"{label!r} is not a field name")
    return Getter(attrgetter(label), text=text, label=label)


def _checked(table: dict[str, Getter], cols: list[columns.Column]) -> list[Getter]:
    names = columns.names(cols)
    if set(table) != set(names):
        raise LookupError(f"getters and columns differ: {sorted(set(table) ^ set(names))}")
    return [table[name] for name in names]


def csv_row(table: dict[str, Getter], cols: list[columns.Column]) -> Callable[[Any], list[Any]]:
    """An item as the CSV row of ``cols``, in their order, free text neutralised.

    The row is built by one function made for the table (a list display of the cells, the
    row's own fields read directly, the others through their getters): the export calls it
    once per row, so it is written out rather than looped over (as ``namedtuple`` does).
    """
    getters = _checked(table, cols)
    cells = []
    for k, g in enumerate(getters):
        value = f"item.{g.label}" if g.label else f"get[{k}](item)"
        cells.append(f"neutralise({value})" if g.text else value)
    source = f"def row(item):\n    return [{', '.join(cells)}]\n"
    namespace: dict[str, Any] = {"get": [g.get for g in getters], "neutralise": _neutralise}
    exec(compile(source, f"<csv row of {cols[0].name}>", "exec"), namespace)
    return namespace["row"]


def json_record(table: dict[str, Getter], cols: list[columns.Column]) -> Callable[[Any], dict[str, Any]]:
    """An item as a JSON object keyed by the data dictionary's column names."""
    pairs = [(c.name, g.json or g.get) for c, g in zip(cols, _checked(table, cols), strict=True)]
    return lambda item: {name: get(item) for name, get in pairs}


def _neutralise(value: Any) -> Any:
    return neutralise(value) if value else value
