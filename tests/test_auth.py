"""Signing in and out, safe redirects, deactivation and CSRF."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import AuditEntry, User


def test_sign_in_then_follow_a_local_next(client, users) -> None:  # noqa: ANN001
    response = client.get("/parties/?q=a")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    response = client.post(
        "/login?next=/parties/?q%3Da",
        data={"email": "Viewer@Example.org ", "password": "viewer-password-123"},
    )
    assert response.status_code == 302 and response.location == "/parties/?q=a"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_next_pointing_off_site_is_ignored(client, users, target: str) -> None:  # noqa: ANN001
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "viewer@example.org", "password": "viewer-password-123"}
    )
    assert response.status_code == 302 and response.location == "/"


def test_wrong_password_shows_an_error_beside_the_field(client, users) -> None:  # noqa: ANN001
    response = client.post("/login", data={"email": "viewer@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "Unknown e-mail or wrong password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_is_a_post_and_kills_the_old_cookie(client, auth) -> None:  # noqa: ANN001
    auth.login("viewer")
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("session").value
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 302, "the old session cookie still works"


def test_deactivating_a_user_ends_their_sessions(app_ctx, client, auth, users, session: Session) -> None:  # noqa: ANN001
    auth.login("analyst")
    assert client.get("/").status_code == 200
    other = app_ctx.test_client()
    other.post("/login", data={"email": "admin@example.org", "password": "admin-password-123"})
    analyst_id = users["analyst"].id
    response = other.post(f"/admin/users/{analyst_id}", data={"role": "analyst", "active": ""})
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    again = client.post("/login", data={"email": "analyst@example.org", "password": "analyst-password-123"})
    assert again.status_code == 200 and "deactivated" in again.get_data(as_text=True)
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.record_type == "user")).one()
    assert entry.changes == {"active": [True, False]}


def test_admin_creates_a_user_who_can_sign_in(client, auth, session: Session) -> None:  # noqa: ANN001
    auth.login("admin")
    bad = client.post("/admin/users/new", data={"email": "nobody", "role": "viewer", "password": "short"})
    assert bad.status_code == 200
    html = bad.get_data(as_text=True)
    assert "is not an e-mail address" in html and "at least 10 characters" in html
    ok = client.post("/admin/users/new", data={"email": "new@example.org", "role": "viewer", "password": "a-long-password"})
    assert ok.status_code == 302
    user = session.scalars(sa.select(User).where(User.email == "new@example.org")).one()
    assert user.password_hash.startswith("scrypt:")
    auth.logout()
    assert client.post("/login", data={"email": "new@example.org", "password": "a-long-password"}).status_code == 302


def test_admin_cannot_lock_themselves_out(client, auth, users) -> None:  # noqa: ANN001
    auth.login("admin")
    response = client.post(f"/admin/users/{users['admin'].id}", data={"role": "viewer", "active": "y"})
    assert response.status_code == 200
    assert "cannot remove your own admin rights" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_400(app_ctx, client, auth) -> None:  # noqa: ANN001
    auth.login("analyst")
    app_ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/parties/new", data={"name": "Atlantis", "kind": "state", "recognition_status": "recognized"})
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
    finally:
        app_ctx.config["WTF_CSRF_ENABLED"] = False
