"""codebook v2

The codebook's second version: two party kinds (political_party, local_authority); a side
(a or b) for each direct party; seven activity types (statement, demand_protest, visit,
cooperation, concession, threat, coercion); a CAMEO code on every activity (existing ones take
their type's code); recognition limited to statehood (the recognized party a state or a
state-like authority, the recognizer one of those or an IGO), kept in the database through
each end's kind; and the official level counted over those who act, never the targets (the
party tallies' triggers, version 2, in migrations/sql/).

Recognition edges that the v2 rule refuses cannot be carried over: they are deleted, each
with an entry in the change log that keeps every value it had (actor "migration codebook v2").

Revision ID: 804f3464b1f7
Revises: ce36ad766ddb
Create Date: 2026-11-30 23:06:45.574084
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op


revision: str = '804f3464b1f7'
down_revision: str | None = 'ce36ad766ddb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the tally triggers (``tracker.dashboards.tallies.script``) as they were
#: at this revision: a migration never runs application code.
_SQL = Path(__file__).resolve().parent.parent / "sql"


def _run_script(name: str) -> None:
    conn = op.get_bind()
    text = (_SQL / f"{name}.{conn.dialect.name}.sql").read_text(encoding="utf-8")
    for statement in text.split("\n-- next statement\n"):
        if statement.strip():
            conn.exec_driver_sql(statement)


_V1_TYPES = {
    'informal_consultation': '040', 'good_offices': '045', 'special_envoy': '042', 'mediation_session': '045',
    'negotiation_round': '046', 'fact_finding': '090', 'condemnation': '111', 'diplomatic_sanction': '161',
    'economic_sanction': '163', 'ultimatum': '139', 'incentive_offer': '07', 'support_action': '05',
    'recognition_act': '054', 'ceasefire': '0871', 'agreement': '057', 'tribunal_commission': '094',
    'written_communication': '01', 'peacekeeping': '074', 'military_action': '19',
}  # fmt: skip
_V2_TYPES = [*_V1_TYPES, 'statement', 'demand_protest', 'visit', 'cooperation', 'concession', 'threat', 'coercion']
_V1_KINDS = ['state', 'state_like', 'armed_group', 'igo', 'ngo', 'individual', 'business']
_V2_KINDS = [*_V1_KINDS, 'political_party', 'local_authority']
_RECOGNIZERS = ('igo', 'state', 'state_like')
_RECOGNIZABLE = ('state', 'state_like')


def _in(column: str, keys: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(k) for k in keys)})"


def _kind_enum(name: str) -> sa.Enum:
    return sa.Enum(*_V2_KINDS, name=name, native_enum=False, create_constraint=True, length=15)


def _drop_refused_recognitions(conn: sa.Connection) -> None:
    """Delete the edges v2 refuses, logging each with all it held."""
    rows = conn.execute(sa.text(
        "SELECT r.id, r.recognizer_id, r.recognized_id, r.status, r.since, r.since_precision, r.until, "
        "r.until_precision, r.source, r.source_url, a.name AS recognizer, b.name AS recognized "
        "FROM recognition r JOIN party a ON a.id = r.recognizer_id JOIN party b ON b.id = r.recognized_id "
        f"WHERE NOT ({_in('a.kind', _RECOGNIZERS)}) OR NOT ({_in('b.kind', _RECOGNIZABLE)})"
    )).mappings().all()  # fmt: skip
    fields = ("recognizer_id", "recognized_id", "status", "since", "since_precision", "until", "until_precision", "source", "source_url")
    now = datetime.now(UTC)
    for row in rows:
        changes = {f: [None if row[f] is None else str(row[f]), None] for f in fields if row[f] not in (None, "")}
        conn.execute(
            sa.text(
                "INSERT INTO audit_entry (at, user_id, actor, action, record_type, record_id, summary, changes) "
                "VALUES (:at, NULL, :actor, 'delete', 'recognition', :id, :summary, :changes)"
            ),
            {
                "at": now, "actor": "migration codebook v2", "id": row["id"],
                "summary": f"{row['recognizer']} → {row['recognized']}: not a recognition of statehood under codebook v2"[:300],
                "changes": json.dumps(changes),
            },
        )  # fmt: skip
        conn.execute(sa.text("DELETE FROM recognition WHERE id = :id"), {"id": row["id"]})


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cameo_code', sa.String(length=4), nullable=True))
    for kind, code in _V1_TYPES.items():
        conn.execute(sa.text("UPDATE activity SET cameo_code = :code WHERE type = :kind"), {"code": code, "kind": kind})
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.alter_column('cameo_code', existing_type=sa.String(length=4), nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_activity_type'), type_='check')
        batch_op.create_check_constraint('type', _in('type', _V2_TYPES))
        batch_op.create_check_constraint('cameo_code_length', 'length(cameo_code) BETWEEN 2 AND 4')

    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('side', sa.Enum('a', 'b', name='side', native_enum=False, create_constraint=True), nullable=True))
        batch_op.create_check_constraint('side_only_primary', "role = 'primary' OR side IS NULL")

    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_party_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.VARCHAR(length=11), type_=sa.String(length=15), existing_nullable=False)
        batch_op.create_check_constraint('kind', _in('kind', _V2_KINDS))
        batch_op.create_unique_constraint(batch_op.f('uq_party_id_kind'), ['id', 'kind'])

    _drop_refused_recognitions(conn)
    with op.batch_alter_table('recognition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recognizer_kind', _kind_enum('recognizer_kind_key'), nullable=True))
        batch_op.add_column(sa.Column('recognized_kind', _kind_enum('recognized_kind_key'), nullable=True))
    conn.execute(sa.text(
        "UPDATE recognition SET recognizer_kind = (SELECT kind FROM party WHERE party.id = recognition.recognizer_id), "
        "recognized_kind = (SELECT kind FROM party WHERE party.id = recognition.recognized_id)"
    ))  # fmt: skip
    with op.batch_alter_table('recognition', schema=None) as batch_op:
        batch_op.alter_column('recognizer_kind', existing_type=_kind_enum('recognizer_kind_key'), nullable=False)
        batch_op.alter_column('recognized_kind', existing_type=_kind_enum('recognized_kind_key'), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_recognition_recognizer_id_party'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_recognition_recognized_id_party'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_recognition_recognizer_party'), 'party', ['recognizer_id', 'recognizer_kind'], ['id', 'kind'], onupdate='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_recognition_recognized_party'), 'party', ['recognized_id', 'recognized_kind'], ['id', 'kind'], onupdate='CASCADE')
        batch_op.create_check_constraint('recognizer_kind', _in('recognizer_kind', _RECOGNIZERS))
        batch_op.create_check_constraint('recognized_kind', _in('recognized_kind', _RECOGNIZABLE))

    # The batch rebuild of activity dropped its triggers on SQLite; version 2 counts only
    # those who act in the party tallies (everywhere).
    _run_script("tallies_v2")


def downgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('recognition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_recognition_recognized_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_recognition_recognizer_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_recognition_recognized_kind_key'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_recognition_recognizer_kind_key'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_recognition_recognized_party'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_recognition_recognizer_party'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_recognition_recognized_id_party'), 'party', ['recognized_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_recognition_recognizer_id_party'), 'party', ['recognizer_id'], ['id'])
        batch_op.drop_column('recognized_kind')
        batch_op.drop_column('recognizer_kind')

    # Parties of the new kinds become what v1 called them closest: movements NGOs, local
    # authorities state-like.
    conn.execute(sa.text("UPDATE party SET kind = 'ngo' WHERE kind = 'political_party'"))
    conn.execute(sa.text("UPDATE party SET kind = 'state_like' WHERE kind = 'local_authority'"))
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_party_id_kind'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_party_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=15), type_=sa.VARCHAR(length=11), existing_nullable=False)
        batch_op.create_check_constraint('kind', _in('kind', _V1_KINDS))

    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_participation_side_only_primary'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_participation_side'), type_='check')
        batch_op.drop_column('side')

    # Activities of the new types take the v1 type their CAMEO root is closest to.
    for new, old in {'statement': 'written_communication', 'demand_protest': 'condemnation', 'visit': 'special_envoy',
                     'cooperation': 'support_action', 'concession': 'incentive_offer', 'threat': 'ultimatum',
                     'coercion': 'diplomatic_sanction'}.items():  # fmt: skip
        conn.execute(sa.text("UPDATE activity SET type = :old WHERE type = :new"), {"old": old, "new": new})
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_activity_cameo_code_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_activity_type'), type_='check')
        batch_op.create_check_constraint('type', _in('type', list(_V1_TYPES)))
        batch_op.drop_column('cameo_code')

    _run_script("tallies_v1")
