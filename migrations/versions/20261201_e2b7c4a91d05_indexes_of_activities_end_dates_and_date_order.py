"""indexes of activities' end dates and of their date order

The timeline's and dashboards' "from" filter keeps an activity whose last day (its end date,
else its date) is on or after the day given. ``COALESCE(end_date, date) >= :from`` cannot narrow
an index: PostgreSQL walked the (conflict, date) index from the conflict's first day. The filter
now also says ``date >= (the earliest start of the activities spanning :from)``, read from this
partial index of the few activities that have an end date, so the walk starts there. A party's page lists its activities in date order across conflicts; for a
party with many links it walks ``(date, id)``, checking each activity's links, and stops after a
page (``filters.involving``). Plain CREATE INDEX: no table is rebuilt, the tally triggers stay.

Revision ID: e2b7c4a91d05
Revises: 128bc73afff1
Create Date: 2026-12-01 13:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e2b7c4a91d05"
down_revision: str | None = "128bc73afff1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_activity_end_date",
        "activity",
        ["end_date", "date"],
        unique=False,
        sqlite_where=sa.text("end_date IS NOT NULL"),
        postgresql_where=sa.text("end_date IS NOT NULL"),
    )
    op.create_index("ix_activity_date_id", "activity", ["date", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_date_id", table_name="activity")
    op.drop_index("ix_activity_end_date", table_name="activity")
