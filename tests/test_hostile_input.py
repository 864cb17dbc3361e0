"""Never a 500 from input: every route of the URL map, every query and path parameter, every
form and every CSV column, sent hostile values.

The values are the ones fuzzing found trouble with (NUL bytes, lone surrogates, 1 MB strings,
right-to-left overrides, Unicode digits, huge and negative numbers, impossible dates, lists
where one value is expected, unknown codebook keys), first as a sweep that sends each of them
everywhere, then mixed at random by Hypothesis. Every answer must be a 4xx, a redirect or a
page (the form with its errors); a rejected write changes nothing; what was sent comes back
escaped. The app runs with ``TESTING``, so an exception in a view fails the test with its
traceback instead of becoming a 500 page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.site import fingerprint, form_routes, get_routes, main_form, route_values
from tracker.api.tokens import create_token
from tracker.imports.activities import COLUMNS as ACTIVITY_COLUMNS
from tracker.models import User

SCRIPT = '<script>alert("hostile")</script>'

#: The values fuzzing found trouble with, each sent everywhere by the sweep.
HOSTILE: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "nul\x00byte",
    "bell\x07ctl",  # a control character other than NUL: refused by the text rules, never a 500
    "\ud800",  # a lone surrogate: sent as its (invalid) UTF-8 bytes
    "a\udfffb",
    "\u202eevil\u202c",  # right-to-left override
    "²",
    "٣",
    "１２",  # Unicode digits pass str.isdigit()
    "-1",
    "0",
    "2147483648",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0000-00-00",
    "99999",
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
    "-2024-01-01",
    "2024-13",
    "no-such-key",
    "Track_1",
    SCRIPT,
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "%",
    "..\\..\\etc\\passwd",
    "x" * 5000,
)

#: Query parameters the app reads anywhere (found in the code: ``request.args`` and the
#: filter forms), each sent to every route.
QUERY_NAMES: tuple[str, ...] = (
    "page", "cursor", "limit", "q", "order", "sort", "view", "from", "to", "since", "until", "as_of", "month",
    "years", "type", "track", "scope", "level", "form", "purpose", "effect", "incentive", "party", "conflict",
    "region", "phase", "kind", "status", "user", "record_type", "action", "recognizer", "recognized", "link",
    "citation", "bom", "next", "columns", "group", "role", "capacity", "per_page", "after", "before", "family",
    "actor", "min", "max", "batch",
    # names the routes' paths and url_for use themselves
    "slug", "name", "activity_id", "party_id", "_anchor", "_external", "_scheme", "_method",
)  # fmt: skip

ONE_MEGABYTE = "m" * (1024 * 1024)


def encode(value: str) -> str:
    """Percent-encode a value as a browser would, lone surrogates as their raw UTF-8 bytes."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query(params: dict[str, str | list[str]]) -> str:
    pairs = []
    for name, value in params.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append(f"{encode(name)}={encode(one)}")
    return "&".join(pairs)


def trouble(response, what: str) -> str | None:
    """What is wrong with an answer: a 5xx, or the script payload come back raw (``None``: a
    4xx, a redirect or a page, as it should be)."""
    body = response.get_data(as_text=True)  # read whole (a streamed export too), then closed
    response.close()
    if response.status_code >= 500:
        return f"{what[:200]}: {response.status_code}"
    if response.mimetype == "text/html" and SCRIPT in body:
        return f"{what[:200]}: the payload came back unescaped"
    return None


def check(response, what: str) -> None:
    problem = trouble(response, what)
    assert problem is None, problem


