"""Text search: one query per kind of record, each capped, matching any part of the text."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.models import Activity, Conflict, Party, Source

LIMIT = 50


def _pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(model: type, columns: list[Any], text: str, order: Any) -> sa.Select:
    pattern = _pattern(text)
    return sa.select(model).where(sa.or_(*(c.ilike(pattern, escape="\\") for c in columns))).order_by(order).limit(LIMIT)


def conflicts_matching(text: str) -> sa.Select:
    return _matching(Conflict, [Conflict.name, Conflict.summary, Conflict.region], text, Conflict.name)


def parties_matching(text: str) -> sa.Select:
    return _matching(Party, [Party.name, Party.full_name, Party.description], text, Party.name)


def activities_matching(text: str) -> sa.Select:
    """Activities whose title, description or a source citation contains ``text``."""
    p = _pattern(text)
    cited = sa.select(Source.activity_id).where(Source.citation.ilike(p, escape="\\"))
    return (
        sa.select(Activity)
        .where(sa.or_(Activity.title.ilike(p, escape="\\"), Activity.description.ilike(p, escape="\\"), Activity.id.in_(cited)))
        .options(selectinload(Activity.conflict))
        .order_by(Activity.date.desc(), Activity.id)
        .limit(LIMIT)
    )
