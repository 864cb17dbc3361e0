"""Text search: one query per kind of record, each capped, matching any part of the text."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.models import Activity, Conflict, Party, Source

LIMIT = 50


def _pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conflicts_matching(text: str) -> sa.Select:
    p = _pattern(text)
    return (
        sa.select(Conflict)
        .where(sa.or_(Conflict.name.ilike(p, escape="\\"), Conflict.summary.ilike(p, escape="\\"), Conflict.region.ilike(p, escape="\\")))
        .order_by(Conflict.name)
        .limit(LIMIT)
    )


def parties_matching(text: str) -> sa.Select:
    p = _pattern(text)
    return (
        sa.select(Party)
        .where(sa.or_(Party.name.ilike(p, escape="\\"), Party.full_name.ilike(p, escape="\\"), Party.description.ilike(p, escape="\\")))
        .order_by(Party.name)
        .limit(LIMIT)
    )


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
