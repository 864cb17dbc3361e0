"""Validation rules of the domain, each written once.

Forms, the seed loader, the CSV import and the API call these; each raises
:class:`RuleError` with a message meant for the person who typed the value.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

from tracker import cameo
from tracker.vocab import (
    CONTEXT_TYPES,
    RECOGNIZABLE_KINDS,
    RECOGNIZER_KINDS,
    STATEMENT_TYPES,
    ActivityType,
    DatePrecision,
    Incentive,
    PartyKind,
    Role,
    Side,
    Vocab,
)

V = TypeVar("V", bound=Vocab)

#: Longest accepted value of each free-text field, in characters.
MAX_LENGTH = {
    "name": 200,
    "alias": 200,
    "full_name": 300,
    "region": 120,
    "title": 300,
    "citation": 1000,
    "url": 2000,
    "source": 500,
    "summary": 20_000,
    "description": 20_000,
    "notes": 5_000,
    "note": 5_000,
    "slug": 80,
    "external_id": 40,
    "pax_process": 120,
    "email": 254,
    "user_name": 120,
    "token_name": 80,
    "cameo_code": 4,
}

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RuleError(ValueError):
    """A value broke a rule; ``str(error)`` is the message to show."""


class FieldError(RuleError):
    """A rule broken by one field's value (``field`` names the form field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def vocab(kind: type[V], key: object) -> V:
    """The member of vocabulary ``kind`` for ``key``; refuses unknown keys."""
    if not isinstance(key, str):
        raise RuleError(f"expected a {kind.__name__} key, got {key!r}")
    try:
        return kind.parse(key)
    except ValueError as error:
        raise RuleError(str(error)) from None


def partial_date(text: object) -> tuple[date, DatePrecision]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into the first day and its precision."""
    if isinstance(text, date):
        return text, DatePrecision.DAY
    if not isinstance(text, str) or not (match := _PARTIAL_DATE.match(text.strip())):
        raise RuleError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        value = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise RuleError(f"{text!r} is not a date on the calendar") from None
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return value, precision


def period_end(value: date, precision: DatePrecision | str) -> date:
    """The last day of the period a partial date names (``1978`` → 1978-12-31)."""
    if precision == DatePrecision.YEAR:
        return date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


def partial_end(text: object) -> tuple[date, DatePrecision]:
    """Parse the end of a span (``until``, an end date): ``1995`` means to its last day."""
    value, precision = partial_date(text)
    return period_end(value, precision), precision


def format_partial_date(value: date, precision: DatePrecision | str) -> str:
    """ISO 8601 at the recorded precision: ``1978``, ``1978-09`` or ``1978-09-17``."""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def date_order(start: date | None, end: date | None, *, end_field: str = "end date") -> None:
    """An end is never before its start."""
    if start is not None and end is not None and end < start:
        raise RuleError(f"the {end_field} ({end.isoformat()}) is before the start ({start.isoformat()})")


#: The largest record id: the databases' 4-byte integer keys (an id past it is no record).
MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")


def record_id(value: object) -> int:
    """Another record's id: a positive integer the databases can hold, or its ASCII digits
    (``True`` is not one; nor are Unicode digits such as ``²``, which ``str.isdigit`` accepts)."""
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise RuleError(f"{value!r} is not a record id")
    return value


def whole_number(value: object, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` written in ASCII digits."""
    text = value.strip() if isinstance(value, str) else ""
    if not re.fullmatch(r"-?[0-9]{1,12}", text) or not low <= int(text) <= high:
        raise RuleError(f"{value!r} is not a whole number from {low} to {high}")
    return int(text)


#: Unicode's control characters (category Cc) but newline, tab and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text(value: object, field: str, *, required: bool = False) -> str:
    """Clean free text: no NUL or control characters (but newlines and tabs), within limits."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RuleError(f"expected text, got {value!r}")
    value = value.strip()
    if required and not value:
        raise RuleError("this field is required")
    bad = _CONTROL.search(value)
    if bad:
        raise RuleError(f"contains a control character ({bad.group()!r}); remove it")
    limit = MAX_LENGTH.get(field)
    if limit is not None and len(value) > limit:
        raise RuleError(f"is {len(value)} characters long; the limit is {limit}")
    return value


def slug(value: object) -> str:
    """Lower-case letters, digits and single hyphens, at most 80 characters."""
    if not isinstance(value, str) or not _SLUG.match(value) or len(value) > 80:
        raise RuleError(f"{value!r} is not a slug: use lower-case letters, digits and hyphens")
    return value


def url(value: object) -> str | None:
    """An absolute http(s) URL, or ``None`` for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = text(value, "url")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or " " in value:
        raise RuleError(f"{value!r} is not a valid http(s) URL")
    return value


def source(citation: object, link: object) -> tuple[str, str | None]:
    """A source needs a citation or a valid URL (or both)."""
    citation_text = text(citation, "citation")
    link_value = url(link)
    if not citation_text and not link_value:
        raise RuleError("a source needs a citation or a URL")
    return citation_text, link_value


