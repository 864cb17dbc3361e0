"""Writing many rows at database speed: ids taken up front, rows handed to the driver.

The statement layer costs more per row than the database does (an ``INSERT`` with
``RETURNING`` per batch, parameter processing per value), so the bulk doors (the event intake,
the benchmark generator) reserve primary keys first and give the rows to the driver: PostgreSQL's
``COPY``, SQLite's ``executemany`` (a loop in C). Rows are tuples of plain values (codebook keys
as strings), in the order of the columns named.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def reserve_ids(conn: sa.Connection, table: sa.Table, n: int) -> list[int]:
    """``n`` new primary keys of ``table``, taken up front so rows go in without RETURNING:
    a block of PostgreSQL's sequence; on SQLite the next after the largest, safe because the
    writer holds the write lock for the whole transaction (``BEGIN IMMEDIATE``)."""
    name = conn.dialect.identifier_preparer.quote(table.name)
    if conn.dialect.name == "postgresql":
        # A block of the sequence: its next value, then the sequence moved past the block. The
        # lock (until the transaction ends) keeps another bulk writer from taking values in
        # between; rows written one at a time take theirs from the sequence, after the block.
        sequence = sa.text(f"pg_get_serial_sequence('{table.name}', 'id')")
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"tracker:{table.name}:ids"})
        first = conn.execute(sa.select(sa.func.nextval(sequence))).scalar_one()
        conn.execute(sa.select(sa.func.setval(sequence, first + n - 1)))
        return list(range(first, first + n))
    last = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {name}").scalar_one()
    return list(range(last + 1, last + n + 1))


def insert_many(conn: sa.Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Write ``rows`` (values of ``columns``) through the driver itself, in the connection's
    transaction: PostgreSQL's ``COPY``, SQLite's ``executemany``."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    # Dates and times as SQLAlchemy's SQLite types store them (ISO text), through their own
    # bind processors; the driver's adapters are deprecated and write another format.
    processors = {
        i: process
        for i, c in enumerate(columns)
        if isinstance(table.c[c].type, sa.Date | sa.DateTime)
        and (process := table.c[c].type.bind_processor(conn.dialect)) is not None
    }
    if processors:
        rows = [
            tuple(processors[i](v) if i in processors and v is not None else v for i, v in enumerate(row))
            for row in rows
        ]
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", rows)
