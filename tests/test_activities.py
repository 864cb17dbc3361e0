"""Logging activities through the form, editing without lost updates, deleting, history."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import Activity, AuditEntry, Participation
from tracker.vocab import ActivityPartyRole, Track


@pytest.fixture
def case(session: Session):
    conflict = make_conflict(session, slug="moz", name="Mozambique")
    gov, renamo, egidio = (make_party(session, name=n) for n in ("Mozambique", "RENAMO", "Sant'Egidio"))
    outsider = make_party(session, name="Kenya")
    for p in (gov, renamo, egidio):
        make_participation(session, conflict, p)
    session.commit()
    return {"conflict": conflict, "gov": gov, "renamo": renamo, "egidio": egidio, "outsider": outsider}


def activity_data(case, **changes) -> dict:
    data = {
        "date": "1992-10-04", "end_date": "", "type": "agreement", "track": "1.5", "scope": "bilateral",
        "official_level": "head_of_state", "form": "formal_meeting", "purpose": "agreement",
        "effect": "de_escalating", "incentive": "", "title": "General Peace Accords signed in Rome",
        "description": "Chissano and Dhlakama sign.",
        "parties-0-party": case["gov"].id, "parties-0-role": "participant",
        "parties-1-party": case["renamo"].id, "parties-1-role": "participant",
        "parties-2-party": case["egidio"].id, "parties-2-role": "mediator",
        "sources-0-citation": "Rome General Peace Accords (1992)", "sources-0-url": "https://peacemaker.un.org/mozambique-generalpeaceagreement92",
    }  # fmt: skip
    return data | changes


def _page(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_log_an_activity_and_read_it_back(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    response = client.post("/conflicts/moz/activities/new", data=activity_data(case))
    assert response.status_code == 302
    activity = session.scalars(sa.select(Activity)).one()
    assert response.location == f"/activities/{activity.id}"
    assert (activity.date, activity.date_precision, activity.track) == (date(1992, 10, 4), "day", "1.5")
    assert activity.recorded_by_id is not None
    page = _page(client.get(response.location))
    assert "General Peace Accords signed in Rome" in page and "Sant'Egidio" in page and "mediator" in page
    assert "peacemaker.un.org" in page
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert entry.action == "create" and entry.record_type == "activity" and entry.actor == "analyst@example.org"
    assert entry.changes["party_links"][1] == [
        "Mozambique (participant)",
        "RENAMO (participant)",
        "Sant'Egidio (mediator)",
    ]


def test_partial_dates_and_save_and_add_another(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    response = client.post(
        "/conflicts/moz/activities/new",
        data=activity_data(
            case, date="1990-07", title="First direct talks", type="negotiation_round", save_and_add="y"
        ),
    )
    assert response.status_code == 302 and response.location.startswith("/conflicts/moz/activities/new?date=1990-07&")
    assert response.location.endswith("#title")
    follow = client.get(response.location).get_data(as_text=True)
    assert '<option selected value="1.5">' in follow and '<option selected value="head_of_state">' in follow
    # The next entry of the series starts from the same date, parties and sources; the title is new.
    assert re.search(r'<input[^>]*name="date"[^>]*value="1990-07"', follow)
    assert (
        f'<option selected value="{case["egidio"].id}">' in follow
        and 'value="Rome General Peace Accords (1992)"' in follow
    )
    assert 'name="title"' in follow and 'value="First direct talks"' not in follow
    assert "Carried over from the previous entry" in follow  # the sources are the previous entry's: said so
    assert "Carried over" not in client.get("/conflicts/moz/activities/new").get_data(as_text=True)
    activity = session.scalars(sa.select(Activity)).one()
    assert (activity.date, activity.date_precision) == (date(1990, 7, 1), "month")
    assert '<time datetime="1990-07"' in client.get("/conflicts/moz").get_data(as_text=True)


BAD = [
    ({"date": "04/10/1992"}, "is not a date"),
    ({"date": "1992-13"}, "not a date on the calendar"),
    ({"end_date": "1992-01-01"}, "is before the start"),
    ({"track": "3"}, "unknown key '3'"),
    ({"official_level": "emperor"}, "unknown key 'emperor'"),
    ({"title": ""}, "This field is required"),
    ({"title": "Rome\x00"}, "control character"),
    ({"title": "x" * 301}, "the limit is 300"),
    ({"sources-0-citation": "", "sources-0-url": ""}, "at least one source"),
    ({"sources-0-url": "not a url"}, "not a valid http(s) URL"),
    ({"parties-0-role": ""}, "Give this party's role"),
    ({"parties-3-party": 999999, "parties-3-role": "target"}, "No such party"),
]


@pytest.mark.parametrize(("changes", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_activity_is_refused_with_the_reason_and_nothing_written(
    client, auth, case, session: Session, changes, message
) -> None:
    auth.login("analyst")
    response = client.post("/conflicts/moz/activities/new", data=activity_data(case, **changes))
    assert response.status_code == 200
    page = _page(response)
    assert message.lower() in page.lower()
    assert "Nothing was saved" in page or "alert-danger" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_a_refused_field_is_marked_invalid_for_screen_readers(client, auth, case) -> None:
    auth.login("analyst")
    page = _page(client.post("/conflicts/moz/activities/new", data=activity_data(case, title="")))
    assert 'aria-invalid="true"' in page and 'id="title"' in page
    field = page[page.index('id="title"') - 300 : page.index('id="title"') + 300]
    assert 'aria-invalid="true"' in field
    assert page.count('aria-invalid="true"') == 1  # only the field in error


def test_party_outside_the_conflict_is_refused_or_added_on_request(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    data = activity_data(case, **{"parties-3-party": case["outsider"].id, "parties-3-role": "mediator"})
    refused = client.post("/conflicts/moz/activities/new", data=data)
    assert "Not parties to this conflict: Kenya" in _page(refused)
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
    added = client.post("/conflicts/moz/activities/new", data=data | {"add_missing_parties": "y"})
    assert added.status_code == 302
    row = session.scalars(sa.select(Participation).where(Participation.party_id == case["outsider"].id)).one()
    assert (row.role, row.capacity) == ("third_party", "observer")


def test_duplicate_activity_is_refused(client, auth, case) -> None:
    auth.login("analyst")
    assert client.post("/conflicts/moz/activities/new", data=activity_data(case)).status_code == 302
    again = client.post("/conflicts/moz/activities/new", data=activity_data(case))
    assert "already recorded in this conflict" in _page(again)


def test_edit_records_each_changed_field_in_the_history(client, auth, case, session: Session) -> None:
    activity = make_activity(
        session, case["conflict"], [(case["gov"], ActivityPartyRole.INITIATOR)], title="Talks", track="1"
    )
    session.commit()
    auth.login("analyst")
    form = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    data = activity_data(case, title="Talks", track="1.5", type="negotiation_round", date="1991-01-01", version="1")
    assert client.post(f"/activities/{activity.id}/edit", data=data).status_code == 302
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.changes["track"] == ["1", "1.5"]
    assert "title" not in entry.changes
    history = _page(client.get(f"/history/activity/{activity.id}"))
    assert "analyst@example.org" in history and "track" in history
    # Codebook keys are shown by their labels.
    assert f"<del>{Track.ONE.label}</del> → <ins>{Track.ONE_AND_A_HALF.label}</ins>" in history


def test_saving_over_a_newer_version_asks_to_merge(client, auth, case, session: Session) -> None:
    activity = make_activity(
        session, case["conflict"], [(case["gov"], ActivityPartyRole.INITIATOR)], title="Talks", track="1"
    )
    session.commit()
    auth.login("analyst")
    base = activity_data(case, title="Talks", type="negotiation_round", date="1991-01-01", version="1")
    assert client.post(f"/activities/{activity.id}/edit", data=base | {"track": "2"}).status_code == 302
    stale = client.post(f"/activities/{activity.id}/edit", data=base | {"description": "My own edit"})
    assert stale.status_code == 200
    page = _page(stale)
    assert "Someone else saved this record" in page
    assert "My own edit" in page  # the user's entries are kept
    assert 'name="version" type="hidden" value="2"' in page
    session.expire_all()
    assert session.get(Activity, activity.id).track == "2"
    merged = client.post(f"/activities/{activity.id}/edit", data=base | {"description": "My own edit", "version": "2"})
    assert merged.status_code == 302


def test_delete_needs_confirmation_and_is_audited(client, auth, case, session: Session) -> None:
    activity = make_activity(session, case["conflict"], [(case["gov"], ActivityPartyRole.INITIATOR)], title="Talks")
    session.commit()
    auth.login("admin")
    confirm = _page(client.get(f"/activities/{activity.id}/delete"))
    assert "1 party links" in confirm and "1 sources" in confirm
    assert client.post(f"/activities/{activity.id}/delete").status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert entry.action == "delete" and entry.changes["title"] == ["Talks", None]


def test_referenced_party_cannot_be_deleted(client, auth, case) -> None:
    auth.login("admin")
    page = _page(client.get(f"/parties/{case['gov'].id}/delete"))
    assert "cannot be deleted while other records refer to it" in page and "1 roles in conflicts" in page
    assert client.post(f"/parties/{case['gov'].id}/delete").status_code == 409
    assert client.post(f"/parties/{case['outsider'].id}/delete").status_code == 302


def test_admin_change_log_filters_by_user_and_date(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    client.post("/conflicts/moz/activities/new", data=activity_data(case))
    auth.logout()
    auth.login("admin")
    everything = _page(client.get("/history/"))
    assert "General Peace Accords" in everything
    analyst_id = session.scalar(sa.text("SELECT id FROM user_account WHERE email = 'analyst@example.org'"))
    admin_id = session.scalar(sa.text("SELECT id FROM user_account WHERE email = 'admin@example.org'"))
    assert "General Peace Accords" in _page(client.get(f"/history/?user={analyst_id}"))
    assert "General Peace Accords" not in _page(client.get(f"/history/?user={admin_id}"))
    assert "General Peace Accords" not in _page(client.get("/history/?until=2000-01-01"))
    inverted = _page(client.get("/history/?since=2030-01-01&until=2000-01-01"))
    assert "is before the" in inverted


def test_an_end_known_to_the_month_is_kept_as_given_and_round_trips(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    data = activity_data(case, date="1990-07", end_date="1992-10")
    assert client.post("/conflicts/moz/activities/new", data=data).status_code == 302
    activity = session.scalars(sa.select(Activity)).one()
    # The end is the period's last day, so the activity overlaps any filter within October 1992.
    assert (activity.end_date, activity.end_date_precision) == (date(1992, 10, 31), "month")
    assert "1990-07 – 1992-10" in _page(client.get(f"/activities/{activity.id}"))
    assert 'value="1992-10"' in client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    late = _page(client.get("/conflicts/moz?from=1992-10-31"))
    assert "General Peace Accords signed in Rome" in late
    exported = client.get("/conflicts/moz/activities.csv").get_data(as_text=True)
    assert ",1990-07,month,1992-10," in exported
    refused = client.post("/conflicts/moz/activities/new", data=data | {"title": "Other", "end_date": "1989"})
    assert "is before the start" in _page(refused)


def test_reordering_parties_or_sources_is_not_a_change(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    data = activity_data(case, **{"sources-1-citation": "Second source"})
    assert client.post("/conflicts/moz/activities/new", data=data).status_code == 302
    activity = session.scalars(sa.select(Activity)).one()
    swapped = data | {
        "parties-0-party": case["renamo"].id, "parties-1-party": case["gov"].id,
        "sources-0-citation": "Second source", "sources-0-url": "",
        "sources-1-citation": data["sources-0-citation"], "sources-1-url": data["sources-0-url"], "version": "1",
    }  # fmt: skip
    assert client.post(f"/activities/{activity.id}/edit", data=swapped).status_code == 302
    assert session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).all() == []
    session.expire_all()
    assert session.get(Activity, activity.id).version == 1


def test_a_change_to_sources_alone_is_not_lost_to_a_later_stale_save(client, auth, case, session: Session) -> None:
    """Two people open the same activity; one changes only a source, the other the description
    after: the second gets the lost-update screen (in words), not a silent overwrite."""
    auth.login("analyst")
    client.post("/conflicts/moz/activities/new", data=activity_data(case))
    activity = session.scalars(sa.select(Activity)).one()
    opened = activity.version
    first = activity_data(case, **{"sources-0-citation": "Hume (1994), Ending Mozambique's War"}, version=opened)
    assert client.post(f"/activities/{activity.id}/edit", data=first).status_code == 302
    session.expire_all()
    assert session.get(Activity, activity.id).version > opened
    second = activity_data(case, description="Signed in Rome.", version=opened)
    page = _page(client.post(f"/activities/{activity.id}/edit", data=second))
    assert "Someone else saved this record" in page and "Sources" in page and "source_list" not in page
    session.expire_all()
    from tracker.models import Source

    assert session.scalars(sa.select(Source.citation)).one().startswith("Hume")


def test_changing_only_the_type_brings_the_new_types_cameo_code(client, auth, case, session: Session) -> None:
    auth.login("analyst")
    client.post("/conflicts/moz/activities/new", data=activity_data(case, type="statement", purpose="persuasive"))
    activity = session.scalars(sa.select(Activity)).one()
    form = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="cameo_code"[^>]*value=""', form) or 'name="cameo_code" value=""' in form
    data = activity_data(case, type="demand_protest", purpose="persuasive", cameo_code="", version=activity.version)
    assert client.post(f"/activities/{activity.id}/edit", data=data).status_code == 302
    session.expire_all()
    saved = session.get(Activity, activity.id)
    assert saved.type == "demand_protest" and saved.cameo_code == saved.type.cameo
