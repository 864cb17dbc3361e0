"""Time buckets: month, quarter or year, chosen from a span, computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from tracker.models import Activity


class _DatePart(FunctionElement):
    """The year or month of a DATE column as an integer, as cheaply as each database allows."""

    type = sa.Integer()
    inherit_cache = True

    def __init__(self, part: str, column: Any) -> None:
        self.part = part
        super().__init__(column)


@compiles(_DatePart)
def _date_part_default(element: _DatePart, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"CAST(EXTRACT({element.part} FROM {compiler.process(column, **kw)}) AS INTEGER)"


@compiles(_DatePart, "sqlite")
def _date_part_sqlite(element: _DatePart, compiler: Any, **kw: Any) -> str:
    """SQLite keeps dates as ``YYYY-MM-DD`` text: slicing it beats ``strftime``."""
    (column,) = element.clauses
    start, length = (1, 4) if element.part == "year" else (6, 2)
    return f"CAST(substr({compiler.process(column, **kw)}, {start}, {length}) AS INTEGER)"


@dataclass(frozen=True)
class Bucketing:
    """How dates fall into buckets: ``unit`` is ``month``, ``quarter`` or ``year``."""

    unit: str

    def columns(self, column: Any = Activity.date) -> list[sa.ColumnElement[int]]:
        """SQL expressions whose values identify a bucket (year, then month or quarter)."""
        year = _DatePart("year", column).label("b_year")
        if self.unit == "year":
            return [year]
        month = _DatePart("month", column)
        if self.unit == "month":
            return [year, month.label("b_part")]
        return [year, ((month + 2) // 3).label("b_part")]

    def key(self, row: Any) -> tuple[int, int]:
        """A sortable key from a result row holding the bucket columns."""
        return (int(row.b_year), int(getattr(row, "b_part", 1) or 1))

    def label(self, key: tuple[int, int]) -> str:
        year, part = key
        if self.unit == "year":
            return f"{year:04d}"
        if self.unit == "month":
            return f"{year:04d}-{part:02d}"
        return f"{year:04d}-Q{part}"

    def start(self, key: tuple[int, int]) -> date:
        year, part = key
        if self.unit == "year":
            return date(year, 1, 1)
        if self.unit == "month":
            return date(year, part, 1)
        return date(year, 3 * part - 2, 1)

    def end(self, key: tuple[int, int]) -> date:
        nxt = self.following(key)
        return date.fromordinal(self.start(nxt).toordinal() - 1)

    def following(self, key: tuple[int, int]) -> tuple[int, int]:
        year, part = key
        last = {"year": 1, "month": 12, "quarter": 4}[self.unit]
        return (year + 1, 1) if part >= last else (year, part + 1)

    def span(self, first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
        """Every bucket from ``first`` to ``last``, none skipped (empty ones included)."""
        keys, key = [], first
        while key <= last:
            keys.append(key)
            key = self.following(key)
        return keys

    def of(self, day: date) -> tuple[int, int]:
        if self.unit == "year":
            return (day.year, 1)
        if self.unit == "month":
            return (day.year, day.month)
        return (day.year, (day.month + 2) // 3)


def choose(first: date | None, last: date | None) -> Bucketing:
    """Months for spans up to three years, quarters up to twelve, years beyond."""
    if first is None or last is None:
        return Bucketing("year")
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= 36:
        return Bucketing("month")
    if months <= 144:
        return Bucketing("quarter")
    return Bucketing("year")
