"""Each form's success and failure paths: errors beside the field, nothing written."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.factories import make_conflict, make_participation, make_party
from tracker.models import AuditEntry, Conflict, Participation, Party, PhaseChange, Recognition

CONFLICT = {
    "name": "Cyprus dispute", "slug": "cyprus", "type": "interstate", "region": "Eastern Mediterranean",
    "start_date": "1963-12-21", "end_date": "", "summary": "", "phase": "stalemate", "phase_since": "1974-08-16",
}  # fmt: skip


def _count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def _field_error(page: str, field_id: str, message: str) -> bool:
    """The message sits right after the field's input (Bootstrap's invalid-feedback)."""
    start = page.find(f'id="{field_id}"')
    end = page.find('<div class="mb-3', start)
    return start != -1 and message.lower() in unescape(page[start : end if end != -1 else None]).lower()


def test_new_conflict_with_its_first_phase(client, auth, session: Session) -> None:
    auth.login("analyst")
    response = client.post("/conflicts/new", data=CONFLICT)
    assert response.status_code == 302 and response.location == "/conflicts/cyprus"
    conflict = session.scalars(sa.select(Conflict)).one()
    assert conflict.start_date == date(1963, 12, 21)
    phase = session.scalars(sa.select(PhaseChange)).one()
    assert (phase.phase, phase.since) == ("stalemate", date(1974, 8, 16))
    actions = session.scalars(sa.select(AuditEntry.record_type).order_by(AuditEntry.id)).all()
    assert actions == ["conflict", "phase_change"]


BAD_CONFLICTS = [
    ("name", "", "end_date", "This field is required", "name"),
    ("type", "cold_war", "type", "unknown key 'cold_war'", "type"),
    ("end_date", "1950-01-01", "end_date", "is before the start", "end_date"),
    ("start_date", "1963-02-30", "start_date", "is not a date on the calendar", "start_date"),
    ("start_date", "21 Dec 1963", "start_date", "write YYYY, YYYY-MM or YYYY-MM-DD", "start_date"),
    ("slug", "Cyprus Dispute!", "slug", "is not a slug", "slug"),
    ("region", "Levant\x00", "region", "control character", "region"),
    ("summary", "x" * 20_001, "summary", "the limit is 20000", "summary"),
]


@pytest.mark.parametrize(("field", "value", "_unused", "message", "field_id"), BAD_CONFLICTS)
def test_bad_conflict_is_refused_beside_the_field_and_entries_kept(
    client, auth, session: Session, field, value, _unused, message, field_id
) -> None:
    auth.login("analyst")
    response = client.post("/conflicts/new", data=CONFLICT | {field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _field_error(html, field_id, message), html[html.find(f'id="{field_id}"') - 200 :][:1800]
    assert 'value="Eastern Mediterranean"' in html or field == "region"
    assert _count(session, Conflict) == 0
    assert _count(session, AuditEntry) == 0


def test_duplicate_conflict_slug_is_refused(client, auth, session: Session) -> None:
    make_conflict(session, slug="cyprus")
    session.commit()
    auth.login("analyst")
    response = client.post("/conflicts/new", data=CONFLICT)
    assert _field_error(response.get_data(as_text=True), "slug", "already uses")
    assert _count(session, Conflict) == 1


def test_phase_change_and_its_validation(client, auth, session: Session) -> None:
    conflict = make_conflict(session, slug="c")
    session.commit()
    auth.login("analyst")
    assert (
        client.post("/conflicts/c/phases/new", data={"phase": "settlement", "since": "1999-01-01"}).status_code == 302
    )
    again = client.post("/conflicts/c/phases/new", data={"phase": "active", "since": "1999-01-01"})
    assert _field_error(again.get_data(as_text=True), "since", "already recorded")
    bad = client.post("/conflicts/c/phases/new", data={"phase": "peace", "since": "2001-01-01"})
    assert _field_error(bad.get_data(as_text=True), "phase", "unknown key 'peace'")
    phases = session.scalars(
        sa.select(PhaseChange.phase).where(PhaseChange.conflict_id == conflict.id).order_by(PhaseChange.since)
    ).all()
    assert phases == ["active", "settlement"]


def test_party_form_rules(client, auth, session: Session) -> None:
    auth.login("analyst")
    ok = client.post("/parties/new", data={"name": "OSCE", "kind": "igo", "recognition_status": "not_applicable"})
    assert ok.status_code == 302
    bad = client.post(
        "/parties/new",
        data={"name": "Red Cross", "kind": "ngo", "recognition_status": "recognized", "country_code": "ch"},
    )
    html = bad.get_data(as_text=True)
    assert _field_error(html, "recognition_status", "only states and state-like authorities")
    assert _field_error(html, "country_code", "is not a three-letter country code")
    dup = client.post("/parties/new", data={"name": "OSCE", "kind": "igo", "recognition_status": "not_applicable"})
    assert _field_error(dup.get_data(as_text=True), "name", "already exists")
    assert session.scalars(sa.select(Party.name)).all() == ["OSCE"]


def test_recognition_form(client, auth, session: Session) -> None:
    russia, abkhazia = (
        make_party(session, name="Russia"),
        make_party(session, name="Abkhazia", kind="state_like", recognition_status="partially_recognized"),
    )
    session.commit()
    auth.login("analyst")
    data = {
        "recognizer": russia.id,
        "recognized": abkhazia.id,
        "status": "full",
        "since": "2008-08-26",
        "source_url": "https://example.org/decree",
    }
    assert client.post("/parties/recognitions/new", data=data).status_code == 302
    self_rec = client.post("/parties/recognitions/new", data=data | {"recognized": russia.id})
    assert _field_error(self_rec.get_data(as_text=True), "recognized", "two different parties")
    bad = client.post("/parties/recognitions/new", data=data | {"until": "2000-01-01", "source_url": "ftp://x"})
    html = bad.get_data(as_text=True)
    assert _field_error(html, "until", "is before the start") and _field_error(
        html, "source_url", "not a valid http(s) URL"
    )
    ghost = client.post("/parties/recognitions/new", data=data | {"recognizer": 999_999})
    assert _field_error(ghost.get_data(as_text=True), "recognizer", "Not a valid choice")
    assert _count(session, Recognition) == 1


def test_participation_form_rules(client, auth, session: Session) -> None:
    conflict = make_conflict(session, slug="ga")
    georgia, abkhazia, russia = (make_party(session, name=n) for n in ("Georgia", "Abkhazia", "Russia"))
    make_participation(session, conflict, georgia)
    make_participation(session, conflict, abkhazia)
    session.commit()
    auth.login("analyst")
    supporter = client.post("/conflicts/ga/roles/new", data={"party": russia.id, "role": "supporter"})
    assert _field_error(supporter.get_data(as_text=True), "supports", "must say whom it supports")
    third = client.post("/conflicts/ga/roles/new", data={"party": russia.id, "role": "third_party"})
    assert _field_error(third.get_data(as_text=True), "capacity", "must have a capacity")
    ok = client.post(
        "/conflicts/ga/roles/new",
        data={
            "party": russia.id,
            "role": "supporter",
            "supports": abkhazia.id,
            "support_kinds": ["military", "political"],
            "since": "1992-08-01",
        },
    )
    assert ok.status_code == 302
    row = session.scalars(sa.select(Participation).where(Participation.party_id == russia.id)).one()
    session.refresh(row)
    kinds = session.execute(sa.text("SELECT kind FROM participation_support_kind ORDER BY kind")).scalars().all()
    assert (row.role, row.supports_id, kinds) == ("supporter", abkhazia.id, ["military", "political"])
    mediator = client.post(
        "/conflicts/ga/roles/new",
        data={
            "party": russia.id,
            "role": "third_party",
            "capacity": "mediator",
            "motives": ["stakes", "bogus"],
            "leverage": "strong",
        },
    )
    assert "unknown key 'bogus'" in unescape(mediator.get_data(as_text=True)).lower()


def test_dates_known_to_the_year_or_month_are_kept_as_given(client, auth, session: Session) -> None:
    auth.login("analyst")
    data = CONFLICT | {"start_date": "1963", "end_date": "1974-08", "phase_since": "1974"}
    assert client.post("/conflicts/new", data=data).status_code == 302
    conflict = session.scalars(sa.select(Conflict)).one()
    # A start is the first day of its period, an end its last: ranges and "as of" need no precision.
    assert (conflict.start_date, conflict.start_date_precision) == (date(1963, 1, 1), "year")
    assert (conflict.end_date, conflict.end_date_precision) == (date(1974, 8, 31), "month")
    page = unescape(client.get("/conflicts/cyprus").get_data(as_text=True))
    assert "1963 – 1974-08" in page and "from 1974" in page
    form = client.get("/conflicts/cyprus/edit").get_data(as_text=True)
    assert 'value="1963"' in form and 'value="1974-08"' in form
    # Within the same year an end given to the year is not "before" a start given to the day.
    same_year = client.post(
        "/conflicts/cyprus/edit", data=data | {"start_date": "1963-12-21", "end_date": "1963", "version": "1"}
    )
    assert same_year.status_code == 302
    session.expire_all()
    assert session.get(Conflict, conflict.id).end_date == date(1963, 12, 31)


def test_a_recognition_until_a_year_lasts_to_its_end(client, auth, session: Session) -> None:
    conflict = make_conflict(session, slug="ga", name="Georgia–Abkhazia")
    russia = make_party(session, name="Russia")
    abkhazia = make_party(session, name="Abkhazia", kind="state_like", recognition_status="partially_recognized")
    for p in (russia, abkhazia):
        make_participation(session, conflict, p)
    session.commit()
    auth.login("analyst")
    data = {
        "recognizer": russia.id,
        "recognized": abkhazia.id,
        "status": "engages",
        "since": "1994-05",
        "until": "2008",
    }
    assert client.post("/parties/recognitions/new", data=data).status_code == 302
    rec = session.scalars(sa.select(Recognition)).one()
    assert (rec.since, rec.until, rec.since_precision, rec.until_precision) == (
        date(1994, 5, 1),
        date(2008, 12, 31),
        "month",
        "year",
    )
    assert "1994-05 – 2008" in unescape(client.get(f"/parties/{russia.id}").get_data(as_text=True))
    late_2008 = unescape(client.get("/conflicts/ga?as_of=2008-11").get_data(as_text=True))
    early_2009 = unescape(client.get("/conflicts/ga?as_of=2009-01").get_data(as_text=True))
    assert "Engages" in late_2008.split("Recognition among the parties")[1]
    assert "No recognition stance among these parties is recorded for 2009-01-31" in early_2009
    assert 'value="2008"' in client.get(f"/parties/recognitions/{rec.id}/edit").get_data(as_text=True)
