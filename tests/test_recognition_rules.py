"""Recognition is about statehood (codebook v2): the recognized party is a state or a
state-like authority, the recognizer one of those or an IGO. The form offers only those, the
service refuses the others, the database keeps the rule even against plain SQL, and a party
that has recognitions cannot take a kind they do not allow."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.factories import make_party
from tracker import rules
from tracker.inputs.records import PartyInput, RecognitionInput
from tracker.models import Party, Recognition
from tracker.parties import service
from tracker.vocab import PartyKind, RecognitionStatus


@pytest.fixture
def cast(session: Session) -> dict[str, Party]:
    made = {
        "state": make_party(session, name="Statia"),
        "de_facto": make_party(session, name="Breakaway", kind=PartyKind.STATE_LIKE, recognition_status=RecognitionStatus.UNRECOGNIZED),
        "igo": make_party(session, name="Union of States", kind=PartyKind.IGO, recognition_status=RecognitionStatus.NOT_APPLICABLE),
        "ngo": make_party(session, name="Helping Hands", kind=PartyKind.NGO, recognition_status=RecognitionStatus.NOT_APPLICABLE),
        "rebels": make_party(session, name="Liberation Front", kind=PartyKind.ARMED_GROUP, recognition_status=RecognitionStatus.NOT_APPLICABLE),
    }  # fmt: skip
    session.commit()
    return made


def _values(recognizer: Party, recognized: Party) -> RecognitionInput:
    return RecognitionInput.parse(
        {"recognizer": recognizer.id, "recognized": recognized.id, "status": "full", "since": "1992-01-01"}
    )


@pytest.mark.parametrize(
    ("recognizer", "recognized", "field"),
    [("ngo", "state", "recognizer"), ("rebels", "de_facto", "recognizer"), ("state", "rebels", "recognized"),
     ("igo", "ngo", "recognized"), ("state", "igo", "recognized")],
)  # fmt: skip
def test_the_service_refuses_what_is_not_statehood(
    session: Session, cast, recognizer: str, recognized: str, field: str
) -> None:
    with pytest.raises(rules.FieldError) as refused:
        service.create_recognition(session, _values(cast[recognizer], cast[recognized]))
    assert refused.value.field == field
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Recognition)) == 0


@pytest.mark.parametrize(("recognizer", "recognized"), [("state", "de_facto"), ("igo", "state"), ("de_facto", "state")])
def test_states_de_facto_authorities_and_igos_recognize(
    session: Session, cast, recognizer: str, recognized: str
) -> None:
    made = service.create_recognition(session, _values(cast[recognizer], cast[recognized]))
    session.commit()
    assert (made.recognizer_kind, made.recognized_kind) == (cast[recognizer].kind, cast[recognized].kind)


def test_the_database_refuses_it_too(session: Session, cast) -> None:
    ngo, state = cast["ngo"], cast["state"]
    with pytest.raises(IntegrityError):
        session.execute(
            sa.insert(Recognition).values(
                recognizer_id=ngo.id, recognizer_kind="ngo", recognized_id=state.id, recognized_kind="state",
                status="full", since=date(1992, 1, 1), source="", version=1,
                created_at=sa.func.current_timestamp(), updated_at=sa.func.current_timestamp(),
            )
        )  # fmt: skip
    session.rollback()
    # Nor can the kind copied beside the id lie about the party.
    with pytest.raises(IntegrityError):
        session.execute(
            sa.insert(Recognition).values(
                recognizer_id=ngo.id, recognizer_kind="state", recognized_id=state.id, recognized_kind="state",
                status="full", since=date(1992, 1, 1), source="", version=1,
                created_at=sa.func.current_timestamp(), updated_at=sa.func.current_timestamp(),
            )
        )  # fmt: skip
    session.rollback()


def test_a_party_with_recognitions_keeps_a_kind_they_allow(session: Session, cast) -> None:
    service.create_recognition(session, _values(cast["state"], cast["de_facto"]))
    session.commit()
    de_facto = cast["de_facto"]
    values = {
        "name": de_facto.name,
        "kind": PartyKind.ARMED_GROUP,
        "recognition_status": RecognitionStatus.NOT_APPLICABLE,
    }
    with pytest.raises(rules.FieldError, match="has recognitions") as refused:
        service.update_party(session, de_facto, PartyInput.parse(values), version=de_facto.version)
    assert refused.value.field == "kind"
    session.rollback()
    # Behind the service, the database carries the change to the edge and refuses it.
    with pytest.raises(IntegrityError):
        session.execute(
            sa.update(Party)
            .where(Party.id == de_facto.id)
            .values(kind="armed_group", recognition_status="not_applicable")
        )
        session.flush()
    session.rollback()
    # A kind the edges allow is fine, and the edge follows it.
    service.update_party(
        session, de_facto, PartyInput.parse(values | {"kind": PartyKind.STATE, "recognition_status": RecognitionStatus.PARTIALLY_RECOGNIZED}),
        version=de_facto.version,
    )  # fmt: skip
    session.commit()
    assert session.scalars(sa.select(Recognition.recognized_kind)).one() == PartyKind.STATE


def test_the_form_offers_only_who_may_take_part(client, auth, cast) -> None:
    auth.login("analyst")
    page = client.get("/parties/recognitions/new").get_data(as_text=True)
    recognizer = page.split('name="recognizer"')[1].split("</select>")[0]
    recognized = page.split('name="recognized"')[1].split("</select>")[0]
    assert "Union of States" in recognizer and "Statia" in recognizer and "Helping Hands" not in recognizer
    assert "Union of States" not in recognized and "Liberation Front" not in recognized and "Breakaway" in recognized
    response = client.post("/parties/recognitions/new", data={
        "recognizer": cast["ngo"].id, "recognized": cast["state"].id, "status": "full", "since": "1992",
    })  # fmt: skip
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
