"""Reading coded event files: ICEWS, GDELT 1.0 and 2.0, PLOVER/POLECAT JSON.

The format is recognized from the file itself (or checked against the one asked for); files
are read as a stream, line by line, at any size: gzip is recognized by its magic number, UTF-8
(with or without a byte-order mark) and Latin-1 are recognized per line. Each reader yields
:class:`SourceEvent` for an event it could read and :class:`Problem` for a line it refused,
with the line and the column; a :class:`FormatError` stops the file (unknown format, missing
columns, a truncated gzip).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import IO, Any

from tracker.cameo import plover_code

#: The formats, as the report and ``--format`` name them, and the dataset each belongs to.
FORMATS = {"icews": "icews", "gdelt1": "gdelt", "gdelt2": "gdelt", "plover": "plover"}
FORMAT_LABELS = {"icews": "ICEWS event file", "gdelt1": "GDELT 1.0 events", "gdelt2": "GDELT 2.0 events",
                 "plover": "PLOVER/POLECAT JSON"}  # fmt: skip
#: What ``--format`` accepts: a dataset (the version is read from the file).
ASKED = ("icews", "gdelt", "plover")

ICEWS_COLUMNS = ("Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
                 "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
                 "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
                 "Longitude")  # fmt: skip
ICEWS_REQUIRED = ("Event ID", "Event Date", "Source Name", "Target Name", "CAMEO Code")
#: GDELT's columns the intake reads (the same positions in 1.0 and 2.0); SOURCEURL is the last
#: column of the 58- and 61-column files.
GDELT = {"GLOBALEVENTID": 0, "SQLDATE": 1, "Actor1Code": 5, "Actor1Name": 6, "Actor1CountryCode": 7,
         "Actor1Type1Code": 12, "Actor1Type2Code": 13, "Actor1Type3Code": 14, "Actor2Code": 15,
         "Actor2Name": 16, "Actor2CountryCode": 17, "Actor2Type1Code": 22, "Actor2Type2Code": 23,
         "Actor2Type3Code": 24, "EventCode": 26, "QuadClass": 29, "GoldsteinScale": 30}  # fmt: skip
GDELT_WIDTHS = {57: "gdelt1", 58: "gdelt1", 61: "gdelt2"}
MISSING = {"", "NA", "N/A", "NULL", "null", "None"}
_CODE = re.compile(r"[0-9]{2,4}")
#: CAMEO's three-letter actor codes that name no country: international and transnational
#: actors and regions. An actor coded so is looked up, and listed for mapping, by its name.
NOT_COUNTRIES = frozenset({
    "IGO", "NGO", "NGM", "IMG", "MNC", "UIS", "INT", "UNO", "AFR", "ASA", "EUR", "MEA", "SAM", "NAM", "CAS",
    "SAS", "SEA", "WAF", "EAF", "NAF", "SAF", "CAF", "BLK", "CRB", "CAU", "LAM", "WST", "PGS", "MDT", "BAL",
    "SCN", "EIN", "CHR", "MOS", "JEW", "BUD", "HIN", "REB", "GOV", "MIL", "COP", "OPP", "CVL", "MED", "BUS",
})  # fmt: skip
_SNIFF = 64 * 1024


class FormatError(Exception):
    """The file cannot be read on: the message says why, and where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Problem:
    """A line refused: its number, the column at fault and why."""

    line: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Actor:
    text: str = ""
    code: str = ""
    country: str = ""
    sectors: tuple[str, ...] = ()
    #: What to look the actor up by, most specific first: ``("name", text)``, ``("code", "RUS")``.
    keys: tuple[tuple[str, str], ...] = ()
    #: The key an unmatched actor is listed (and mapped) under: its country, else its name.
    broad: tuple[str, str] | None = None

    @property
    def present(self) -> bool:
        return bool(self.text or self.code or self.country)


@dataclass(frozen=True, slots=True)
class SourceEvent:
    line: int
    event_id: str
    date: date
    source: Actor
    target: Actor
    #: The CAMEO code as given (leading zeros kept); for PLOVER, the code its category maps to.
    code: str
    score: float | None = None
    story_id: str = ""
    sentence: str = ""
    publisher: str = ""
    url: str = ""
    text: str = ""
    plover_event: str | None = None


@dataclass
class Stream:
    """What was learnt while reading: the format, the encoding, the lines read."""

    format: str | None = None
    encoding: str = "utf-8"
    lines: int = 0
    latin1_lines: int = 0


