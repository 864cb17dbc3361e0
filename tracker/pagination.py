"""Pagination of a ``Select``: two statements whatever the page (count, then the rows).

The count can be given (a total kept elsewhere: the dashboard tallies) or capped: counting
stops at ``cap`` + 1 rows, so a list of a million rows is not counted on every request; past
the cap the total reads "10,000+" and the pages go on as long as there are rows."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def pages(self) -> int:
        """The number of pages (capped: of the pages counted, the last one at least)."""
        return max(1, ceil(self.total / self.per_page), self.number + self.more if self.capped else 1)

    @property
    def total_label(self) -> str:
        """The total as shown: ``1234``, or ``10,000+`` once capped."""
        return f"{self.total:,}+" if self.capped else str(self.total)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.capped else self.number < self.pages

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0


def paginate(
    session: Session,
    stmt: sa.Select[Any],
    number: int,
    per_page: int,
    *,
    total: int | None = None,
    cap: int | None = None,
) -> Page[Any]:
    """Run ``stmt`` for page ``number`` (1-based, clamped to the last page), counting its rows
    unless ``total`` is given; with ``cap``, counting stops past ``cap`` rows."""
    capped = False
    if total is None:
        counted = stmt.order_by(None)
        if cap is not None:  # only the rows' existence: no column to read, at most cap + 1 of them
            counted = counted.with_only_columns(sa.literal(1), maintain_column_froms=True).limit(cap + 1)
        total = session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
        capped = cap is not None and total > cap
    if capped and cap is not None:  # beyond the count: as many pages as there are rows
        number = max(1, min(number, 10**9 // per_page))
        rows = list(session.scalars(stmt.limit(per_page + 1).offset((number - 1) * per_page)))
        return Page(rows[:per_page], number, per_page, cap, capped=True, more=len(rows) > per_page)
    pages = max(1, ceil(total / per_page))
    number = min(max(1, number), pages)
    items = list(session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)
