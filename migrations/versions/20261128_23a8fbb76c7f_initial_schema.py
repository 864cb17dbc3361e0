"""initial schema

Revision ID: 23a8fbb76c7f
Revises: 
Create Date: 2026-11-28 07:15:03.353331
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '23a8fbb76c7f'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.Enum('interstate', 'intrastate', 'secessionist', 'self_determination', 'internationalized', name='type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('ucdp_id', sa.String(length=40), nullable=True),
    sa.Column('acled_id', sa.String(length=40), nullable=True),
    sa.Column('pax_process', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("slug <> ''", name=op.f('ck_conflict_slug_not_empty')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_conflict_end_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict')),
    sa.UniqueConstraint('name', name=op.f('uq_conflict_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_conflict_slug'))
    )
    op.create_table('party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.Enum('state', 'state_like', 'armed_group', 'igo', 'ngo', 'individual', 'business', name='kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recognition_status', sa.Enum('recognized', 'partially_recognized', 'unrecognized', 'not_applicable', name='recognition_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('country_code', sa.String(length=3), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('state', 'state_like') OR recognition_status = 'not_applicable'", name=op.f('ck_party_status_only_for_states')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_party_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party')),
    sa.UniqueConstraint('name', name=op.f('uq_party_name'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('viewer', 'analyst', 'admin', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.Enum('day', 'month', 'year', name='date_precision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('type', sa.Enum('informal_consultation', 'good_offices', 'special_envoy', 'mediation_session', 'negotiation_round', 'fact_finding', 'condemnation', 'diplomatic_sanction', 'economic_sanction', 'ultimatum', 'incentive_offer', 'support_action', 'recognition_act', 'ceasefire', 'agreement', 'tribunal_commission', 'written_communication', 'peacekeeping', 'military_action', name='type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('track', sa.Enum('1', '1.5', '2', name='track', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scope', sa.Enum('bilateral', 'multilateral', 'regional', 'global', name='scope', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('official_level', sa.Enum('head_of_state', 'ministerial', 'senior_official', 'working_level', 'unofficial', name='official_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('form', sa.Enum('written', 'formal_meeting', 'informal', 'mixed', name='form', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('purpose', sa.Enum('coercive', 'persuasive', 'relationship', 'agreement', name='purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('effect', sa.Enum('escalating', 'de_escalating', 'neutral', 'unknown', name='effect', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('incentive', sa.Enum('carrot', 'stick', name='incentive', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("title <> ''", name=op.f('ck_activity_title_not_empty')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= "date"', name=op.f('ck_activity_end_after_start')),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict.id'], name=op.f('fk_activity_conflict_id_conflict'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_activity_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('conflict_id', 'date', 'type', 'title', name=op.f('uq_activity_conflict_id_date_type_title'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_conflict_date', ['conflict_id', 'date'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'delete', name='action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_entry_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_user_id'), ['user_id'], unique=False)

    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('primary', 'supporter', 'third_party', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('supports_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Enum('mediator', 'facilitator', 'arbitrator', 'guarantor', 'observer', name='capacity', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('leverage', sa.Enum('strong', 'moderate', 'weak', name='leverage', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(role = 'supporter') = (supports_id IS NOT NULL)", name=op.f('ck_participation_supporter_supports')),
    sa.CheckConstraint("(role = 'third_party') = (capacity IS NOT NULL)", name=op.f('ck_participation_third_party_capacity')),
    sa.CheckConstraint("role = 'third_party' OR leverage IS NULL", name=op.f('ck_participation_leverage_only_third_party')),
    sa.CheckConstraint('supports_id IS NULL OR supports_id <> party_id', name=op.f('ck_participation_not_supporting_self')),
    sa.CheckConstraint('until IS NULL OR since IS NULL OR until >= since', name=op.f('ck_participation_until_after_since')),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict.id'], name=op.f('fk_participation_conflict_id_conflict'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_participation_party_id_party')),
    sa.ForeignKeyConstraint(['supports_id'], ['party.id'], name=op.f('fk_participation_supports_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation'))
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_conflict_id'), ['conflict_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_supports_id'), ['supports_id'], unique=False)

    op.create_table('phase_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('latent', 'escalation', 'active', 'stalemate', 'settlement', 'post_agreement', name='phase', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict.id'], name=op.f('fk_phase_change_conflict_id_conflict'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_change')),
    sa.UniqueConstraint('conflict_id', 'since', name=op.f('uq_phase_change_conflict_id_since'))
    )
    with op.batch_alter_table('phase_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_change_conflict_id'), ['conflict_id'], unique=False)

    op.create_table('recognition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recognizer_id', sa.Integer(), nullable=False),
    sa.Column('recognized_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('full', 'engages', 'refuses', 'withdrawn', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('source_url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('recognizer_id <> recognized_id', name=op.f('ck_recognition_not_self')),
    sa.CheckConstraint('until IS NULL OR until >= since', name=op.f('ck_recognition_until_after_since')),
    sa.ForeignKeyConstraint(['recognized_id'], ['party.id'], name=op.f('fk_recognition_recognized_id_party')),
    sa.ForeignKeyConstraint(['recognizer_id'], ['party.id'], name=op.f('fk_recognition_recognizer_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition')),
    sa.UniqueConstraint('recognizer_id', 'recognized_id', 'status', 'since', name=op.f('uq_recognition_recognizer_id_recognized_id_status_since'))
    )
    with op.batch_alter_table('recognition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recognition_recognized_id'), ['recognized_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recognition_recognizer_id'), ['recognizer_id'], unique=False)

    op.create_table('activity_party',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('initiator', 'target', 'participant', 'mediator', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_party_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_activity_party_party_id_party')),
    sa.PrimaryKeyConstraint('activity_id', 'party_id', 'role', name=op.f('pk_activity_party'))
    )
    with op.batch_alter_table('activity_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_party_party_id'), ['party_id'], unique=False)

    op.create_table('participation_motive',
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.Column('motive', sa.Enum('mandate', 'stakes', 'invited', 'preserve_structure', 'extend_influence', name='motive', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['participation_id'], ['participation.id'], name=op.f('fk_participation_motive_participation_id_participation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participation_id', 'motive', name=op.f('pk_participation_motive'))
    )
    op.create_table('participation_support_kind',
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('military', 'political', 'financial', name='kind', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['participation_id'], ['participation.id'], name=op.f('fk_participation_support_kind_participation_id_participation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participation_id', 'kind', name=op.f('pk_participation_support_kind'))
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('citation', sa.String(length=1000), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.CheckConstraint("citation <> '' OR url IS NOT NULL", name=op.f('ck_source_citation_or_url')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_source_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source'))
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_activity_id'), ['activity_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_activity_id'))

    op.drop_table('source')
    op.drop_table('participation_support_kind')
    op.drop_table('participation_motive')
    with op.batch_alter_table('activity_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_party_party_id'))

    op.drop_table('activity_party')
    with op.batch_alter_table('recognition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recognition_recognizer_id'))
        batch_op.drop_index(batch_op.f('ix_recognition_recognized_id'))

    op.drop_table('recognition')
    with op.batch_alter_table('phase_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_change_conflict_id'))

    op.drop_table('phase_change')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_supports_id'))
        batch_op.drop_index(batch_op.f('ix_participation_party_id'))
        batch_op.drop_index(batch_op.f('ix_participation_conflict_id'))

    op.drop_table('participation')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_user_id'))
        batch_op.drop_index('ix_audit_entry_record')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_conflict_date')

    op.drop_table('activity')
    op.drop_table('user_account')
    op.drop_table('party')
    op.drop_table('conflict')