def _opened(raw: IO[bytes]) -> IO[bytes]:
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _lines(raw: IO[bytes], stream: Stream) -> Iterator[str]:
    """The file's lines as text: UTF-8 where they are, Latin-1 where they are not."""
    first = True
    try:
        for number, data in enumerate(raw, start=1):
            stream.lines = number
            if first:
                first = False
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                    stream.encoding = "utf-8-sig"
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                stream.latin1_lines += 1
                if stream.encoding.startswith("utf-8") and stream.latin1_lines == number:
                    stream.encoding = "latin-1"
            yield text.rstrip("\r\n")
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise FormatError(f"the gzip file is damaged or ends early ({error})", stream.lines + 1) from None


def _peek_text(raw: IO[bytes]) -> str:
    try:
        head = raw.peek(_SNIFF)[:_SNIFF] if hasattr(raw, "peek") else b""
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise FormatError(f"the gzip file is damaged or ends early ({error})") from None
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def recognize(head: str, asked: str | None = None) -> str:
    """The format of a file from its first characters (or :class:`FormatError`)."""
    stripped = head.lstrip()
    if stripped.startswith(("[", "{")):
        found = "plover"
    else:
        first = head.split("\n", 1)[0].rstrip("\r")
        fields = first.split("\t")
        if fields[0].strip().strip('"') == "Event ID":
            found = "icews"
        elif len(fields) in GDELT_WIDTHS:
            found = GDELT_WIDTHS[len(fields)]
        elif not stripped:
            raise FormatError("the file is empty")
        else:
            raise FormatError(
                f"the format is not recognized: the first line has {len(fields)} tab-separated "
                f"field{'s' if len(fields) != 1 else ''}. "
                "An ICEWS file starts with the header “Event ID, Event Date, …”; GDELT 1.0 lines have 57 or 58 "
                "fields and GDELT 2.0 lines 61; PLOVER is a JSON array or one JSON record a line",
                1,
            )
    if asked and FORMATS[found] != asked:
        raise FormatError(f"the file was given as {asked.upper()} but reads as {FORMAT_LABELS[found]}", 1)
    return found


def read(raw: IO[bytes], stream: Stream, asked: str | None = None) -> Iterator[SourceEvent | Problem]:
    """Every event of the file, or the problem of each line refused."""
    if not hasattr(raw, "peek"):
        raw = io.BufferedReader(raw)  # type: ignore[type-var]
    raw = _opened(raw)
    if not hasattr(raw, "peek"):
        raw = io.BufferedReader(raw)  # type: ignore[type-var]
    stream.format = recognize(_peek_text(raw), asked)
    lines = _lines(raw, stream)
    if stream.format == "icews":
        yield from _icews(lines)
    elif stream.format == "plover":
        yield from _plover(lines)
    else:
        yield from _gdelt(lines, stream.format)


def _value(text: str) -> str:
    if text in MISSING:
        return ""
    text = text.strip()
    return "" if text in MISSING else text


def _day(text: str, column: str, line: int, compact: bool = False) -> date | Problem:
    """A date as GDELT writes it (``YYYYMMDD``, ``compact``) or as ICEWS and PLOVER do
    (``YYYY-MM-DD``, a time after it allowed)."""
    text = text.strip()
    try:
        if compact:
            if len(text) == 8 and text.isascii() and text.isdigit():
                return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        elif len(text) >= 10 and text[4:5] == "-" and text[:10].isascii():
            return _iso_day(text[:10])
    except ValueError:
        pass
    shown = text[:30] or "nothing"
    return Problem(line, column, f"{shown!r} is not a date ({'YYYYMMDD' if compact else 'YYYY-MM-DD'})")


@lru_cache(maxsize=4096)
def _iso_day(text: str) -> date:
    """The dates of a file repeat: each read once."""
    return date.fromisoformat(text)


def _code(text: str, column: str, line: int) -> str | Problem:
    text = text.strip()
    if _CODE.fullmatch(text) and text.isascii():
        return text
    if not text:
        return Problem(line, column, "no CAMEO code (empty or NA)")
    return Problem(line, column, f"{text[:20]!r} is not a CAMEO code (two to four digits, leading zeros kept)")


