"""The JSON API: personal tokens, the timeline page by page, writes with If-Match, and one
error shape for every refusal; nothing is written by a refused request."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.factories import make_conflict, make_participation, make_party
from tracker.api.tokens import create_token, revoke
from tracker.models import Activity, ApiToken, AuditEntry, User


@pytest.fixture
def world(session: Session, users) -> dict:
    conflict = make_conflict(session, slug="moz", name="Mozambique")
    parties = {n: make_party(session, name=n) for n in ("Mozambique", "RENAMO", "Sant'Egidio")}
    for p in parties.values():
        make_participation(session, conflict, p)
    session.commit()
    return {"conflict": conflict, **parties}


def _token(session: Session, role: str, *, read_only: bool = False, name: str = "script") -> str:
    user = session.scalars(sa.select(User).where(User.email == f"{role}@example.org")).one()
    _token_row, secret = create_token(session, user, name, read_only=read_only)
    session.commit()
    return secret


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _body(world: dict, **changes: object) -> dict:
    return {
        "date": "1992-10-04", "type": "agreement", "track": "1.5", "scope": "bilateral",
        "official_level": "head_of_state", "form": "formal_meeting", "purpose": "agreement",
        "effect": "de_escalating", "title": "General Peace Accords signed in Rome",
        "participants": [world["Mozambique"].id, "RENAMO"], "mediators": [world["Sant'Egidio"].id],
        "sources": [{"citation": "Rome General Peace Accords (1992)", "url": "https://peacemaker.un.org/mozambique"}],
    } | changes  # fmt: skip


def _count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_round_trip_create_read_update_stale_delete(client, session: Session, world) -> None:
    secret = _token(session, "analyst")
    made = client.post("/api/v1/conflicts/moz/activities", json=_body(world), headers=_auth(secret))
    assert made.status_code == 201, made.get_json()
    record = made.get_json()
    assert record["date"] == "1992-10-04" and record["track"] == "1.5" and record["conflict"] == "Mozambique"
    assert [p["name"] for p in record["participants"]] == ["Mozambique", "RENAMO"]
    assert record["sources"] == [
        {"citation": "Rome General Peace Accords (1992)", "url": "https://peacemaker.un.org/mozambique"}
    ]
    location, etag = made.headers["Location"], made.headers["ETag"]

    read = client.get(location, headers=_auth(secret))
    assert read.status_code == 200 and read.headers["ETag"] == etag and read.get_json()["title"] == record["title"]
    assert client.get(location, headers=_auth(secret) | {"If-None-Match": etag}).status_code == 304

    changed = _body(world, title="The General Peace Accords", date="1992-10")
    assert client.put(location, json=changed, headers=_auth(secret)).status_code == 428  # If-Match is required
    updated = client.put(location, json=changed, headers=_auth(secret) | {"If-Match": etag})
    assert updated.status_code == 200 and updated.get_json()["date"] == "1992-10"
    stale = client.put(location, json=_body(world, title="Lost"), headers=_auth(secret) | {"If-Match": etag})
    assert stale.status_code == 412
    error = stale.get_json()["error"]
    assert error["code"] == "stale" and error["current_version"] == updated.get_json()["version"]
    assert session.scalars(sa.select(Activity.title)).one() == "The General Peace Accords"

    gone = client.delete(location, headers=_auth(secret) | {"If-Match": updated.headers["ETag"]})
    assert gone.status_code == 204 and _count(session, Activity) == 0
    entries = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.record_type == "activity").order_by(AuditEntry.id)
    ).all()
    assert [e.action.value for e in entries] == ["create", "update", "delete"]
    assert {e.actor for e in entries} == {"analyst@example.org (token “script”)"} and {e.origin for e in entries} == {
        "api"
    }


def test_the_timeline_page_by_page_is_stable_under_inserts(client, session: Session, world) -> None:
    secret = _token(session, "analyst")
    for day in range(1, 8):
        body = _body(world, date=f"1992-10-{day:02d}", title=f"Round {day}")
        assert client.post("/api/v1/conflicts/moz/activities", json=body, headers=_auth(secret)).status_code == 201
    first = client.get("/api/v1/conflicts/moz/activities?limit=3", headers=_auth(secret))
    assert [a["title"] for a in first.get_json()["items"]] == ["Round 1", "Round 2", "Round 3"]
    assert 'rel="next"' in first.headers["Link"]
    # Someone logs an earlier activity meanwhile: the next page goes on where the last one ended.
    early = _body(world, date="1992-09-01", title="Earlier")
    assert client.post("/api/v1/conflicts/moz/activities", json=early, headers=_auth(secret)).status_code == 201
    titles, cursor = [], first.get_json()["next"]
    while cursor:
        page = client.get(f"/api/v1/conflicts/moz/activities?limit=3&cursor={cursor}", headers=_auth(secret)).get_json()
        titles += [a["title"] for a in page["items"]]
        cursor = page["next"]
    assert titles == ["Round 4", "Round 5", "Round 6", "Round 7"]
    newest = client.get("/api/v1/conflicts/moz/activities?order=newest&limit=2&type=agreement", headers=_auth(secret))
    assert [a["title"] for a in newest.get_json()["items"]] == ["Round 7", "Round 6"]
    bad = client.get("/api/v1/conflicts/moz/activities?cursor=nonsense", headers=_auth(secret))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_cursor"


def test_tokens_revoked_read_only_and_viewer(client, session: Session, world, runner) -> None:
    url = "/api/v1/conflicts/moz/activities"
    assert client.get(url).status_code == 401  # no token; a browser's session cookie is not enough either
    assert client.get(url, headers=_auth("trk_not-a-token")).get_json()["error"]["code"] == "unauthorized"
    reader = _token(session, "analyst", read_only=True, name="reader")
    assert client.get(url, headers=_auth(reader)).status_code == 200
    refused = client.post(url, json=_body(world), headers=_auth(reader))
    assert refused.status_code == 403 and "read-only" in refused.get_json()["error"]["message"]
    viewer = _token(session, "viewer")
    assert client.post(url, json=_body(world), headers=_auth(viewer)).status_code == 403
    result = runner.invoke(args=["create-token", "--email", "analyst@example.org", "--name", "cli"])
    assert result.exit_code == 0 and result.output.startswith("trk_")
    secret = result.output.splitlines()[0]
    assert client.get(url, headers=_auth(secret)).status_code == 200
    revoke(session, session.scalars(sa.select(ApiToken).where(ApiToken.name == "cli")).one())
    session.commit()
    assert client.get(url, headers=_auth(secret)).status_code == 401
    assert _count(session, Activity) == 0
    assert (
        session.scalars(sa.select(ApiToken.digest)).all()
        and secret not in session.scalars(sa.select(ApiToken.digest)).all()
    )


BAD_BODIES = [
    ("not json", "malformed", 400),
    ("[1, 2]", "malformed", 400),
    ('{"title": "\\ud800"}', "malformed", 400),
    ("{" * 30 + "}" * 30, "malformed", 400),
]


@pytest.mark.parametrize(("text", "code", "status"), BAD_BODIES)
def test_malformed_bodies_are_refused_before_any_rule(client, session: Session, world, text, code, status) -> None:
    secret = _token(session, "analyst")
    answer = client.post(
        "/api/v1/conflicts/moz/activities", data=text, content_type="application/json", headers=_auth(secret)
    )
    assert answer.status_code == status and answer.get_json()["error"]["code"] == code
    assert _count(session, Activity) == 0


def test_every_field_gets_its_reason_at_its_json_pointer(client, session: Session, world) -> None:
    secret = _token(session, "analyst")
    url = "/api/v1/conflicts/moz/activities"
    wrong_type = client.post(url, data=json.dumps(_body(world)), content_type="text/plain", headers=_auth(secret))
    assert wrong_type.status_code == 415
    unknown = client.post(url, json=_body(world, colour="blue", title=7), headers=_auth(secret)).get_json()["error"]
    assert set(unknown["fields"]) == {"/colour", "/title"}
    bad = client.post(url, json=_body(world, track="3", date="1992-13-01", incentive="stick", type="statement",
                                     title="A\x00B", sources=[], participants=["Atlantis"]),
                      headers=_auth(secret))  # fmt: skip
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert {"/track", "/date", "/title", "/sources", "/incentive"} <= set(fields)
    unknown_party = client.post(url, json=_body(world, participants=["Atlantis"]), headers=_auth(secret))
    assert unknown_party.status_code == 422 and "/participants/0" in unknown_party.get_json()["error"]["fields"]
    missing = client.get("/api/v1/activities/999999", headers=_auth(secret))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/nowhere", headers=_auth(secret)).get_json()["error"]["code"] == "not_found"
    assert _count(session, Activity) == 0


def test_tokens_page_shows_a_new_secret_once_and_revokes(client, auth, session: Session, users) -> None:
    auth.login("analyst")
    created = client.post("/account/tokens", data={"name": "news monitor", "read_only": "y"})
    assert created.status_code == 302  # and a reload of the page it leads to creates nothing again
    page = client.get(created.location).get_data(as_text=True)
    secret = page.split('value="trk_', 1)[1].split('"', 1)[0]
    assert "copy it now" in page and "read only" in page
    assert "trk_" + secret not in client.get("/account/tokens").get_data(as_text=True)  # shown once
    again = client.post("/account/tokens", data={"name": "News Monitor"}).get_data(as_text=True)
    assert "already have a token named" in again
    token = session.scalars(sa.select(ApiToken)).one()
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is not None


def test_a_duplicate_is_a_conflict_and_too_many_requests_wait(client, app, session: Session, world) -> None:
    secret = _token(session, "analyst")
    url = "/api/v1/conflicts/moz/activities"
    assert client.post(url, json=_body(world), headers=_auth(secret)).status_code == 201
    again = client.post(url, json=_body(world), headers=_auth(secret))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate"
    limit = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = 1
    try:
        other = _token(session, "analyst", name="other")
        assert client.get(url, headers=_auth(other)).status_code == 200
        busy = client.get(url, headers=_auth(other))
        assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
        assert busy.get_json()["error"]["code"] == "too_many_requests"
    finally:
        app.config["API_RATE_LIMIT"] = limit
    assert _count(session, Activity) == 1


def test_parties_and_the_dashboard_read_as_the_exports_and_the_page(client, session: Session, world) -> None:
    secret = _token(session, "viewer")
    writer = _token(session, "analyst", name="writer")
    for day, track in ((4, "1"), (5, "2"), (6, "1")):
        body = _body(world, date=f"1992-10-{day:02d}", title=f"Talks {day}", track=track)
        assert client.post("/api/v1/conflicts/moz/activities", json=body, headers=_auth(writer)).status_code == 201
    listed = client.get("/api/v1/parties", headers=_auth(secret)).get_json()["items"]
    assert [p["name"] for p in listed] == ["Mozambique", "RENAMO", "Sant'Egidio"] and listed[0]["kind"] == "state"
    one = client.get(f"/api/v1/parties/{world['RENAMO'].id}", headers=_auth(secret)).get_json()
    assert one["party_id"] == world["RENAMO"].id and one["name"] == "RENAMO"
    board = client.get("/api/v1/conflicts/moz/dashboard", headers=_auth(secret)).get_json()
    assert board["unit"] == "month" and board["buckets"] == ["1992-10"] and board["activities"] == 3
    assert board["tracks"]["1"] == [2] and board["tracks"]["2"] == [1] and board["types"]["agreement"] == 3
    assert board["escalation"]["counts"] == [3] and board["escalation"]["months"][0]["month"] == "1992-10"
    filtered = client.get("/api/v1/conflicts/moz/dashboard?track=2", headers=_auth(secret)).get_json()
    assert filtered["activities"] == 1


def test_parties_round_trip_with_if_match_and_references(client, session: Session, world) -> None:
    analyst, admin = _token(session, "analyst"), _token(session, "admin")
    made = client.post("/api/v1/parties", json={"name": "OSCE", "kind": "igo", "recognition_status": "not_applicable"},
                       headers=_auth(analyst))  # fmt: skip
    assert made.status_code == 201 and made.get_json()["name"] == "OSCE"
    location, etag = made.headers["Location"], made.headers["ETag"]
    twin = client.post("/api/v1/parties", json={"name": "osce", "kind": "igo", "recognition_status": "not_applicable"},
                       headers=_auth(analyst))  # fmt: skip
    assert twin.status_code == 422 and "already exists" in twin.get_json()["error"]["fields"]["/name"][0]
    bad = client.post("/api/v1/parties", json={"name": "Red Cross", "kind": "ngo", "recognition_status": "recognized"},
                      headers=_auth(analyst))  # fmt: skip
    assert "/recognition_status" in bad.get_json()["error"]["fields"]
    body = {"name": "OSCE", "full_name": "Organization for Security and Co-operation in Europe", "kind": "igo",
            "recognition_status": "not_applicable"}  # fmt: skip
    changed = client.put(location, json=body, headers=_auth(analyst) | {"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["full_name"].startswith("Organization")
    assert client.put(location, json=body, headers=_auth(analyst) | {"If-Match": etag}).status_code == 412
    assert client.delete(location, headers=_auth(analyst) | {"If-Match": changed.headers["ETag"]}).status_code == 403
    used = f"/api/v1/parties/{world['RENAMO'].id}"
    still = client.delete(
        used, headers=_auth(admin) | {"If-Match": client.get(used, headers=_auth(admin)).headers["ETag"]}
    )
    assert still.status_code == 409 and still.get_json()["error"]["code"] == "referenced"
    assert client.delete(location, headers=_auth(admin) | {"If-Match": changed.headers["ETag"]}).status_code == 204


def _round_trip(
    client, secret: str, admin: str, create_url: str, body: dict, change: dict, only_new: tuple = ()
) -> dict:
    """Create, read, replace with the version, refuse a stale replace, delete (as an admin);
    ``only_new``: fields a new record takes and a replacement does not."""
    made = client.post(create_url, json=body, headers=_auth(secret))
    assert made.status_code == 201, made.get_json()
    location, etag = made.headers["Location"], made.headers["ETag"]
    read = client.get(location, headers=_auth(secret))
    assert read.status_code == 200 and read.headers["ETag"] == etag
    body = {k: v for k, v in body.items() if k not in only_new}
    changed = client.put(location, json=body | change, headers=_auth(secret) | {"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert client.put(location, json=body, headers=_auth(secret) | {"If-Match": etag}).status_code == 412
    assert client.delete(location, headers=_auth(secret) | {"If-Match": changed.headers["ETag"]}).status_code == 403
    assert client.delete(location, headers=_auth(admin) | {"If-Match": changed.headers["ETag"]}).status_code == 204
    assert client.get(location, headers=_auth(secret)).status_code == 404
    return changed.get_json()


def test_phases_roles_recognitions_and_conflicts_round_trip(client, session: Session, world) -> None:
    secret, admin = _token(session, "analyst"), _token(session, "admin")
    phase = _round_trip(client, secret, admin, "/api/v1/conflicts/moz/phases",
                        {"phase": "active", "since": "1977-05"}, {"note": "War spreads."})  # fmt: skip
    assert phase["since"] == "1977-05" and phase["note"] == "War spreads."
    kenya = make_party(session, name="Kenya")
    session.commit()
    role = _round_trip(client, secret, admin, "/api/v1/conflicts/moz/roles",
                       {"party": "kenya", "role": "third_party", "capacity": "facilitator"},
                       {"motives": ["stakes", "invited"], "until": "1992"})  # fmt: skip
    assert role["party"] == kenya.id and role["motives"] == ["stakes", "invited"] and role["until"] == "1992"
    refused = client.post(
        "/api/v1/conflicts/moz/roles", json={"party": kenya.id, "role": "supporter"}, headers=_auth(secret)
    )
    assert refused.status_code == 422 and "/supports" in refused.get_json()["error"]["fields"]
    state = make_party(session, name="Portugal")
    make_party(session, name="Helping Hands", kind="ngo", recognition_status="not_applicable")
    session.commit()
    recognition = _round_trip(client, secret, admin, "/api/v1/recognitions",
                              {"recognizer": state.id, "recognized": "Mozambique", "status": "full", "since": "1975-06-25"},
                              {"source": "Lusaka Accord"})  # fmt: skip
    assert recognition["recognized"] == world["Mozambique"].id and recognition["since"] == "1975-06-25"
    ngo = client.post("/api/v1/recognitions", json={"recognizer": state.id, "recognized": "helping hands", "status": "full",
                                                     "since": "1990"}, headers=_auth(secret))  # fmt: skip
    assert ngo.status_code == 422 and "/recognized" in ngo.get_json()["error"]["fields"]
    conflict = _round_trip(client, secret, admin, "/api/v1/conflicts",
                           {"name": "Angola", "slug": "angola", "type": "internationalized", "region": "Africa",
                            "start_date": "1975", "phase": "active", "phase_since": "1975-11"},
                           {"summary": "The civil war."}, only_new=("phase", "phase_since"))  # fmt: skip
    assert conflict["slug"] == "angola" and conflict["start_date"] == "1975"
    assert (
        session.scalars(sa.select(AuditEntry.actor).where(AuditEntry.record_type == "phase_change"))
        .first()
        .endswith("(token “script”)")
    )


def test_a_body_over_the_limit_is_refused_whole(client, session: Session, world) -> None:
    secret = _token(session, "analyst")
    huge = _body(world, description="x" * 300_000)
    answer = client.post("/api/v1/conflicts/moz/activities", json=huge, headers=_auth(secret))
    assert answer.status_code == 413 and answer.get_json()["error"]["code"] == "too_large"
    assert _count(session, Activity) == 0


def test_the_reference_page_names_every_operation_in_words(client, auth, users) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [(m, p, op) for p, ops in document["paths"].items() for m, op in ops.items()]
    assert len(operations) >= 30 and not [op["summary"] for _, _, op in operations if "<" in op["summary"]]
    timeline = document["paths"]["/api/v1/conflicts/{slug}/activities"]["get"]
    assert {"type", "track", "level", "party", "from", "to", "cursor", "limit"} <= {
        p["name"] for p in timeline["parameters"]
    }
    anonymous = client.get("/api/v1/reference").get_data(as_text=True)
    assert (
        anonymous.count("<section") >= len(operations)
        and "a481" not in anonymous
        and 'id="model-SourceIn"' in anonymous
    )
    auth.login("analyst")
    assert "API tokens" in client.get("/api/v1/reference").get_data(as_text=True)  # the signed-in menu is there
    unknown = client.get("/api/v1/conflicts", headers={"Authorization": "Bearer trk_nonsense"})
    assert unknown.status_code == 401 and "personal token" in unknown.get_json()["error"]["message"]
    assert unknown.headers["WWW-Authenticate"].startswith("Bearer")


def test_flat_records_refuse_wrong_json_types_and_answer_304(client, session: Session, world) -> None:
    secret = _token(session, "analyst")
    wrong = client.post(
        "/api/v1/conflicts/moz/roles",
        json={"party": True, "role": "primary", "notes": 7, "motives": "stakes"},
        headers=_auth(secret),
    )
    assert wrong.status_code == 422 and set(wrong.get_json()["error"]["fields"]) == {"/party", "/notes", "/motives"}
    made = client.post("/api/v1/conflicts/moz/phases", json={"phase": "active", "since": "1977"}, headers=_auth(secret))
    again = client.get(made.headers["Location"], headers=_auth(secret) | {"If-None-Match": made.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == made.headers["ETag"]
