"""Pagination of a ``Select``: two statements whatever the page (count, then the rows).

The count can be given (a total kept elsewhere: the dashboard tallies) or capped: counting
stops at ``cap`` + 1 rows, so a list of a million rows is not counted on every request; past
the cap the total reads "10,000+" and the pages go on as long as there are rows."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from math import ceil
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of results and where it sits among the others."""

    items: list[T]
    number: int
    per_page: int
    total: int
    #: The total is a lower bound: counting stopped there.
    capped: bool = False
    #: (capped) Whether a row follows this page.
    more: bool = False
    #: Keyset pages: the cursors of the pages before and after this one (``None``: none there).
    keyset: bool = False
    cursor_prev: str | None = None
    cursor_next: str | None = None

    @property
    def pages(self) -> int:
        """The number of pages (capped: of the pages counted, the last one at least)."""
        return max(1, ceil(self.total / self.per_page), self.number + self.more if self.capped else 1)

    @property
    def total_label(self) -> str:
        """The total as shown: ``1234``, or ``10,000+`` once capped."""
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    @property
    def has_prev(self) -> bool:
        return self.cursor_prev is not None if self.keyset else self.number > 1

    @property
    def has_next(self) -> bool:
        if self.keyset:
            return self.cursor_next is not None
        return self.more if self.capped else self.number < self.pages

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0


def encode_cursor(day: date, row_id: int) -> str:
    """A position in a list sorted by (date, id), for a link: opaque, short, URL-safe."""
    return base64.urlsafe_b64encode(json.dumps([day.isoformat(), row_id]).encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[date, int]:
    """The position a cursor names; ``ValueError`` for one this app did not make."""
    from tracker import rules

    try:
        day, row_id = json.loads(base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4)))
        return date.fromisoformat(day), rules.record_id(row_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, rules.RuleError, UnicodeError):
        raise ValueError("not a cursor") from None


def _count(session: Session, stmt: sa.Select[Any], cap: int | None) -> tuple[int, bool]:
    counted = stmt.order_by(None)
    if cap is not None:  # only the rows' existence: no column to read, at most cap + 1 of them
        counted = counted.with_only_columns(sa.literal(1), maintain_column_froms=True).limit(cap + 1)
    total = session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
    capped = cap is not None and total > cap
    return (cap if capped and cap is not None else total), capped


def keyset(
    session: Session,
    stmt: sa.Select[Any],
    key: tuple[Any, Any],
    *,
    descending: bool,
    number: int,
    per_page: int,
    after: tuple[date, int] | None = None,
    before: tuple[date, int] | None = None,
    total: int | None = None,
    cap: int | None = None,
    counted: sa.Select[Any] | None = None,
) -> Page[Any]:
    """The page of ``stmt`` (unordered) that follows ``after`` or precedes ``before`` in the
    order of ``key`` (a date column and the id): a walk along the index from the cursor, as
    fast deep in the list as on its first page, and stable while rows are added. ``number``
    is the page's number as the links count it (shown, not used to find the rows).
    ``counted``: the same rows said in the form that counts fastest (else ``stmt``)."""
    capped = False
    if total is None:
        total, capped = _count(session, stmt if counted is None else counted, cap)
    column = sa.tuple_(*key)
    forward = [k.desc() for k in key] if descending else list(key)
    backward = list(key) if descending else [k.desc() for k in key]
    if before is not None:
        rows = list(
            session.scalars(
                stmt.where(column > before if descending else column < before).order_by(*backward).limit(per_page + 1)
            )
        )
        earlier = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        later = True
    else:
        if after is not None:
            stmt = stmt.where(column < after if descending else column > after)
        rows = list(session.scalars(stmt.order_by(*forward).limit(per_page + 1)))
        items, later, earlier = rows[:per_page], len(rows) > per_page, after is not None
    number = max(1, min(number, 10**9 // per_page)) if earlier else 1
    day, ident = key[0].key, key[1].key
    return Page(
        items=items, number=number, per_page=per_page, total=total, capped=capped, more=later, keyset=True,
        cursor_prev=encode_cursor(getattr(items[0], day), getattr(items[0], ident)) if earlier and items else None,
        cursor_next=encode_cursor(getattr(items[-1], day), getattr(items[-1], ident)) if later and items else None,
    )  # fmt: skip


def paginate(
    session: Session,
    stmt: sa.Select[Any],
    number: int,
    per_page: int,
    *,
    total: int | None = None,
    cap: int | None = None,
    counted: sa.Select[Any] | None = None,
) -> Page[Any]:
    """Run ``stmt`` for page ``number`` (1-based, clamped to the last page), counting its rows
    (or those of ``counted``, the same rows in a form that counts faster) unless ``total`` is
    given; with ``cap``, counting stops past ``cap`` rows."""
    capped = False
    if total is None:
        total, capped = _count(session, stmt if counted is None else counted, cap)
    if capped and cap is not None:  # beyond the count: as many pages as there are rows
        number = max(1, min(number, 10**9 // per_page))
        rows = list(session.scalars(stmt.limit(per_page + 1).offset((number - 1) * per_page)))
        return Page(rows[:per_page], number, per_page, cap, capped=True, more=len(rows) > per_page)
    pages = max(1, ceil(total / per_page))
    number = min(max(1, number), pages)
    items = list(session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)
