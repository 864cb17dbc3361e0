"""covering index for dashboards

Revision ID: 4a6e378ce3d2
Revises: 23a8fbb76c7f
Create Date: 2026-11-28 07:52:00.005290
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '4a6e378ce3d2'
down_revision: str | None = '23a8fbb76c7f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_conflict_date'))
        batch_op.create_index('ix_activity_conflict_date', ['conflict_id', 'date', 'track', 'type', 'purpose', 'effect', 'official_level', 'incentive'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_conflict_date')
        batch_op.create_index(batch_op.f('ix_activity_conflict_date'), ['conflict_id', 'date'], unique=False)

