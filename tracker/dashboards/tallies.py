"""The triggers that keep ``activity_tally`` and ``party_tally`` (:mod:`tracker.models.tally`)
equal to what grouping the activities would give, and the checks that prove it.

Each change to ``activity`` or ``activity_party`` adds its rows' counts to the tallies or
takes them away, inside the statement that made it. The SQL is written once, over a
relation of changed rows, and wrapped per database:

* SQLite: row triggers whose relation is the one ``NEW``/``OLD`` row;
* PostgreSQL: statement triggers over the transition tables, so a bulk import updates
  each tally row once per statement, not once per activity.

Deleting an activity first deletes its party links (a ``BEFORE DELETE`` row trigger), so
the links' own trigger can still see the activity it takes the counts away from; the
cascade then finds nothing left to delete.

Two things for whoever writes the next migration:

* the triggers in a database are the ones its last :func:`install` wrote: a change to the
  SQL here reaches existing databases through a new revision that calls :func:`install`;
* Alembic's batch mode on SQLite rebuilds a table without its triggers: a migration that
  alters ``activity`` or ``activity_party`` in batch mode must call :func:`install` again
  (``tests/test_dashboard_tallies.py`` fails otherwise).

``flask --app tracker tallies`` checks the tallies against a recount; ``--rebuild`` recounts.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from tracker.models.tally import TALLY_KINDS
from tracker.vocab import OfficialLevel

ACTIVITY_COLUMNS = (
    "id",
    "conflict_id",
    "date",
    "end_date",
    "track",
    "type",
    "purpose",
    "effect",
    "incentive",
    "official_level",
    "cameo_code",
)
LINK_COLUMNS = ("activity_id", "party_id", "role")
ACTIVITY_KEY = ("conflict_id", "kind", "month", "end_month", "track", "key")
PARTY_KEY = ("conflict_id", "month", "end_month", "track", "party_id")
LEVEL_COUNTS = tuple(f"n_{level.value}" for level in OfficialLevel)


def _month(dialect: str) -> Callable[[str], str]:
    """The first day of the month of a date expression, as a date of that database."""
    if dialect == "sqlite":
        return lambda expr: f"substr({expr}, 1, 7) || '-01'"
    return lambda expr: f"CAST(date_trunc('month', {expr}) AS date)"


def _q(name: str) -> str:
    return f'"{name}"'


def _activity_counts(rows: str, month: Callable[[str], str]) -> str:
    """``ACTIVITY_KEY`` and ``n`` for the activities in ``rows`` (aliased ``a``)."""
    start, end = month('a."date"'), month('COALESCE(a.end_date, a."date")')
    facts = " UNION ALL ".join(
        f"SELECT a.conflict_id AS conflict_id, '{kind}' AS kind, {start} AS month, {end} AS end_month, "
        f"a.track AS track, a.{_q(kind)} AS {_q('key')} FROM {rows} AS a"
        + (f" WHERE a.{_q(kind)} IS NOT NULL" if kind == "incentive" else "")
        for kind in TALLY_KINDS
    )
    names = ", ".join(_q(c) for c in ACTIVITY_KEY)
    return f"SELECT {names}, COUNT(*) AS n FROM ({facts}) AS f WHERE true GROUP BY {names}"


def _party_counts(rows: str, month: Callable[[str], str], *, rows_are_links: bool) -> str:
    """``PARTY_KEY``, ``n`` and the level counts for the links of (or in) ``rows``: only those
    who act (initiators, participants, mediators), never the targets, whose level the
    activity says nothing of."""
    joined = (
        f"{rows} AS l JOIN activity AS a ON a.id = l.activity_id"
        if rows_are_links
        else f"{rows} AS a JOIN activity_party AS l ON l.activity_id = a.id"
    )
    levels = ", ".join(
        f"SUM(CASE WHEN a.official_level = '{level.value}' THEN 1 ELSE 0 END) AS n_{level.value}"
        for level in OfficialLevel
    )
    start, end = month('a."date"'), month('COALESCE(a.end_date, a."date")')
    return (
        f"SELECT a.conflict_id AS conflict_id, {start} AS month, {end} AS end_month, a.track AS track, "
        f"l.party_id AS party_id, COUNT(*) AS n, {levels} FROM {joined} WHERE l.role <> 'target' "
        f"GROUP BY a.conflict_id, {start}, {end}, a.track, l.party_id"
    )


def _add(table: str, key: tuple[str, ...], counts: tuple[str, ...], grouped: str) -> str:
    """An upsert, in key order: concurrent writers lock the rows they share in the same order."""
    names = ", ".join(_q(c) for c in key)
    update = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)
    return f"INSERT INTO {table} ({names}, {', '.join(counts)}) {grouped} ORDER BY {names} ON CONFLICT ({names}) DO UPDATE SET {update}"


def _take(table: str, key: tuple[str, ...], counts: tuple[str, ...], grouped: str) -> str:
    """An UPDATE, never an insert, and none for a conflict being deleted: its tally rows go
    with it (and PostgreSQL would check an updated row's reference to it)."""
    update = ", ".join(f"{c} = {table}.{c} - g.{c}" for c in counts)
    match = " AND ".join(f"{table}.{_q(c)} = g.{_q(c)}" for c in key)
    alive = "EXISTS (SELECT 1 FROM conflict WHERE conflict.id = g.conflict_id)"
    return f"UPDATE {table} SET {update} FROM ({grouped}) AS g WHERE {match} AND {alive}"


_PARTY_COUNTS = ("n", *LEVEL_COUNTS)


def _activities_changed(dialect: str, rows: str, sign: int, *, links: bool) -> list[str]:
    """What adding (``sign`` +1) or taking away (-1) the activities in ``rows`` does to the
    tallies; with ``links``, to their parties' counts as well."""
    month, write = _month(dialect), (_add if sign > 0 else _take)
    out = [write("activity_tally", ACTIVITY_KEY, ("n",), _activity_counts(rows, month))]
    if links:
        out.append(write("party_tally", PARTY_KEY, _PARTY_COUNTS, _party_counts(rows, month, rows_are_links=False)))
    return out


def _links_changed(dialect: str, rows: str, sign: int) -> list[str]:
    """What adding or taking away the activity–party links in ``rows`` does to ``party_tally``."""
    write = _add if sign > 0 else _take
    return [write("party_tally", PARTY_KEY, _PARTY_COUNTS, _party_counts(rows, _month(dialect), rows_are_links=True))]


#: Run before an activity is deleted: its links go first, each taking its party counts away
#: while the activity is still there to say which month, track and level they were.
_DELETE_LINKS = "DELETE FROM activity_party WHERE activity_id = OLD.id"


def _row(ref: str, columns: tuple[str, ...]) -> str:
    """A one-row relation of a trigger's ``NEW`` or ``OLD`` row."""
    return "(SELECT " + ", ".join(f"{ref}.{_q(c)} AS {_q(c)}" for c in columns) + ")"


# -- SQLite: row triggers --------------------------------------------------------------


def _sqlite_ddl() -> list[str]:
    new_a, old_a = _row("NEW", ACTIVITY_COLUMNS), _row("OLD", ACTIVITY_COLUMNS)
    new_l, old_l = _row("NEW", LINK_COLUMNS), _row("OLD", LINK_COLUMNS)
    body = {
        # A new activity has no links yet: they reference it, so they come after.
        ("activity_tally_insert", "AFTER INSERT ON activity"): _activities_changed("sqlite", new_a, +1, links=False),
        ("activity_tally_update", "AFTER UPDATE ON activity"): [
            *_activities_changed("sqlite", old_a, -1, links=True),
            *_activities_changed("sqlite", new_a, +1, links=True),
        ],
        ("activity_tally_delete", "BEFORE DELETE ON activity"): [
            _DELETE_LINKS,
            *_activities_changed("sqlite", old_a, -1, links=False),
        ],
        ("party_tally_insert", "AFTER INSERT ON activity_party"): _links_changed("sqlite", new_l, +1),
        ("party_tally_update", "AFTER UPDATE ON activity_party"): [
            *_links_changed("sqlite", old_l, -1),
            *_links_changed("sqlite", new_l, +1),
        ],
        ("party_tally_delete", "AFTER DELETE ON activity_party"): _links_changed("sqlite", old_l, -1),
    }
    return [
        f"CREATE TRIGGER {name} {event} FOR EACH ROW BEGIN " + "; ".join(stmts) + "; END"
        for (name, event), stmts in body.items()
    ]


# -- PostgreSQL: statement triggers over transition tables -----------------------------


def _pg_function(name: str, branches: dict[str, list[str]], returns: str = "NULL") -> str:
    body = " ".join(
        f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{op}' THEN " + " ".join(f"{s};" for s in stmts)
        for i, (op, stmts) in enumerate(branches.items())
    )
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ "
        f"BEGIN {body} END IF; RETURN {returns}; END $fn$"
    )


