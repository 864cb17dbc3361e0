"""Records named in a URL, or a 404 page that says which one was not found."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from tracker.conflicts.queries import conflict_page
from tracker.extensions import db
from tracker.models import Conflict


def conflict_or_404(slug: str, *, page: bool = False) -> Conflict:
    """The conflict under ``slug`` (``page``: with its phases and roles loaded), or a 404."""
    stmt = conflict_page(slug) if page else sa.select(Conflict).where(Conflict.slug == slug)
    conflict = db.session.scalars(stmt).one_or_none()
    if conflict is None:
        abort(404, description=f"No conflict is recorded under {slug!r}.")
    return conflict