class Sweep:
    """Collects every problem of a sweep, so one run lists them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.sent = 0

    def __call__(self, response, what: str) -> None:
        self.sent += 1
        if (problem := trouble(response, what)) is not None:
            self.problems.append(problem)

    def verify(self, least: int) -> None:
        assert not self.problems, f"{len(self.problems)} bad answers:\n" + "\n".join(self.problems[:40])
        assert self.sent >= least, self.sent


@pytest.fixture
def hostile(client: FlaskClient, auth, world, session: Session) -> dict[str, object]:
    """Signed in as an admin (every page open), with a token for the API."""
    auth.login("admin")
    admin = session.scalars(sa.select(User).where(User.email == "admin@example.org")).one()
    _, secret = create_token(session, admin, "fuzz")
    session.commit()
    return {**route_values(world), "token": secret}


def headers_for(url: str, values: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {values['token']}"} if url.startswith("/api/") else {}


def test_every_query_parameter_of_every_route_takes_every_hostile_value(
    app: Flask, client: FlaskClient, hostile
) -> None:
    urls = get_routes(app, hostile)
    assert len(urls) >= 40, urls
    check = Sweep()
    for url in urls:
        for value in (*HOSTILE, ONE_MEGABYTE[:20_000]):  # a megabyte over the parameters
            response = client.get(
                f"{url}?{query(dict.fromkeys(QUERY_NAMES, value))}", headers=headers_for(url, hostile)
            )
            check(response, f"GET {url} with every parameter {value[:20]!r}")
        duplicated = client.get(
            f"{url}?{query({name: ['1', '2', 'x'] for name in QUERY_NAMES})}", headers=headers_for(url, hostile)
        )
        check(duplicated, f"GET {url} with every parameter sent three times")
    check.verify(least=1000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_query_parameters_mixed_at_random(app: Flask, client: FlaskClient, hostile, data) -> None:
    url = data.draw(st.sampled_from(get_routes(app, hostile)), label="url")
    value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
    params = data.draw(
        st.dictionaries(
            st.sampled_from(QUERY_NAMES), st.one_of(value, st.lists(value, min_size=2, max_size=3)), max_size=8
        ),
        label="params",
    )
    check(client.get(f"{url}?{query(params)}", headers=headers_for(url, hostile)), f"GET {url}?{params!r}")


def path_values() -> Iterable[str]:
    yield from HOSTILE
    yield from ("99999999999999999999", "-1", "1.5", "0x10", "%00", "٣")


def test_path_parameters_take_hostile_values(app: Flask, client: FlaskClient, hostile) -> None:
    """Ids too large for the database, Unicode digits, NULs and slashes in every path parameter."""
    check = Sweep()
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint in ("static", "bootstrap.static"):
            continue
        for name in rule.arguments:
            for value in path_values():
                if not value.strip():
                    continue
                path = rule.rule
                for other in rule.arguments:
                    raw = encode(value) if other == name else str(hostile[other])
                    path = re.sub(rf"<(?:[a-z]+:)?{other}>", raw, path)
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    response = client.open(path, method=method, headers=headers_for(path, hostile), data={})
                    check(response, f"{method} {path}")
    check.verify(least=500)


def _controls(client: FlaskClient, url: str):
    return main_form(client.get(url).get_data(as_text=True)) or []


def _form_body(controls, value: str | list[str]) -> str:
    """Every control of the form set to ``value`` (the CSRF token and version left as shown)."""
    params: dict[str, str | list[str]] = {}
    for c in controls:
        if c.name in ("csrf_token",) or c.kind == "file":
            continue
        params[c.name] = value
    return query(params)


def _post(client: FlaskClient, url: str, body: str):
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def _ordered(urls: list[str]) -> list[str]:
    """Deletions last, so the records stay there for the other forms."""
    return sorted(urls, key=lambda u: ("/delete" in u, u))


def test_every_form_takes_every_hostile_value_in_every_field(
    app: Flask, client: FlaskClient, hostile, session: Session
) -> None:
    check = Sweep()
    for url in _ordered(form_routes(app, hostile)):
        controls = _controls(client, url)
        if not controls:
            continue
        for value in (*HOSTILE, ONE_MEGABYTE[:200_000], ["1", "2"], ["x", SCRIPT]):
            before = fingerprint(session)
            response = _post(client, url, _form_body(controls, value))
            check(response, f"POST {url} with every field {str(value)[:20]!r}")
            if response.status_code != 302 and fingerprint(session) != before:  # rejected: nothing written
                check.problems.append(f"POST {url} with {str(value)[:20]!r} was refused but wrote")
    check.verify(least=300)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_forms_with_fields_mixed_at_random(app: Flask, client: FlaskClient, hostile, session: Session, data) -> None:
    url = data.draw(st.sampled_from([u for u in form_routes(app, hostile) if "/delete" not in u]), label="url")
    controls = _controls(client, url)
    value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
    params: dict[str, str | list[str]] = {}
    for c in controls:
        if c.name == "csrf_token" or c.kind == "file":
            continue
        if c.options and data.draw(st.booleans(), label=f"valid {c.name}"):
            params[c.name] = data.draw(st.sampled_from(c.options), label=c.name)
        elif data.draw(st.booleans(), label=f"set {c.name}"):
            params[c.name] = data.draw(st.one_of(value, st.lists(value, min_size=2, max_size=3)), label=c.name)
        else:
            params[c.name] = c.value
    before = fingerprint(session)
    response = _post(client, url, query(params))
    check(response, f"POST {url} {params!r}")
    if response.status_code != 302:
        assert fingerprint(session) == before, f"POST {url} was refused but wrote"


def test_sign_in_takes_hostile_values(client: FlaskClient, users) -> None:
    for value in (*HOSTILE, ONE_MEGABYTE[:100_000]):
        response = _post(client, "/login", query({"email": value, "password": value}))
        check(response, f"sign-in with {value[:20]!r}")
        assert response.status_code in (200, 429)


def _csv(header: list[str], row: list[str]) -> bytes:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    text = ",".join(header) + "\r\n" + ",".join(cell(v) for v in row) + "\r\n"
    return text.encode("utf-8", "surrogatepass")


def _sweep_import(client: FlaskClient, session: Session, url: str, header: list[str], good: dict[str, str]) -> None:
    """Each column of ``header`` given each hostile value in an otherwise good row: the dry run
    at ``url`` reports (never a 5xx) and writes nothing."""
    check = Sweep()
    for column in header:
        for value in HOSTILE:
            row = [value if name == column else good.get(name, "") for name in header]
            before = fingerprint(session)
            response = client.post(
                url,
                data={"file": (io.BytesIO(_csv(header, row)), "hostile.csv"), "on_duplicate": "update"},
                content_type="multipart/form-data",
            )
            check(response, f"{url} with {column}={value[:20]!r}")
            after = fingerprint(session)
            if after != before:
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                check.problems.append(f"the dry run at {url} with {column}={value[:20]!r} wrote {changed}")
    check.verify(least=len(header) * len(HOSTILE))


def _exported(client: FlaskClient, url: str) -> tuple[list[str], dict[str, str]]:
    """An export's header and its first row."""
    exported = client.get(url)
    assert exported.status_code == 200
    lines = exported.get_data(as_text=True).lstrip("\ufeff").splitlines()
    header = next(csv.reader([lines[0]]))
    return header, dict(zip(header, next(csv.reader([lines[1]])), strict=True))


def test_every_csv_column_takes_every_hostile_value(client: FlaskClient, hostile, session: Session) -> None:
    """The activities import's dry run reports each bad cell with its line and column."""
    _, good = _exported(client, f"/conflicts/{hostile['slug']}/activities.csv")
    _sweep_import(client, session, f"/conflicts/{hostile['slug']}/import", list(ACTIVITY_COLUMNS), good)


def test_every_party_csv_column_takes_every_hostile_value(client: FlaskClient, hostile, session: Session) -> None:
    """The parties import too, column by column of its export."""
    header, good = _exported(client, "/parties.csv")
    _sweep_import(client, session, "/parties/import", header, good | {"name": "A new party"})
