"""A broken database rule as a message that names the field: the last line of defence (the
rules and services check first), so a person never reads "a duplicate name or key"."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.models import Base
from tracker.rules import FieldError, RuleError

#: Per constraint (as the naming convention names it): the field at fault and what to say.
MESSAGES: dict[str, tuple[str, str]] = {
    "uq_party_name": ("name", "another party already has this name"),
    "uq_conflict_slug": ("slug", "another conflict already uses this short name"),
    "uq_conflict_name": ("name", "another conflict already has this name"),
    "uq_user_account_email": ("email", "another account already uses this address"),
    "uq_activity_conflict_id_date_type_title": (
        "title",
        "an activity with this date, type and title is already recorded in this conflict",
    ),
    "uq_phase_change_conflict_id_since": ("since", "a phase change is already recorded on this date"),
    "uq_recognition_recognizer_id_recognized_id_status_since": (
        "since",
        "this stance is already recorded from this date",
    ),
    "ck_recognition_recognizer_kind": (
        "recognizer",
        "only a state, a state-like authority or an IGO recognizes another party",
    ),
    "ck_recognition_recognized_kind": ("recognized", "only a state or a state-like authority can be recognized"),
    "ck_recognition_not_self": ("recognized", "a party does not recognize itself"),
    "ck_participation_side_only_primary": ("side", "only a direct party has a side"),
    "ck_participation_supporter_supports": ("supports", "a supporter says whom it supports, and only a supporter does"),
    "ck_participation_third_party_capacity": ("capacity", "a third party has a capacity, and only a third party does"),
    "ck_participation_not_supporting_self": ("supports", "a party does not support itself"),
    "ck_party_status_only_for_states": (
        "recognition_status",
        "only states and state-like authorities have a recognition status",
    ),
}

_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def _unique_named(columns: list[str]) -> str | None:
    """The unique constraint over ``table.column`` names (SQLite names the columns, not it)."""
    table = columns[0].split(".")[0]
    wanted = [c.split(".")[1] for c in columns]
    for constraint in Base.metadata.tables[table].constraints if table in Base.metadata.tables else ():
        if isinstance(constraint, sa.UniqueConstraint) and [c.name for c in constraint.columns] == wanted:
            return str(constraint.name)
    if len(wanted) == 1 and Base.metadata.tables[table].c[wanted[0]].unique:
        return f"uq_{table}_{wanted[0]}"
    return None


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint the database says was broken, if it says."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return str(diag.constraint_name)
    text = str(error.orig)
    if match := _SQLITE_CHECK.search(text):
        return match.group(1)
    if match := _SQLITE_UNIQUE.search(text):
        return _unique_named(match.group(1).split(", "))
    return None


def explain(error: IntegrityError) -> RuleError:
    """The error to show for a broken database rule: beside its field when known."""
    name = constraint_name(error)
    if name in MESSAGES:
        field, message = MESSAGES[name]
        return FieldError(field, f"{message}; nothing was saved")
    if "FOREIGN KEY" in str(error.orig).upper() or "foreign key" in str(error.orig):
        return RuleError("a record this refers to no longer exists (someone may have deleted it); nothing was saved")
    what = f" ({name})" if name else ""
    return RuleError(f"this would break a rule of the database{what}; nothing was saved")
