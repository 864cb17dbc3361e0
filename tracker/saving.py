"""Create, update and delete records with their audit entry and a lost-update check.

The callers (views, the import, the seed, the API) own the transaction: they commit, and on
an error from here they roll back (or release a savepoint); nothing here does either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker import audit, constraints
from tracker.models.base import utcnow
from tracker.rules import FieldError
from tracker.vocab import AuditAction


class StaleEdit(Exception):
    """Someone saved the record after the form was opened.

    ``changes`` maps each field where the two versions differ to ``[yours, theirs]``;
    ``version`` is the current version, to carry in the form when the user saves again.
    """

    def __init__(self, changes: dict[str, list[Any]], version: int, record_type: str = "") -> None:
        super().__init__("the record was changed by someone else")
        self.changes = changes
        self.version = version
        #: The record's name in the history (``activity``), to show the values as it does.
        self.record_type = record_type


def _flush(session: Session) -> None:
    """Flush; a broken database rule becomes a :class:`RuleError` the user can read."""
    try:
        session.flush()
    except IntegrityError as error:
        raise constraints.explain(error) from error


def create(session: Session, obj: Any) -> Any:
    """Add ``obj`` and its audit entry."""
    session.add(obj)
    _flush(session)
    audit.record(session, AuditAction.CREATE, obj)
    return obj


def create_all(session: Session, objs: list[Any]) -> list[Any]:
    """Add many new records and their audit entries, in two flushes (an import, the seed)."""
    session.add_all(objs)
    _flush(session)
    session.add_all([audit.entry(AuditAction.CREATE, obj) for obj in objs])
    _flush(session)
    return objs


def update(session: Session, obj: Any, apply: Callable[[Any], None], *, version: int | None) -> Any:
    """Change ``obj`` with ``apply(obj)`` if ``version`` is still current; audit the change."""
    before = audit.snapshot(obj)
    current = getattr(obj, "version", None)  # a user has no version
    apply(obj)
    after = audit.snapshot(obj)
    if version is not None and current is not None and version != current:
        changes = {k: [mine, theirs] for k, (theirs, mine) in audit.diff(before, after).items()}
        raise StaleEdit(changes, current, audit.RECORD_TYPES[type(obj)])
    if after != before and hasattr(obj, "updated_at"):
        # A change of its parties, sources, kinds of support or motives alone writes no column
        # of the record's row: touch it, so its version moves on and the next stale edit is caught.
        obj.updated_at = utcnow()
    try:
        _flush(session)
    except StaleDataError:
        raise StaleEdit({}, (current or 0) + 1) from None
    audit.record(session, AuditAction.UPDATE, obj, before)
    return obj


def delete(session: Session, obj: Any) -> None:
    """Delete ``obj``, keeping what it was in the audit entry."""
    before = audit.snapshot(obj)
    session.delete(obj)
    _flush(session)
    audit.record(session, AuditAction.DELETE, obj, before)


def ensure_unique(session: Session, column: Any, value: Any, *, exclude_id: int | None, field: str) -> None:
    """Refuse ``value`` when another record already has it in ``column``."""
    import sqlalchemy as sa

    model = column.class_
    stmt = sa.select(model.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if session.scalar(stmt.limit(1)) is not None:
        raise FieldError(field, f"another record already uses {value!r}")


def update_fields(session: Session, obj: Any, values: dict[str, Any], *, version: int | None) -> Any:
    """:func:`update` that sets each of ``values`` on ``obj``."""

    def apply(target: Any) -> None:
        for name, value in values.items():
            setattr(target, name, value)

    return update(session, obj, apply, version=version)
