"""Reading an uploaded CSV: encoding, header and shape, with every problem located.

Line numbers are what a spreadsheet shows: the header is line 1, the first record line 2
(a record with a newline inside a quoted cell still counts as one line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker.exports.columns import Column
from tracker.exports.csvfile import BOM

#: Errors listed in a report; the rest are counted.
LISTED_ERRORS = 100


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Problems:
    """The first :data:`LISTED_ERRORS` problems, and how many there were in all."""

    listed: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.listed) < LISTED_ERRORS:
            self.listed.append(Problem(line, column, reason))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def unlisted(self) -> int:
        return self.total - len(self.listed)


@dataclass
class Plan:
    """What an import would do: its rows (each with an ``action``), its problems, or why the
    file could not be read at all."""

    rows: list = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    fatal: str | None = None

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.problems


class Unreadable(Exception):
    """The file as a whole cannot be read (empty, binary, wrong encoding, bad header)."""


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a BOM; anything else is refused with the reason."""
    if not data.strip():
        raise Unreadable("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("The file is in UTF-16; save it as CSV UTF-8 and upload it again.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        kind = "a binary file" if b"\x00" in data[:4096] else "not UTF-8 (perhaps Windows-1252 or Latin-1)"
        raise Unreadable(
            f"The file is {kind}: undecodable byte at line {line}. Save it as CSV UTF-8 and upload it again."
        ) from None
    if "\x00" in text[:4096] and text.count("\x00") > len(text) // 100:
        raise Unreadable("The file is binary, not CSV text.")
    return text.removeprefix(BOM)


def records(text: str, spec: list[Column], problems: Problems) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, {column: value})`` for each record of the right shape; the rest become problems.

    Raises :class:`Unreadable` for a header that is missing, duplicated, unknown or incomplete.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise Unreadable(f"The first line is not a CSV header ({error or 'no lines'}).") from None
    header = [h.strip() for h in header]
    _check_header(header, spec)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line += 1
            problems.add(line, "", f"not valid CSV ({error}); check the quotes on this line")
            return
        line += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(line, "", f"has {len(row)} cells where the header has {len(header)}")
            continue
        yield line, dict(zip(header, row, strict=True))


def _check_header(header: list[str], spec: list[Column]) -> None:
    known = {c.name for c in spec}
    if not any(header):
        raise Unreadable("The first line must be the header: the column names of the data dictionary.")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise Unreadable(f"The header repeats the column(s) {', '.join(duplicates)}.")
    unknown = [h for h in header if h not in known]
    if unknown:
        raise Unreadable(
            f"Unknown column(s) in the header: {', '.join(repr(u) for u in unknown)}. "
            "The data dictionary lists the columns an import takes."
        )
    missing = [c.name for c in spec if c.required and c.name not in header]
    if missing:
        raise Unreadable(f"The header lacks the required column(s): {', '.join(missing)}.")
