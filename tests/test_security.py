"""Security controls, each through the app's own interfaces: headers on every response and no
inline code for the CSP to allow, sign-in throttling, sessions renewed at sign-in, secure
cookies and key rotation in production, request ids on errors and in the logs, structured
logs of sign-ins, denials and writes, no state change on GET, CSRF on every form."""

from __future__ import annotations

import json
import logging
import os
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import PASSWORDS, FreshContextClient
from tests.site import fingerprint, get_routes, route_values
from tracker import create_app
from tracker.logs import JsonLines
from tracker.models import User


@pytest.fixture
def pages(client, auth, world, session: Session) -> list[str]:
    """Every page a signed-in admin can open (API and static files aside)."""
    auth.login("admin")
    return [u for u in get_routes(client.application, route_values(world)) if not u.startswith("/api/")]


class InlineCode(HTMLParser):
    """Inline scripts, style elements and attributes, and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]


def test_every_page_sends_the_security_headers_and_holds_no_inline_code(client, pages) -> None:
    assert len(pages) >= 30
    for url in [*pages, "/login", "/no-such-page"]:
        response = client.get(url)
        response.close()  # a streamed export keeps its context until closed
        csp = response.headers.get("Content-Security-Policy", "")
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "base-uri 'none'", "frame-ancestors 'none'"):  # fmt: skip
            assert directive in csp, (url, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # HTTPS is production's business
        if response.mimetype == "text/html":
            parser = InlineCode()
            parser.feed(response.get_data(as_text=True))
            assert not parser.found, (url, parser.found[:5])


def test_production_sends_hsts_and_secure_cookies(monkeypatch, database_url: str, users) -> None:
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "a-long-production-secret-key")
    app = create_app({"DATABASE_URL": database_url})
    client = app.test_client()
    site = "https://tracker.example.org"
    page = client.get("/login", base_url=site)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    signed_in = client.post(
        "/login",
        data={"email": "viewer@example.org", "password": PASSWORDS["viewer"], "csrf_token": _csrf(page)},
        base_url=site,
        headers={"Referer": f"{site}/login"},  # CSRF over HTTPS also checks the referrer
    )
    assert signed_in.status_code == 302
    cookie = signed_in.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["DEBUG"] is False


@pytest.mark.parametrize("key", ["", "short", "dev-only-not-secret"])
def test_production_refuses_a_missing_short_or_published_secret_key(monkeypatch, key: str) -> None:
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_a_rotated_secret_key_keeps_sessions_signed_with_the_old_one(database_url: str, users) -> None:
    old = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "the-old-key-0123456789"})  # fmt: skip
    old.test_client_class = FreshContextClient
    client = old.test_client()
    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORDS["viewer"]})
    cookie = client.get_cookie("session")
    assert cookie is not None

    rotated = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "the-new-key-0123456789",
                          "SECRET_KEY_FALLBACKS": ["the-old-key-0123456789"]})  # fmt: skip
    rotated.test_client_class = FreshContextClient
    after = rotated.test_client()
    after.set_cookie("session", cookie.value)
    assert after.get("/conflicts").status_code == 200
    forgotten = create_app(
        {"ENV_NAME": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "the-new-key-0123456789"}
    )
    forgotten.test_client_class = FreshContextClient
    stranger = forgotten.test_client()
    stranger.set_cookie("session", cookie.value)
    assert stranger.get("/conflicts").status_code == 302  # back to sign-in


def _csrf(page) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def _fail(client, email: str):
    return client.post("/login", data={"email": email, "password": "not-the-password"})


def test_repeated_failures_lock_that_account_only(client, users) -> None:
    for _ in range(5):
        assert _fail(client, "analyst@example.org").status_code == 200
    locked = client.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]})
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account" in locked.get_data(as_text=True)
    assert _fail(client, " ANALYST@example.org ").status_code == 429  # the same account, however written
    other = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORDS["viewer"]})
    assert other.status_code == 302  # other accounts still sign in from the same address


def test_repeated_failures_from_one_address_are_throttled(app: Flask, client, users, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_PER_ADDRESS", "4 per 15 minutes")
    for n in range(4):
        assert _fail(client, f"nobody{n}@example.org").status_code == 200
    throttled = _fail(client, "someone-else@example.org")
    assert throttled.status_code == 429 and "from your network address" in throttled.get_data(as_text=True)
    elsewhere = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORDS["viewer"]},
                            environ_overrides={"REMOTE_ADDR": "192.0.2.7"})  # fmt: skip
    assert elsewhere.status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_the_one_throttled(database_url: str, users) -> None:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "PROXY_HOPS": 1, "SIGN_IN_FAILURES_PER_ADDRESS": "2 per 15 minutes"})  # fmt: skip
    app.test_client_class = FreshContextClient
    client = app.test_client()
    try:
        for n in range(2):
            client.post("/login", data={"email": f"x{n}@example.org", "password": "x"},
                        headers={"X-Forwarded-For": "198.51.100.1"})  # fmt: skip
        assert client.post("/login", data={"email": "y@example.org", "password": "x"},
                           headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429  # fmt: skip
        ok = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORDS["viewer"]},
                         headers={"X-Forwarded-For": "198.51.100.2"})  # fmt: skip
        assert ok.status_code == 302
    finally:
        with app.app_context():
            from tracker.throttle import limiter

            limiter.reset()


def test_unknown_user_and_wrong_password_get_the_same_answer_after_the_same_work(client, users, monkeypatch) -> None:
    from tracker import users as accounts

    checked: list[str] = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))

    def answer(email: str) -> str:
        html = client.post("/login", data={"email": email, "password": "wrong-password"}).get_data(as_text=True)
        return re.sub(r'name="csrf_token"[^>]*>', "", html).replace(email, "EMAIL")

    unknown, wrong = answer("nobody@example.org"), answer("analyst@example.org")
    assert unknown == wrong
    assert len(checked) == 2  # a password hash was checked for the unknown e-mail too
    assert checked[0].split("$")[0] == checked[1].split("$")[0]  # with the same method and cost


def test_the_session_starts_afresh_at_sign_in(client, users) -> None:
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORDS["viewer"]})
    with client.session_transaction() as now:
        assert "planted" not in now and now.get("_user_id")


def test_errors_carry_a_request_id_that_is_in_the_log(app: Flask, client, auth, caplog, monkeypatch) -> None:
    auth.login("admin")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "conflicts.index", broken)
    monkeypatch.setattr(app, "testing", False)  # as in production: the error page, not the traceback
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    with caplog.at_level(logging.ERROR, logger="tracker"):
        page = client.get("/conflicts", headers={"X-Request-ID": "req-from-the-proxy-1"})
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "req-from-the-proxy-1" in html and "Traceback" not in html and "boom" not in html
    assert any("req-from-the-proxy-1" in r.getMessage() for r in caplog.records)
    assert (
        client.get("/conflicts", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
        != "bad id with spaces"
    )


def _events(caplog) -> list[dict]:
    formatter = JsonLines()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "tracker.events"]


def test_sign_ins_denials_and_writes_are_logged_as_json_lines(client, auth, caplog, world) -> None:
    with caplog.at_level(logging.INFO, logger="tracker.events"):
        _fail(client, "viewer@example.org")
        auth.login("viewer")
        client.get("/conflicts/new")  # a viewer may not: denied
        auth.logout()
        auth.login("analyst")
        client.post(f"/conflicts/{world['slug']}/edit", data={})  # refused: nothing written, nothing logged
        made = client.post(
            "/parties/new", data={"name": "Logged party", "kind": "igo", "recognition_status": "not_applicable"}
        )
    logged = _events(caplog)
    kinds = [(e["event"], e.get("outcome") or e.get("status") or e.get("action")) for e in logged]
    assert ("sign_in", "failed") in kinds and ("sign_in", "ok") in kinds and ("denied", 403) in kinds
    assert ("sign_out", None) in kinds
    writes = [e for e in logged if e["event"] == "write"]
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    assert [(w["action"], w["record_type"], w["actor"]) for w in writes] == [("create", "party", "analyst@example.org")]
    assert all(e["request_id"] and e["path"] for e in logged)
    failed = next(e for e in logged if e.get("outcome") == "failed")
    assert "password" not in json.dumps(failed).replace("wrong password", "")


def test_no_get_changes_anything(client, pages, session: Session) -> None:
    before = fingerprint(session)
    for url in pages:
        response = client.get(url)
        response.close()
        assert response.status_code < 500, url
    assert fingerprint(session) == before


def test_every_form_refuses_a_post_without_its_csrf_token(database_url: str, world, users, session: Session) -> None:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    app.test_client_class = FreshContextClient
    client = app.test_client()
    page = client.get("/login")
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORDS["admin"]}).status_code == 400
    signed_in = client.post(
        "/login", data={"email": "admin@example.org", "password": PASSWORDS["admin"], "csrf_token": _csrf(page)}
    )
    assert signed_in.status_code == 302
    values = {**world, "token_id": 1}
    posts = [
        rule.build({name: values[name] for name in rule.arguments})[1]
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")
    ]
    assert len(posts) >= 25
    before = fingerprint(session)
    for url in sorted(posts, key=lambda u: "logout" in u):
        refused = client.post(url, data={"name": "x", "title": "x", "version": "1"})
        assert refused.status_code in (400, 200), (url, refused.status_code)
        if refused.status_code == 200:  # a form shown again with the token's error
            assert "CSRF" in refused.get_data(as_text=True), url
    assert fingerprint(session) == before
    assert client.get("/conflicts").status_code == 200  # still signed in: the sign-out was refused too


def test_the_api_refuses_session_cookies_so_needs_no_csrf_token(client, auth, world) -> None:
    auth.login("admin")
    answer = client.post("/api/v1/parties", json={"name": "Via cookie", "kind": "state"})
    assert answer.status_code == 401
    with client.application.app_context():
        from tracker.extensions import db

        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3


def test_sign_in_failures_are_counted_in_redis_across_app_servers(app: Flask, database_url: str, users) -> None:
    """Production counts in Redis: failures on one app server count on the others."""
    import secrets

    redis = pytest.importorskip("redis")
    url = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    prefix = f"tracker-test-{secrets.token_hex(4)}"
    servers = []
    for _ in range(2):
        server = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                             "REDIS_URL": url, "RATELIMIT_KEY_PREFIX": prefix})  # fmt: skip
        server.test_client_class = FreshContextClient
        servers.append(server.test_client())
    try:
        assert servers[0].application.config["RATELIMIT_STORAGE_URI"] == url
        for n in range(5):
            assert _fail(servers[n % 2], "analyst@example.org").status_code == 200
        for client in servers:
            assert _fail(client, "analyst@example.org").status_code == 429
        assert list(redis.Redis.from_url(url).scan_iter(f"*{prefix}*"))  # counted there, not in memory
    finally:
        from tracker.throttle import limiter

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        limiter.init_app(app)  # the suite's app counts in memory again
        limiter.reset()


def test_an_admins_password_reset_lifts_an_accounts_throttle(client, users, runner) -> None:
    for _ in range(5):
        _fail(client, "analyst@example.org")
    locked = client.post("/login", data={"email": "analyst@example.org", "password": PASSWORDS["analyst"]})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
    assert "Try again in 15 minutes" in locked.get_data(as_text=True)
    reset = runner.invoke(args=["reset-password", "--email", "analyst@example.org"])
    assert reset.exit_code == 0, reset.output
    temporary = re.search(r"password[^:]*:\s*(\S+)", reset.output)
    assert temporary, reset.output
    signed_in = client.post("/login", data={"email": "analyst@example.org", "password": temporary.group(1)})
    assert signed_in.status_code == 302  # lifted: on to choosing a new password
