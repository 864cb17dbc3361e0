"""Writing CSV that spreadsheets open safely: RFC 4180 quoting, UTF-8 (optional BOM), and
formula injection neutralised in every text cell. Rows stream out as they come."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context

#: A text cell whose first character (after optional leading whitespace) is one of these
#: would be read as a formula by a spreadsheet.
FORMULA_STARTS = frozenset("=+-@\t\r\n\0")
BOM = "\ufeff"
_SAFE_FILENAME = re.compile(r"[^a-z0-9.-]+")


def _dangerous(value: str) -> bool:
    """Whether ``value``, once any leading apostrophes are gone, would start a formula."""
    core = value.lstrip("'")
    return bool(core) and (core[0] in FORMULA_STARTS or core.lstrip()[:1] in FORMULA_STARTS)


def neutralise(value: str) -> str:
    """Prefix an apostrophe to a text that a spreadsheet would run as a formula.

    A text that itself starts with apostrophes before such a character gets one more, so
    that :func:`restore` can always tell the added apostrophe from the user's own.
    """
    if not value:
        return value
    first = value[0]
    if first not in FORMULA_STARTS and first != "'" and not first.isspace():
        return value  # the common case, decided by the first character
    return "'" + value if _dangerous(value) else value


def restore(value: str) -> str:
    """Undo :func:`neutralise` on import: drop the apostrophe it added, and only that one."""
    if value.startswith("'") and _dangerous(value[1:]):
        return value[1:]
    return value


def cell(value: object) -> object:
    """A value as written: text neutralised; numbers and dates as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


class _Line:
    """A file-like sink that hands back what ``csv.writer`` wrote for one row."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def lines(
    header: list[str], rows: Iterable[Iterable[object]], *, bom: bool = False, prepared: bool = False, batch: int = 500
) -> Iterator[str]:
    """The CSV text (CRLF line ends, minimal quoting), header first, ``batch`` rows a chunk.

    ``prepared`` rows have their text cells neutralised already (see :func:`cell`).
    """
    sink = _Line()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(header)
    yield (BOM if bom else "") + sink.take()
    pending: list[Iterable[object]] = []
    for row in rows:
        pending.append(row if prepared else [cell(v) for v in row])
        if len(pending) == batch:
            writer.writerows(pending)
            pending.clear()
            yield sink.take()
    if pending:
        writer.writerows(pending)
        yield sink.take()


def filename(*parts: str, today: date | None = None) -> str:
    """``camp-david-accords-activities-2026-11-28.csv``: what the file holds, and the date."""
    stem = "-".join(_SAFE_FILENAME.sub("-", p.lower()).strip("-") for p in parts if p)
    return f"{stem}-{(today or date.today()).isoformat()}.csv"


def response(
    header: list[str], rows: Iterable[Iterable[object]], name: str, *, bom: bool = False, prepared: bool = False
) -> Response:
    """A streamed ``text/csv`` download of ``rows`` named ``name``."""
    body = stream_with_context(chunk.encode("utf-8") for chunk in lines(header, rows, bom=bom, prepared=prepared))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