def participation_shape(
    role: Role,
    *,
    supports: object,
    support_kinds: list,
    capacity: object,
    leverage: object,
    motives: list,
    side: Side | None = None,
) -> list[FieldError]:
    """What a role must and must not carry: a direct party may have a side; a supporter says
    whom it supports; a third party has a capacity; the other roles carry none of these.
    Returns every problem at once (each a :class:`FieldError` naming its field)."""
    problems = []
    if side and role != Role.PRIMARY:
        problems.append(FieldError("side", "only a direct party has a side"))
    if role == Role.SUPPORTER:
        if not supports:
            problems.append(FieldError("supports", "a supporter must say whom it supports"))
    elif supports or support_kinds:
        problems.append(FieldError("supports", "only a supporter supports another party or gives kinds of support"))
    if role == Role.THIRD_PARTY:
        if not capacity:
            problems.append(FieldError("capacity", "a third party must have a capacity (mediator, facilitator, ...)"))
    elif capacity or leverage or motives:
        problems.append(FieldError("capacity", "only a third party has a capacity, motives or leverage"))
    return problems


def country_code(value: object) -> str | None:
    """Three letters (ISO 3166-1 alpha-3), kept in capitals (``che`` is CHE), or nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise RuleError(f"{value!r} is not a three-letter country code")
    return value.strip().upper()


def as_sentence(message: str) -> str:
    """A rule's message as shown beside a field: capitalised, with a full stop."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def recognition_status(kind: object, status: object) -> None:
    """Only states and state-like authorities carry a recognition status."""
    if kind and status and kind not in ("state", "state_like") and status != "not_applicable":
        raise RuleError("only states and state-like authorities have a recognition status; choose Not applicable")


def distinct_parties(first: object, second: object) -> None:
    """A party does not recognize (or support) itself."""
    if first is not None and first == second:
        raise RuleError("choose two different parties")


def _a(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def recognition_ends(recognizer: PartyKind | str | None, recognized: PartyKind | str | None) -> None:
    """Recognition is about statehood: the recognized party is a state or a state-like
    authority; the recognizer one of those or an IGO acting for its members. Raises
    :class:`FieldError` naming the end at fault."""
    names = {k: k.label.lower() for k in PartyKind}
    if recognized and recognized not in RECOGNIZABLE_KINDS:
        raise FieldError(
            "recognized",
            f"only a state or a state-like authority can be recognized, not {_a(names[PartyKind(recognized)])}; "
            "refusing to deal with a government is a diplomatic sanction (an activity)",
        )
    if recognizer and recognizer not in RECOGNIZER_KINDS:
        raise FieldError(
            "recognizer",
            f"only a state, a state-like authority or an IGO recognizes, not {_a(names[PartyKind(recognizer)])}",
        )


def cameo_code(value: object, kind: ActivityType | None) -> str | None:
    """An activity's CAMEO code: empty means the type's own; otherwise a code of the CAMEO
    table (leading zeros kept) that fits the type (``tracker.cameo.fits``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return kind.cameo if kind else None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2,4}", value.strip()):
        raise FieldError("cameo_code", f"{value!r} is not a CAMEO code: two to four digits, such as 042 or 0871")
    code = value.strip()
    entry = cameo.lookup(code)
    if entry is None:
        raise FieldError("cameo_code", f"{code} is not in the CAMEO table")
    if kind is not None and not cameo.fits(code, kind):
        raise FieldError(
            "cameo_code",
            f"{code} ({entry.name}) is not {_a(kind.label.lower())}: the codebook's crosswalk makes it "
            f"{_a(cameo.default_type(code).label.lower())}",
        )
    return code


def incentive_applies(
    kind: ActivityType | None, incentive: Incentive | None, *, outside_initiator: bool = True
) -> None:
    """When an activity may carry a carrot or a stick: never a statement, however harsh;
    fighting or a deployment only when an outside party (not a direct party) does it to
    coerce. Raises :class:`FieldError` on ``incentive``."""
    if not incentive or kind is None:
        return
    if kind in STATEMENT_TYPES:
        raise FieldError("incentive", f"{_a(kind.label.lower())} is words, and carries no incentive, however harsh")
    if kind in CONTEXT_TYPES and not outside_initiator:
        raise FieldError(
            "incentive",
            "fighting between the direct parties is context and carries no incentive; a stick by force "
            "is an outside party's (give it as the initiator)",
        )


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


def email(value: object) -> str:
    """Trimmed, lower-case, and shaped like an address."""
    if not isinstance(value, str):
        raise RuleError(f"expected an e-mail address, got {value!r}")
    address = value.strip().lower()
    if not _EMAIL.match(address) or len(address) > MAX_LENGTH["email"]:
        raise RuleError(f"{address!r} is not an e-mail address")
    return address


def password(value: object) -> str:
    """A password long enough to resist guessing."""
    if not isinstance(value, str) or len(value) < MIN_PASSWORD_LENGTH:
        raise FieldError("password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return value
