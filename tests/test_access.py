"""Every route × role × method answers as the permission table says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_activity, make_conflict, make_participation, make_party
from tracker.models import Recognition
from tracker.vocab import ActivityPartyRole, RecognitionKind

ROLES = ("anonymous", "viewer", "analyst", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}


@dataclass
class World:
    slug: str
    party: int
    free_party: int
    activity: int
    participation: int
    recognition: int
    user: int


@pytest.fixture
def world(session: Session, users: dict) -> World:
    conflict = make_conflict(session, slug="c1")
    party = make_party(session)
    other = make_party(session)
    free = make_party(session)
    row = make_participation(session, conflict, party)
    activity = make_activity(session, conflict, [(party, ActivityPartyRole.INITIATOR)])
    rec = Recognition(
        recognizer_id=party.id, recognized_id=other.id, status=RecognitionKind.FULL, since=date(1991, 1, 1), source=""
    )
    session.add(rec)
    session.commit()
    return World("c1", party.id, free.id, activity.id, row.id, rec.id, users["viewer"].id)


# (method, url template, least role that may use it; on success GET answers 200)
ROUTES = [
    ("GET", "/", "viewer"),
    ("GET", "/conflicts/{w.slug}", "viewer"),
    ("GET", "/conflicts/new", "analyst"),
    ("POST", "/conflicts/new", "analyst"),
    ("GET", "/conflicts/{w.slug}/edit", "analyst"),
    ("POST", "/conflicts/{w.slug}/edit", "analyst"),
    ("GET", "/conflicts/{w.slug}/phases/new", "analyst"),
    ("POST", "/conflicts/{w.slug}/phases/new", "analyst"),
    ("GET", "/conflicts/{w.slug}/delete", "admin"),
    ("POST", "/conflicts/{w.slug}/delete", "admin"),
    ("GET", "/conflicts/{w.slug}/roles/new", "analyst"),
    ("POST", "/conflicts/{w.slug}/roles/new", "analyst"),
    ("GET", "/roles/{w.participation}/edit", "analyst"),
    ("POST", "/roles/{w.participation}/edit", "analyst"),
    ("GET", "/roles/{w.participation}/delete", "admin"),
    ("POST", "/roles/{w.participation}/delete", "admin"),
    ("GET", "/conflicts/{w.slug}/activities/new", "analyst"),
    ("POST", "/conflicts/{w.slug}/activities/new", "analyst"),
    ("GET", "/activities/{w.activity}", "viewer"),
    ("GET", "/activities/{w.activity}/edit", "analyst"),
    ("POST", "/activities/{w.activity}/edit", "analyst"),
    ("GET", "/activities/{w.activity}/delete", "admin"),
    ("POST", "/activities/{w.activity}/delete", "admin"),
    ("GET", "/parties/", "viewer"),
    ("GET", "/parties/{w.party}", "viewer"),
    ("GET", "/parties/new", "analyst"),
    ("POST", "/parties/new", "analyst"),
    ("GET", "/parties/{w.party}/edit", "analyst"),
    ("POST", "/parties/{w.party}/edit", "analyst"),
    ("GET", "/parties/{w.free_party}/delete", "admin"),
    ("POST", "/parties/{w.free_party}/delete", "admin"),
    ("GET", "/parties/recognitions/new", "analyst"),
    ("POST", "/parties/recognitions/new", "analyst"),
    ("GET", "/parties/recognitions/{w.recognition}/edit", "analyst"),
    ("POST", "/parties/recognitions/{w.recognition}/edit", "analyst"),
    ("GET", "/parties/recognitions/{w.recognition}/delete", "admin"),
    ("POST", "/parties/recognitions/{w.recognition}/delete", "admin"),
    ("GET", "/search?q=conflict", "viewer"),
    ("GET", "/history/activity/{w.activity}", "viewer"),
    ("GET", "/history/", "admin"),
    ("GET", "/admin/users", "admin"),
    ("GET", "/admin/users/new", "admin"),
    ("POST", "/admin/users/new", "admin"),
    ("GET", "/admin/users/{w.user}", "admin"),
    ("POST", "/admin/users/{w.user}", "admin"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "least"), ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_route_role_matrix(client, auth, world: World, role: str, method: str, template: str, least: str) -> None:
    if role != "anonymous":
        assert auth.login(role).status_code == 302
    url = template.format(w=world)
    response = client.open(url, method=method, data={})
    if role == "anonymous":
        if method == "GET":
            assert response.status_code == 302 and "/login?next=" in response.location
        else:
            assert response.status_code == 401
    elif RANK[role] < RANK[least]:
        assert response.status_code == 403
    elif method == "GET":
        assert response.status_code == 200
    else:
        # An empty form comes back with its errors; a confirmed deletion redirects.
        assert response.status_code in (200, 302)


def test_login_page_and_static_assets_are_public(client, session: Session) -> None:
    assert client.get("/login").status_code == 200
    assert client.get("/static/tracker.css").status_code == 200
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
