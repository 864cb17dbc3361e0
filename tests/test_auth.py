"""Signing in and out, safe redirects, deactivation and CSRF."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import AuditEntry, User


def test_sign_in_then_follow_a_local_next(client, users) -> None:
    response = client.get("/parties/?q=a")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    response = client.post(
        "/login?next=/parties/?q%3Da",
        data={"email": "Viewer@Example.org ", "password": "viewer-password-123"},
    )
    assert response.status_code == 302 and response.location == "/parties/?q=a"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_pointing_off_site_is_ignored(client, users, target: str) -> None:
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "viewer@example.org", "password": "viewer-password-123"}
    )
    assert response.status_code == 302 and response.location == "/"


def test_wrong_password_shows_an_error_beside_the_field(client, users) -> None:
    response = client.post("/login", data={"email": "viewer@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "Unknown e-mail or wrong password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_is_a_post_and_kills_the_old_cookie(client, auth) -> None:
    auth.login("viewer")
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("session").value
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 302, "the old session cookie still works"


def test_deactivating_a_user_ends_their_sessions(app_ctx, client, auth, users, session: Session) -> None:
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


def test_admin_creates_a_user_who_can_sign_in(client, auth, session: Session) -> None:
    auth.login("admin")
    bad = client.post("/admin/users/new", data={"email": "nobody", "role": "viewer", "password": "short"})
    assert bad.status_code == 200
    html = bad.get_data(as_text=True)
    assert "is not an e-mail address" in html and "at least 10 characters" in html
    ok = client.post(
        "/admin/users/new", data={"email": "new@example.org", "role": "viewer", "password": "a-long-password"}
    )
    assert ok.status_code == 302
    user = session.scalars(sa.select(User).where(User.email == "new@example.org")).one()
    assert user.password_hash.startswith("scrypt:")
    auth.logout()
    assert client.post("/login", data={"email": "new@example.org", "password": "a-long-password"}).status_code == 302


def test_admin_cannot_lock_themselves_out(client, auth, users) -> None:
    auth.login("admin")
    response = client.post(f"/admin/users/{users['admin'].id}", data={"role": "viewer", "active": "y"})
    assert response.status_code == 200
    assert "cannot remove your own admin rights" in response.get_data(as_text=True)
    inactive = client.post(f"/admin/users/{users['admin'].id}", data={"role": "admin"})  # "Active" unticked
    assert inactive.status_code == 200 and "cannot deactivate yourself" in inactive.get_data(as_text=True)


def test_post_without_csrf_token_is_400(app_ctx, client, auth) -> None:
    auth.login("analyst")
    app_ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/parties/new", data={"name": "Atlantis", "kind": "state", "recognition_status": "recognized"}
        )
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
    finally:
        app_ctx.config["WTF_CSRF_ENABLED"] = False


def test_a_user_changes_their_password_and_other_sessions_end(client, app, users, session) -> None:
    from tests.conftest import PASSWORDS

    client.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]})
    other = app.test_client()
    other.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]})
    assert other.get("/conflicts").status_code == 200
    wrong = client.post(
        "/account/password",
        data={"current": "nope", "password": "a-new-long-password", "repeat": "a-new-long-password"},
    )
    assert wrong.status_code == 200 and "This is not your current password." in wrong.get_data(as_text=True)
    differ = client.post(
        "/account/password",
        data={"current": PASSWORDS["analyst"], "password": "a-new-long-password", "repeat": "another"},
    )
    assert "The two new passwords differ." in differ.get_data(as_text=True)
    done = client.post(
        "/account/password",
        data={"current": PASSWORDS["analyst"], "password": "a-new-long-password", "repeat": "a-new-long-password"},
    )
    assert done.status_code == 302
    assert client.get("/conflicts").status_code == 200  # this session goes on
    assert other.get("/conflicts").status_code == 302  # the other one ended
    client.post("/logout")
    assert (
        client.post("/login", data={"email": "analyst@example.org", "password": "a-new-long-password"}).status_code
        == 302
    )


def test_an_admin_reset_gives_a_temporary_password_to_change_at_sign_in(client, app, users, session, runner) -> None:
    import re

    from tests.conftest import PASSWORDS

    client.post("/login", data={"email": "admin@example.org", "password": PASSWORDS["admin"]})
    analyst = users["analyst"]
    page = client.post(f"/admin/users/{analyst.id}/reset-password", data={}).get_data(as_text=True)
    temporary = re.search(r'<code class="fs-5">([^<]+)</code>', page).group(1)
    other = app.test_client()
    assert (
        other.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]}).status_code == 200
    )
    assert other.post("/login", data={"email": "analyst@example.org", "password": temporary}).status_code == 302
    forced = other.get("/conflicts")
    assert forced.status_code == 302 and forced.location.endswith("/account/password")
    page = other.get("/account/password").get_data(as_text=True)
    assert "Your password was reset by an admin" in page
    assert (
        other.post(
            "/account/password", data={"current": temporary, "password": "mine-and-long", "repeat": "mine-and-long"}
        ).status_code
        == 302
    )
    assert other.get("/conflicts").status_code == 200
    # The command line, for a lost first admin.
    result = runner.invoke(args=["reset-password", "--email", "admin@example.org"])
    assert result.exit_code == 0 and "Temporary password for admin@example.org" in result.output
    assert runner.invoke(args=["reset-password", "--email", "nobody@example.org"]).exit_code != 0


def test_analysts_delete_the_activities_they_recorded_only(client, users, session) -> None:
    from tests.conftest import PASSWORDS
    from tests.factories import make_activity, make_conflict

    conflict = make_conflict(session, slug="own", name="Own")
    mine = make_activity(session, conflict, title="Mine", recorded_by_id=users["analyst"].id)
    theirs = make_activity(session, conflict, title="Theirs", recorded_by_id=users["admin"].id)
    session.commit()
    client.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]})
    assert "Delete</a>" in client.get(f"/activities/{mine.id}").get_data(as_text=True)
    assert "Delete</a>" not in client.get(f"/activities/{theirs.id}").get_data(as_text=True)
    refused = client.post(f"/activities/{theirs.id}/delete", data={})
    assert refused.status_code == 403 and "ask an admin" in refused.get_data(as_text=True)
    assert client.post(f"/activities/{mine.id}/delete", data={}).status_code == 302
    viewer_says = None
    client.post("/logout")
    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORDS["viewer"]})
    viewer_says = client.get(f"/activities/{theirs.id}/edit")
    assert (
        viewer_says.status_code == 403
        and "needs the analyst role or higher; you are signed in as viewer" in viewer_says.get_data(as_text=True)
    )