def _score(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if -10.0 <= value <= 10.0 else None


def _sectors(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _value(text).split(",") if s.strip())


def _icews(lines: Iterator[str]) -> Iterator[SourceEvent | Problem]:
    header = [h.strip().strip('"') for h in next(lines).split("\t")]
    missing = [c for c in ICEWS_REQUIRED if c not in header]
    if missing:
        raise FormatError(f"the ICEWS header lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}", 1)
    # Each column's position; a column the file lacks reads from a cell that is always empty.
    at = [header.index(name) if name in header else len(header) for name in ICEWS_COLUMNS]
    (eid, day_at, sname, ssect, scountry, text_at, code_at, intensity, tname, tsect, tcountry, story, sentence,
     publisher) = at[:14]  # fmt: skip
    width = len(header)
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != width:
            yield Problem(number, "", f"{len(cells)} fields where the header has {width}")
            continue
        cells.append("")
        event_id = _value(cells[eid])
        if not event_id:
            yield Problem(number, "Event ID", "no event id")
            continue
        day = _day(cells[day_at], "Event Date", number)
        code = _code(_value(cells[code_at]), "CAMEO Code", number)
        if isinstance(day, Problem) or isinstance(code, Problem):
            yield day if isinstance(day, Problem) else code  # type: ignore[misc]
            continue
        source = _icews_actor(_value(cells[sname]), _value(cells[scountry]), cells[ssect])
        target = _icews_actor(_value(cells[tname]), _value(cells[tcountry]), cells[tsect])
        if not (source.present or target.present):
            yield Problem(number, "Source Name", "no actor on either side (names and countries empty or NA)")
            continue
        yield SourceEvent(
            line=number, event_id=event_id[:100], date=day, source=source, target=target, code=code,
            score=_score(cells[intensity]), story_id=_value(cells[story])[:100],
            sentence=_value(cells[sentence])[:20], publisher=_value(cells[publisher])[:300],
            text=_value(cells[text_at])[:2000],
        )  # fmt: skip


@lru_cache(maxsize=8192)
def _icews_actor(name: str, country: str, sectors: str) -> Actor:
    """An actor (the same ones come back on many lines: read once)."""
    if name and country and name != country:
        keys: tuple[tuple[str, str], ...] = (("name", name), ("name", country))
    else:
        keys = (("name", name or country),) if name or country else ()
    broad = ("name", country) if country else ("name", name) if name else None
    return Actor(text=name[:300], country=country[:100], sectors=_sectors(sectors), keys=keys, broad=broad)


def _gdelt(lines: Iterator[str], fmt: str) -> Iterator[SourceEvent | Problem]:
    widths = {w for w, f in GDELT_WIDTHS.items() if f == fmt}
    c = GDELT
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) not in widths:
            yield Problem(
                number,
                "",
                f"{len(cells)} fields where {FORMAT_LABELS[fmt]} have {' or '.join(map(str, sorted(widths)))}",
            )
            continue
        event_id = cells[0].strip()
        if not event_id:
            yield Problem(number, "GLOBALEVENTID", "no event id")
            continue
        day = _day(cells[c["SQLDATE"]], "SQLDATE", number, compact=True)
        code = _code(cells[c["EventCode"]], "EventCode", number)
        if isinstance(day, Problem) or isinstance(code, Problem):
            yield day if isinstance(day, Problem) else code  # type: ignore[misc]
            continue
        url = _value(cells[-1]) if len(cells) in (58, 61) else ""
        source, target = _gdelt_actor(cells, "Actor1"), _gdelt_actor(cells, "Actor2")
        if not (source.present or target.present):
            yield Problem(number, "Actor1Code", "no actor on either side")
            continue
        yield SourceEvent(
            line=number, event_id=event_id[:100], date=day, source=source, target=target, code=code,
            score=_score(cells[c["GoldsteinScale"]]), story_id=url[:100], url=url[:2000],
        )  # fmt: skip


def _gdelt_actor(cells: list[str], which: str) -> Actor:
    c = GDELT
    code = _value(cells[c[f"{which}Code"]])
    name = _value(cells[c[f"{which}Name"]])
    country = _value(cells[c[f"{which}CountryCode"]])
    roles = [_value(cells[c[f"{which}Type{i}Code"]]) for i in (1, 2, 3)]
    if len(code) > 3 and code[:3] == country:
        roles.insert(0, code[3:6])
    if country in NOT_COUNTRIES:
        country = ""
    keys = tuple(dict.fromkeys(k for k in (("name", name), ("code", code), ("code", country)) if k[1]))
    return Actor(
        text=name.title()[:300],
        code=code[:100],
        country=country,
        sectors=tuple(dict.fromkeys(r for r in roles if r)),
        keys=keys,
        broad=_broad(country, name, code),
    )