def _postgresql_ddl() -> list[str]:
    old_a = _row("OLD", ACTIVITY_COLUMNS)
    return [
        _pg_function(
            "tally_activity_rows",
            {
                "INSERT": _activities_changed("postgresql", "new_rows", +1, links=False),
                "UPDATE": [
                    *_activities_changed("postgresql", "old_rows", -1, links=True),
                    *_activities_changed("postgresql", "new_rows", +1, links=True),
                ],
            },
        ),
        _pg_function(
            "tally_activity_delete",
            {
                "DELETE": [_DELETE_LINKS, *_activities_changed("postgresql", old_a, -1, links=False)],
            },
            returns="OLD",
        ),
        _pg_function(
            "tally_party_rows",
            {
                "INSERT": _links_changed("postgresql", "new_rows", +1),
                "UPDATE": [
                    *_links_changed("postgresql", "old_rows", -1),
                    *_links_changed("postgresql", "new_rows", +1),
                ],
                "DELETE": _links_changed("postgresql", "old_rows", -1),
            },
        ),
        (
            "CREATE TRIGGER activity_tally_insert AFTER INSERT ON activity REFERENCING NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION tally_activity_rows()"
        ),
        (
            "CREATE TRIGGER activity_tally_update AFTER UPDATE ON activity REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION tally_activity_rows()"
        ),
        "CREATE TRIGGER activity_tally_delete BEFORE DELETE ON activity FOR EACH ROW EXECUTE FUNCTION tally_activity_delete()",
        (
            "CREATE TRIGGER party_tally_insert AFTER INSERT ON activity_party REFERENCING NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION tally_party_rows()"
        ),
        (
            "CREATE TRIGGER party_tally_update AFTER UPDATE ON activity_party REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION tally_party_rows()"
        ),
        (
            "CREATE TRIGGER party_tally_delete AFTER DELETE ON activity_party REFERENCING OLD TABLE AS old_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION tally_party_rows()"
        ),
    ]


