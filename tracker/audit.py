"""The audit trail: snapshots of records, their differences, and the entries that keep them.

Every create, update and delete made through the app goes through :func:`record`, which adds
one :class:`AuditEntry` to the same session (so it commits, or not, with the change).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.inputs.activity import COLUMNS as ACTIVITY_COLUMNS
from tracker.models import (
    Activity,
    AuditEntry,
    Conflict,
    Participation,
    Party,
    PartyAlias,
    PhaseChange,
    Recognition,
    TrendOverride,
    User,
)
from tracker.vocab import AuditAction, Motive, SupportKind, Vocab

F = TypeVar("F", bound=Callable[..., Any])

#: The fields each audited record type shows in its history, in display order.
AUDITED_FIELDS: dict[type, tuple[str, ...]] = {
    Conflict: ("slug", "name", "type", "region", "start_date", "start_date_precision", "end_date",
               "end_date_precision", "summary", "ucdp_id", "acled_id", "pax_process"),
    PhaseChange: ("conflict_id", "phase", "since", "since_precision", "note"),
    Party: ("name", "full_name", "kind", "recognition_status", "country_code", "description"),
    Recognition: ("recognizer_id", "recognized_id", "status", "since", "since_precision", "until",
                  "until_precision", "source", "source_url"),
    Participation: ("conflict_id", "party_id", "role", "side", "supports_id", "support_kinds", "capacity",
                    "motives", "leverage", "since", "since_precision", "until", "until_precision", "notes"),
    Activity: ("conflict_id", *ACTIVITY_COLUMNS, "party_links", "source_list"),
    User: ("email", "name", "role", "active", "must_change_password", "password_changed_at"),
    TrendOverride: ("conflict_id", "month", "trend", "note"),
    PartyAlias: ("party_id", "kind", "value"),
}  # fmt: skip

#: The name each record type has in the log (and in URLs of its history).
RECORD_TYPES: dict[type, str] = {
    Conflict: "conflict",
    PhaseChange: "phase_change",
    Party: "party",
    Recognition: "recognition",
    Participation: "participation",
    Activity: "activity",
    User: "user",
    TrendOverride: "trend",
    PartyAlias: "party_alias",
}


def _vocabularies() -> dict[str, dict[str, type[Vocab]]]:
    """Per record type, the audited fields that hold codebook keys, with their vocabulary."""
    out: dict[str, dict[str, type[Vocab]]] = {}
    for model, name in RECORD_TYPES.items():
        table: sa.Table = model.__table__  # type: ignore[attr-defined]  # a mapped class of tracker.models
        columns = {c.name: kind for c in table.columns if (kind := getattr(c.type, "enum_class", None))}
        out[name] = {f: columns[f] for f in AUDITED_FIELDS[model] if f in columns}
    out["participation"] |= {"support_kinds": SupportKind, "motives": Motive}
    return out


_VOCABULARIES = _vocabularies()


#: Fields that hold another record's id, and the table whose name the history shows for it.
REFERENCES: dict[str, tuple[Any, Any]] = {
    "conflict_id": (Conflict.id, Conflict.name),
    "party_id": (Party.id, Party.name),
    "supports_id": (Party.id, Party.name),
    "recognizer_id": (Party.id, Party.name),
    "recognized_id": (Party.id, Party.name),
    "set_by_id": (User.id, User.email),
}


def names_for(session: Session, entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
    """The names of the records that ``entries`` refer to by id: one query per table."""
    wanted: dict[Any, set[int]] = {}
    for e in entries:
        for field, pair in (e.changes or {}).items():
            if field in REFERENCES:
                wanted.setdefault(REFERENCES[field], set()).update(v for v in pair if isinstance(v, int))
    out: dict[tuple[str, int], str] = {}
    for (id_column, name_column), ids in wanted.items():
        for i, name in session.execute(sa.select(id_column, name_column).where(id_column.in_(ids))):
            for field, ref in REFERENCES.items():
                if ref == (id_column, name_column):
                    out[(field, i)] = name
    return out


def shown(record_type: str, field: str, value: Any, names: dict[tuple[str, int], str] | None = None) -> str:
    """A recorded value as the history shows it: codebook keys by their labels, other records
    by their names (``names``, from :func:`names_for`; a record since deleted keeps its id),
    lists joined, nothing as a dash."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "; ".join(shown(record_type, field, v, names) for v in value)
    if names and field in REFERENCES and isinstance(value, int):
        return names.get((field, value), f"#{value} (deleted)")
    vocab = _VOCABULARIES.get(record_type, {}).get(field)
    if vocab is not None and value in vocab.keys():
        return vocab(value).label
    return str(value)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The audited fields of ``obj`` as JSON-safe values (collections must be loaded)."""
    return {name: _plain(getattr(obj, name)) for name in AUDITED_FIELDS[type(obj)]}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


@dataclass(frozen=True)
class Actor:
    """Who writes: a user (id and e-mail), or a system writer such as the seed."""

    user_id: int | None
    name: str


SYSTEM = Actor(None, "system")
_actor: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def set_actor(actor: Actor) -> Token[Actor]:
    """Make ``actor`` the author of the entries written from here on (the web layer sets the
    signed-in user at the start of each request and resets it with the token at its end)."""
    return _actor.set(actor)


def reset_actor(token: Token[Actor]) -> None:
    _actor.reset(token)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Write the entries of the block in ``actor``'s name (a command, the seed, a test)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


#: The actor of the seed's writes in the history (no user).
SEED_ACTOR = "seed"

_origin: ContextVar[str] = ContextVar("audit_origin", default="")


@contextmanager
def origin(name: str) -> Iterator[None]:
    """Mark every entry written inside the block as coming through ``name`` (``import``, ``seed``)."""
    token = _origin.set(name)
    try:
        yield
    finally:
        _origin.reset(token)


def set_origin(name: str) -> Token[str]:
    """Mark the entries written from here on as coming through ``name`` (a request's door)."""
    return _origin.set(name)


def reset_origin(token: Token[str]) -> None:
    _origin.reset(token)


def through(name: str) -> Callable[[F], F]:
    """A function whose writes are all marked as coming through ``name`` (see :func:`origin`)."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with origin(name):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _drop_bare_precisions(changes: dict[str, list[Any]], values: dict[str, Any]) -> None:
    # The precision of a date the record does not have says nothing.
    for key in [k for k in changes if k.endswith("_precision")]:
        if values.get(key.removesuffix("_precision")) in (None, ""):
            del changes[key]


def created(after: dict[str, Any]) -> dict[str, list[Any]]:
    """The changes a creation records: each field given a value, from nothing."""
    changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
    _drop_bare_precisions(changes, after)
    return changes


def created_rows(record_type: str, records: list[tuple[int, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The audit entries of records created in bulk (``(id, summary, snapshot)`` each), as
    column values for :func:`tracker.bulk.insert_many`: the same entries :func:`entry` makes,
    in the actor's name and through the origin in force."""
    who, origin_name, now = _actor.get(), _origin.get(), datetime.now(UTC)
    return [
        {"at": now, "user_id": who.user_id, "actor": who.name, "action": AuditAction.CREATE.value,
         "record_type": record_type, "record_id": record_id, "summary": summary[:300],
         "changes": created(after), "origin": origin_name}
        for record_id, summary, after in records
    ]  # fmt: skip


def plain(value: Any) -> Any:
    """A field value as the audit trail keeps it (JSON-safe)."""
    return _plain(value)


def entry(
    action: AuditAction, obj: Any, before: dict[str, Any] | None = None, *, summary: str = "", actor: str | None = None
) -> AuditEntry | None:
    """The audit entry of ``action`` on ``obj`` (which must have its id), not yet added.

    For an update, ``before`` is the snapshot taken before the change; an update that
    changed nothing gives ``None``. ``actor`` names a system writer (the seed); without it,
    the actor set with :func:`set_actor` or :func:`acting_as` (``system`` when none is).
    """
    after = snapshot(obj) if action != AuditAction.DELETE else {}
    if action == AuditAction.CREATE:
        changes = created(after)
    elif action == AuditAction.UPDATE:
        changes = diff(before or {}, after)
        if not changes:
            return None
    else:
        changes = {k: [v, None] for k, v in (before or {}).items() if v not in (None, "", [])}
    if action == AuditAction.DELETE:
        _drop_bare_precisions(changes, before or {})
    who = Actor(None, actor) if actor else _actor.get()
    return AuditEntry(
        user_id=who.user_id,
        actor=who.name,
        action=action,
        record_type=RECORD_TYPES[type(obj)],
        record_id=obj.id,
        summary=(summary or str(getattr(obj, "name", "") or getattr(obj, "title", "")))[:300],
        changes=changes,
        origin=_origin.get(),
    )


def record(
    session: Session,
    action: AuditAction,
    obj: Any,
    before: dict[str, Any] | None = None,
    *,
    summary: str = "",
    actor: str | None = None,
) -> AuditEntry | None:
    """Add the audit entry of ``action`` on ``obj`` to the session (flushing first, so the
    record has its id)."""
    session.flush()
    made = entry(action, obj, before, summary=summary, actor=actor)
    if made is not None:
        session.add(made)
    return made


def history(record_type: str, record_id: int) -> sa.Select:
    """The entries of one record, newest first."""
    return (
        sa.select(AuditEntry)
        .where(AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def log_conditions(
    *, user_id: int | None = None, since: date | None = None, until: date | None = None
) -> list[sa.ColumnElement[bool]]:
    """The conditions of the change log's filter: one user, dates inclusive."""
    conditions = []
    if user_id is not None:
        conditions.append(AuditEntry.user_id == user_id)
    if since is not None:
        conditions.append(AuditEntry.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until is not None:
        conditions.append(AuditEntry.at <= datetime.combine(until, time.max, tzinfo=UTC))
    return conditions


def log(*, user_id: int | None = None, since: date | None = None, until: date | None = None) -> sa.Select:
    """Every entry, newest first, optionally by one user and within dates (inclusive)."""
    return (
        sa.select(AuditEntry)
        .where(*log_conditions(user_id=user_id, since=since, until=until))
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