def _broad(country: str, name: str, code: str) -> tuple[str, str] | None:
    if country:
        return ("code", country)
    if name:
        return ("name", name)
    return ("code", code) if code else None


def _plover(lines: Iterator[str]) -> Iterator[SourceEvent | Problem]:
    for number, record in _json_records(lines):
        if isinstance(record, Problem):
            yield record
            continue
        if not isinstance(record, dict):
            yield Problem(number, "", "a record is not a JSON object")
            continue
        category = str(record.get("event") or "").strip().upper()
        if category == "DOCUMENT":
            continue
        event_id = str(record.get("id") or "").strip()
        if not event_id:
            yield Problem(number, "id", "no event id")
            continue
        day = _day(str(record.get("date") or ""), "date", number)
        if isinstance(day, Problem):
            yield day
            continue
        mode = str(record.get("mode") or "").strip()
        code = plover_code(category, mode)
        if code is None:
            yield Problem(number, "event", f"{category[:30]!r} is not a PLOVER event category")
            continue
        sources, targets = _plover_actors(record.get("source")), _plover_actors(record.get("target"))
        if not targets and len(sources) > 1:  # "Hungarian and Romanian officials agreed": each other
            sources, targets = sources[:1], sources[1:]
        if not (sources or targets):
            yield Problem(number, "source", "no actor on either side")
            continue
        yield SourceEvent(
            line=number, event_id=event_id[:100], date=day,
            source=sources[0] if sources else Actor(), target=targets[0] if targets else Actor(), code=code,
            story_id=str(record.get("storyId") or record.get("story_id") or "")[:100],
            publisher=str(record.get("publication") or record.get("publisher") or "")[:300],
            url=str(record.get("url") or "")[:2000],
            text=str(record.get("text") or record.get("eventText") or "")[:2000],
            plover_event=category[:20],
        )  # fmt: skip


def _plover_actors(value: Any) -> list[Actor]:
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):  # one name; a single lower-case word is a misplaced context ("diplomatic")
        word = value.strip()
        value = [{"actorText": word}] if word and not (word.islower() and " " not in word) else []
    out = []
    for item in value or []:
        if not isinstance(item, dict):
            continue
        text = str(item.get("actorText") or item.get("text") or "").strip()
        code = str(item.get("code") or "").strip()
        sector = str(item.get("sector") or "").strip()
        country = code[:3].upper() if len(code) >= 3 and code[:3].isalpha() else ""
        if country in NOT_COUNTRIES:
            country = ""
        keys = tuple(dict.fromkeys(k for k in (("name", text), ("code", code), ("code", country)) if k[1]))
        actor = Actor(
            text=text[:300],
            code=code[:100],
            country=country,
            sectors=(sector,) if sector else (),
            keys=keys,
            broad=_broad(country, text, code),
        )
        if actor.present:
            out.append(actor)
    return out


def _json_records(lines: Iterator[str]) -> Iterator[tuple[int, Any]]:
    """Each record of a JSON array or of JSON lines, with the line it starts on, read as a
    stream (one record at a time in memory)."""
    decoder = json.JSONDecoder()
    buffer, start_line, in_array, began = "", 1, False, False
    for number, text in enumerate(lines, start=1):
        buffer += text + "\n"
        while True:
            stripped = buffer.lstrip()
            start_line = number - stripped.count("\n") + 1
            if not began:
                if not stripped:
                    break
                began = True
                if stripped.startswith("["):
                    in_array = True
                    stripped = stripped[1:]
            stripped = stripped.lstrip().lstrip(",").lstrip()
            if not stripped or (in_array and stripped.startswith("]")):
                buffer = ""
                break
            try:
                record, end = decoder.raw_decode(stripped)
            except json.JSONDecodeError as error:
                if error.msg.startswith("Unterminated string") or error.pos >= len(stripped.rstrip()):
                    buffer = stripped  # the record goes on on the next line
                    break
                where = start_line + stripped.count("\n", 0, error.pos)
                if in_array:
                    raise FormatError(f"the JSON array is broken ({error.msg})", where) from None
                yield where, Problem(where, "", f"not JSON: {error.msg}")
                buffer = ""  # JSON lines: go on with the next line
                break
            yield start_line, record
            buffer = stripped[end:]
        if len(buffer) > 16 * 1024 * 1024:
            raise FormatError("a JSON record is longer than 16 MB", start_line)
    if buffer.strip() and buffer.strip() != "]":
        raise FormatError("the JSON ends in the middle of a record", start_line)
