"""Integrity lives in the database: constraints refuse what the codebook forbids."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, InvalidRequestError, StatementError
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import Activity, Conflict, Participation, Recognition
from tracker.vocab import Capacity, PartyKind, RecognitionKind, RecognitionStatus, Role


def _refused(session: Session, statement: str, **params: object) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(sa.text(statement), params)


def test_unknown_vocabulary_key_is_refused_by_the_database(session: Session) -> None:
    conflict = make_conflict(session)
    activity = make_activity(session, conflict)
    _refused(session, "UPDATE activity SET track = '3' WHERE id = :id", id=activity.id)
    _refused(session, "UPDATE activity SET type = 'invasion' WHERE id = :id", id=activity.id)
    _refused(session, "UPDATE conflict SET type = 'cold_war' WHERE id = :id", id=conflict.id)


def test_unknown_vocabulary_key_is_refused_by_the_orm(session: Session) -> None:
    conflict = make_conflict(session)
    with pytest.raises(StatementError), session.begin_nested():
        session.execute(sa.update(Activity).values(track="3").where(Activity.conflict_id == conflict.id))


def test_end_before_start_is_refused(session: Session) -> None:
    conflict = make_conflict(session)
    activity = make_activity(session, conflict)
    _refused(session, "UPDATE activity SET end_date = '1900-01-01' WHERE id = :id", id=activity.id)
    _refused(session, "UPDATE conflict SET end_date = '1900-01-01' WHERE id = :id", id=conflict.id)


def test_party_names_are_unique(session: Session) -> None:
    make_party(session, name="Estonia")
    with pytest.raises(IntegrityError), session.begin_nested():
        make_party(session, name="Estonia")


def test_only_states_carry_a_recognition_status(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        make_party(session, kind=PartyKind.NGO, recognition_status=RecognitionStatus.RECOGNIZED)


def test_supporter_must_name_whom_it_supports(session: Session) -> None:
    conflict = make_conflict(session)
    russia = make_party(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        make_participation(session, conflict, russia, role=Role.SUPPORTER)


def test_third_party_needs_a_capacity_and_others_have_none(session: Session) -> None:
    conflict = make_conflict(session)
    osce = make_party(session, kind=PartyKind.IGO, recognition_status=RecognitionStatus.NOT_APPLICABLE)
    with pytest.raises(IntegrityError), session.begin_nested():
        make_participation(session, conflict, osce, role=Role.THIRD_PARTY)
    with pytest.raises(IntegrityError), session.begin_nested():
        make_participation(session, conflict, osce, role=Role.PRIMARY, capacity=Capacity.MEDIATOR)
    row = make_participation(session, conflict, osce, role=Role.THIRD_PARTY, capacity=Capacity.MEDIATOR)
    assert row.id


def test_no_party_recognizes_itself(session: Session) -> None:
    party = make_party(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            Recognition(
                recognizer_id=party.id,
                recognized_id=party.id,
                status=RecognitionKind.FULL,
                since=date(2008, 8, 26),
                source="",
            )
        )
        session.flush()


def test_activity_needs_an_existing_conflict(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        make_activity(session, Conflict(id=999_999))


def test_duplicate_activity_key_is_refused(session: Session) -> None:
    conflict = make_conflict(session)
    make_activity(session, conflict, title="Summit")
    with pytest.raises(IntegrityError), session.begin_nested():
        make_activity(session, conflict, title="Summit")


def test_relationships_never_load_lazily(session: Session) -> None:
    conflict = make_conflict(session)
    make_activity(session, conflict)
    session.commit()
    session.expunge_all()
    loaded = session.scalars(sa.select(Conflict)).one()
    with pytest.raises(InvalidRequestError):
        _ = loaded.activities
    participation_rel = sa.inspect(Participation).relationships
    party_rel = sa.inspect(Activity).relationships
    assert all(r.lazy == "raise" for r in [*participation_rel, *party_rel])


def test_stale_update_is_detected_by_version(session: Session) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    party = make_party(session)
    session.commit()
    session.execute(sa.text("UPDATE party SET version = version + 1 WHERE id = :id"), {"id": party.id})
    party.description = "changed by someone else meanwhile"
    with pytest.raises(StaleDataError):
        session.flush()
    session.rollback()
