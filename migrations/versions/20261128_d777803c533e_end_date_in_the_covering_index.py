"""end date in the covering index

The timeline's "from" filter compares COALESCE(end_date, date): with end_date in the index,
filtered timelines and dashboards stay index-only. Plain index operations, not batch mode:
on SQLite a batch rebuild of ``activity`` would drop the tally triggers.

Revision ID: d777803c533e
Revises: f7c35baeed7d
Create Date: 2026-11-28 09:40:58.341255
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = 'd777803c533e'
down_revision: str | None = 'f7c35baeed7d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ['conflict_id', 'date', 'track', 'type', 'purpose', 'effect', 'official_level', 'incentive']


def upgrade() -> None:
    op.drop_index('ix_activity_conflict_date', table_name='activity')
    op.create_index('ix_activity_conflict_date', 'activity', [*_COLUMNS, 'end_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_activity_conflict_date', table_name='activity')
    op.create_index('ix_activity_conflict_date', 'activity', _COLUMNS, unique=False)