TRIGGERS = {
    "activity": ("activity_tally_insert", "activity_tally_update", "activity_tally_delete"),
    "activity_party": ("party_tally_insert", "party_tally_update", "party_tally_delete"),
}
_FUNCTIONS = ("tally_activity_rows", "tally_activity_delete", "tally_party_rows")


#: Between two statements of a :func:`script` (SQLite trigger bodies hold semicolons).
SEPARATOR = "\n-- next statement\n"


def _drops(dialect: str) -> list[str]:
    out = [
        f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {table}")
        for table, names in TRIGGERS.items()
        for name in names
    ]
    if dialect != "sqlite":
        out += [f"DROP FUNCTION IF EXISTS {name}()" for name in _FUNCTIONS]
    return out


def _recount(dialect: str) -> list[str]:
    month = _month(dialect)
    party = ", ".join(map(_q, (*PARTY_KEY, *_PARTY_COUNTS)))
    return [
        "DELETE FROM party_tally",
        "DELETE FROM activity_tally",
        f"INSERT INTO activity_tally ({', '.join(map(_q, ACTIVITY_KEY))}, n) {_activity_counts('activity', month)}",
        f"INSERT INTO party_tally ({party}) {_party_counts('activity_party', month, rows_are_links=True)}",
    ]


def script(dialect: str) -> str:
    """Everything :func:`install` runs on ``dialect``, as text: the drops, the triggers and the
    recount, separated by :data:`SEPARATOR`. Migrations keep a frozen copy of it in
    ``migrations/sql/`` (``flask --app tracker tallies --script DIALECT`` writes one), so a
    change here reaches a database only through a new revision."""
    ddl = _sqlite_ddl() if dialect == "sqlite" else _postgresql_ddl()
    analyze = [f"ANALYZE {table}" for table in ("activity_tally", "party_tally")]
    return SEPARATOR.join([*_drops(dialect), *ddl, *_recount(dialect), *analyze]) + "\n"


def install(conn: sa.Connection) -> None:
    """(Re)create the triggers and recount the tallies from the activities."""
    for statement in script(conn.dialect.name).split(SEPARATOR):
        conn.exec_driver_sql(statement)


def uninstall(conn: sa.Connection) -> None:
    """Drop the triggers (the tallies stay as they are)."""
    for statement in _drops(conn.dialect.name):
        conn.exec_driver_sql(statement)


def rebuild(conn: sa.Connection) -> None:
    """Recount both tallies from ``activity`` and ``activity_party``."""
    for statement in _recount(conn.dialect.name):
        conn.exec_driver_sql(statement)


def drift(conn: sa.Connection) -> dict[str, dict[tuple, tuple]]:
    """Where the tallies differ from a recount: per table, ``{key: (kept, recounted)}`` for
    every key whose counts differ (both empty when the tallies are right)."""
    month = _month(conn.dialect.name)
    checks = {
        "activity_tally": (ACTIVITY_KEY, ("n",), _activity_counts("activity", month)),
        "party_tally": (PARTY_KEY, _PARTY_COUNTS, _party_counts("activity_party", month, rows_are_links=True)),
    }
    out = {}
    for table, (key, counts, recount) in checks.items():
        columns = ", ".join(map(_q, (*key, *counts)))

        def read(sql: str, width: int = len(key)) -> dict[tuple, tuple]:
            return {tuple(map(str, r[:width])): tuple(r[width:]) for r in conn.exec_driver_sql(sql)}

        kept = read(f"SELECT {columns} FROM {table} WHERE n <> 0")
        fresh = read(f"SELECT {columns} FROM ({recount}) AS r")
        out[table] = {k: (kept.get(k), fresh.get(k)) for k in kept.keys() | fresh.keys() if kept.get(k) != fresh.get(k)}
    return out
