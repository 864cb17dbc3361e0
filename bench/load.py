"""Load test: the app under gunicorn, many analysts reading and logging activities at once.

    python -m bench.load --database-url sqlite:////tmp/tracker-load.sqlite --workers 4 --users 50 --duration 60
    python -m bench.load --database-url postgresql://root@127.0.0.1:5432/tracker_load --workers 4 --users 50 --duration 60

What it does, in order:

1. Prepares the database: wipes it (SQLite: deletes the file and its -wal/-shm/-journal;
   PostgreSQL: ``DROP DATABASE ... WITH (FORCE)`` then ``CREATE DATABASE`` through the
   maintenance database, ``--maintenance-db``, default ``test``), migrates it to head, loads
   the seed and creates one analyst account per virtual user (``tracker.users.create_user``).
2. Starts gunicorn on 127.0.0.1 and a free port (``gunicorn.conf.py``, ``--workers N``),
   in production settings (CSRF on, a random secret key; cookies not ``Secure``, since the
   test speaks plain HTTP on loopback), and waits until it answers ``/login``.
3. Runs ``--users`` virtual users (threads; each its own keep-alive connection and cookie
   jar, no think time) for ``--duration`` seconds. Each signs in through the login form
   (CSRF token included), then loops over a weighted mix: the conflict list, a seeded
   conflict's timeline with and without filters, its dashboard with and without filters,
   search, a CSV export (read to the last byte), and logging an activity through the real
   new-activity form (GET the form, fill it from its own fields and options, POST; a
   302/303 to the activity's page acknowledges the write, which the user then opens).
   Every activity written has a unique title, ``load-<user>-<n>``.
   ``--ramp-up S`` starts the users evenly over S seconds instead of all at once.
4. Stops gunicorn (SIGTERM, then SIGKILL), counts in the database the activities whose titles
   were acknowledged (lost writes = acknowledged - found), checks the dashboard tallies and the
   search documents against the activities, and reads gunicorn's log for tracebacks,
   "database is locked" and critical/error lines (plain text or the app's JSON lines), and
   its access log (written with the worker's pid) for how the users spread over the workers.

The report (a Markdown table on stdout; ``--json PATH`` writes the whole dict) gives requests,
requests/s, p50/p95 per kind and overall, 5xx (with the first bodies and URLs), other non-2xx/3xx,
connection errors, acknowledged/rejected/lost writes and the log findings, with gunicorn's logs
kept in ``--log-dir`` (default: a new directory under /tmp). The exit status is 1 when there was
any 5xx, connection error, lost write, failed sign-in, integrity problem (tallies, search
documents, an acknowledged write missing from its page, an export that is not CSV) or the hard
timeout was hit; 0 otherwise. The weighted per-request p50/p95 favour the users who made the most
requests; the per-user medians and the per-worker spread say what most users saw.

Only loopback is used; the run is bounded by ``--duration`` and by ``--hard-timeout`` for the
whole (preparation, server, run, verification). ``main(argv)`` returns the report dict (its
``exit_code`` too), so a test can run it small::

    report = main(["--database-url", "sqlite:////tmp/x.sqlite", "--users", "3", "--duration", "3", "--workers", "2"])
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import logging
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "load-password-123"
TITLE_PREFIX = "load-"
EXAMPLES = 5  # examples kept per kind of problem

#: The mix of actions (weights). A write is three requests: the form, the POST, the activity page.
ACTIONS = {
    "conflict_list": 10,
    "timeline": 16,
    "timeline_filtered": 14,
    "dashboard": 8,
    "dashboard_filtered": 5,
    "search": 10,
    "csv_export": 7,
    "write": 20,
}
#: Activity types that need no particular party or incentive: a write is meant to be accepted.
WRITE_TYPES = ("negotiation_round", "mediation_session", "informal_consultation", "visit", "agreement",
               "written_communication", "statement", "good_offices", "cooperation", "fact_finding")  # fmt: skip
SEARCH_WORDS = ("peace", "agreement", "ceasefire", "OSCE", "talks", "Geneva", "Mandela", "Sant'Egidio",
                "Abkhazia", "minorities", "tribunal", "load", "Camp David", "Dayton", "recognition")  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Statistics (one object per virtual user, merged at the end: no lock on the hot path)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)  # (kind, status) -> n
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    server_error_count: int = 0
    other: Counter = field(default_factory=Counter)  # status -> n (neither 2xx/3xx nor 5xx)
    other_examples: list[dict[str, Any]] = field(default_factory=list)
    connection_errors: int = 0
    connection_examples: list[dict[str, Any]] = field(default_factory=list)
    stale_retries: int = 0
    requests: int = 0
    logins: int = 0
    login_failures: int = 0
    login_examples: list[str] = field(default_factory=list)
    sessions_lost: int = 0
    writes_attempted: int = 0
    acknowledged: list[str] = field(default_factory=list)
    rejected: int = 0
    rejected_examples: list[dict[str, Any]] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # no answer to the POST: written or not
    not_shown: list[str] = field(default_factory=list)  # acknowledged, but its page did not show it
    bad_csv: list[str] = field(default_factory=list)  # a 200 export that is not CSV
    client_errors: list[str] = field(default_factory=list)  # the load test's own failures
    bytes_exported: int = 0

    def record(
        self, kind: str, method: str, path: str, status: int, ms: float, body: bytes, request_id: str | None = None
    ) -> None:
        self.requests += 1
        self.latencies.setdefault(kind, []).append(ms)
        self.statuses[(kind, status)] += 1
        if status >= 500:
            self.server_error_count += 1
            if len(self.server_errors) < EXAMPLES:
                self.server_errors.append(
                    {
                        "kind": kind,
                        "request": f"{method} {path}",
                        "status": status,
                        "request_id": request_id,
                        "body": _text_of(body)[:800],
                    }
                )
        elif not 200 <= status < 400:
            self.other[status] += 1
            if len(self.other_examples) < EXAMPLES:
                self.other_examples.append(
                    {"kind": kind, "request": f"{method} {path}", "status": status, "body": _text_of(body)[:300]}
                )

    def connection_error(self, kind: str, method: str, path: str, error: BaseException, ms: float) -> None:
        self.requests += 1
        self.connection_errors += 1
        self.statuses[(kind, "connection error")] += 1
        if len(self.connection_examples) < EXAMPLES:
            self.connection_examples.append(
                {"kind": kind, "request": f"{method} {path}", "error": f"{type(error).__name__}: {error}",
                 "after_ms": round(ms, 1)}
            )  # fmt: skip

    def merge(self, other: Stats) -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        self.statuses.update(other.statuses)
        self.other.update(other.other)
        for name in ("server_errors", "other_examples", "connection_examples", "login_examples", "rejected_examples"):
            mine = getattr(self, name)
            mine.extend(getattr(other, name)[: max(0, EXAMPLES - len(mine))])
        for name in ("server_error_count", "connection_errors", "stale_retries", "requests", "logins",
                     "login_failures", "sessions_lost", "writes_attempted", "rejected", "bytes_exported"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.acknowledged.extend(other.acknowledged)
        self.uncertain.extend(other.uncertain)
        self.not_shown.extend(other.not_shown)
        self.bad_csv.extend(other.bad_csv)
        self.client_errors.extend(other.client_errors)


def _text_of(body: bytes) -> str:
    """A response body as readable text: the page's main content without tags, or the raw start."""
    text = body.decode("utf-8", "replace")
    main = re.search(r"<main\b.*?</main>", text, re.S)
    if main:
        text = main.group(0)
    if "<" in text:
        text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", text, flags=re.S)
        text = unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text).strip()


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile ``q`` (0-100) of ``values``."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# ----------------------------------------------------------------------------------------------
# A browser: one keep-alive connection, a cookie jar, no redirects followed by itself


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "") or ""


class Browser:
    def __init__(self, port: int, timeout: float, stats: Stats, user_agent: str) -> None:
        self.port, self.timeout, self.stats = port, timeout, stats
        self.user_agent = user_agent
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _store_cookies(self, headers: http.client.HTTPMessage) -> None:
        for raw in headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(raw)
            except CookieError:
                continue
            for name, morsel in jar.items():
                expired = morsel["max-age"] in ("0", "-1") or "1970" in (morsel["expires"] or "")
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self, kind: str, method: str, path: str, form: list[tuple[str, str]] | None = None, *, stream: bool = False
    ) -> Reply | None:
        """One request; ``None`` on a connection error (counted). A request on a reused
        keep-alive connection the server had closed is sent again once on a new connection,
        as browsers do (counted as ``stale_retries``, not as an error)."""
        body = urlencode(form).encode() if form is not None else None
        headers = {
            "Host": f"{HOST}:{self.port}",
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,text/csv;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "identity",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            answered = False
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                answered = True
                if stream:
                    size, chunks = 0, []
                    while chunk := response.read(65536):
                        size += len(chunk)
                        if len(chunks) < 4:
                            chunks.append(chunk)
                    data = b"".join(chunks)
                    self.stats.bytes_exported += size
                else:
                    data = response.read()
            except (
                http.client.RemoteDisconnected,
                ConnectionResetError,
                BrokenPipeError,
                ConnectionAbortedError,
            ) as error:
                self.close()
                if reused and not answered and attempt == 0:
                    self.stats.stale_retries += 1
                    continue
                self.stats.connection_error(kind, method, path, error, (time.perf_counter() - started) * 1000)
                return None
            except (OSError, http.client.HTTPException) as error:  # timeouts, refused, truncated bodies
                self.close()
                self.stats.connection_error(kind, method, path, error, (time.perf_counter() - started) * 1000)
                return None
            ms = (time.perf_counter() - started) * 1000
            self._store_cookies(response.headers)
            if response.will_close:
                self.close()
            self.stats.record(kind, method, path, response.status, ms, data, response.headers.get("X-Request-ID"))
            return Reply(response.status, response.headers, data)
        return None  # not reached


# ----------------------------------------------------------------------------------------------
# Forms read as a browser reads them


class FormParser(HTMLParser):
    """Every <form> of a page: its fields in order (what a browser would submit, buttons
    apart), the options of its selects (value, label) and its submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": [], "selects": {}, "buttons": []}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if not name or "disabled" in a:
                return
            if kind in ("submit", "image", "button", "reset"):
                form["buttons"].append((name, a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append([name, a.get("value") or "on"])
            elif kind != "file":
                form["fields"].append([name, a.get("value") or ""])
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            form["buttons"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "options": [], "multiple": "multiple" in a}
            form["selects"][name] = self._select
            form["fields"].append([name, self._select])  # resolved at </select>
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "label": "", "selected": "selected" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["label"] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self._resolve(self._form)
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select":
            self._select = self._option = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form["fields"].append([name, text[1:] if text.startswith("\n") else text])
            self._textarea = None

    def close(self) -> None:
        super().close()
        if self._form is not None:
            self._resolve(self._form)

    @staticmethod
    def _resolve(form: dict[str, Any]) -> None:
        fields = []
        for name, value in form["fields"]:
            if isinstance(value, dict):
                for option in value["options"]:
                    option["label"] = option["label"].strip()
                    if option["value"] is None:
                        option["value"] = option["label"]
                chosen = [o["value"] for o in value["options"] if o["selected"]]
                if not chosen and not value["multiple"] and value["options"]:
                    chosen = [value["options"][0]["value"]]
                fields.extend([name, v] for v in chosen)
            else:
                fields.append([name, value])
        form["fields"] = fields


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, field_name: str) -> dict[str, Any] | None:
    """The first form of the page that has a field ``field_name``."""
    for form in forms_of(html):
        if any(name == field_name for name, _ in form["fields"]) or field_name in form["selects"]:
            return form
    return None


def filled(form: dict[str, Any], values: dict[str, str]) -> list[tuple[str, str]]:
    """The form's fields with ``values`` put in (a name given replaces every value it had)."""
    out: list[tuple[str, str]] = []
    done: set[str] = set()
    for name, value in form["fields"]:
        if name in values:
            if name not in done:
                out.append((name, values[name]))
                done.add(name)
        else:
            out.append((name, value))
    out.extend((name, value) for name, value in values.items() if name not in done)
    return out


def form_problems(html: str) -> list[str]:
    """The error messages a refused form shows."""
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</(?:div|p|li|ul)>', html, re.S)
    return [m for m in (re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", f))).strip() for f in found) if m]


# ----------------------------------------------------------------------------------------------
# The virtual user


@dataclass
class Target:
    """What the virtual users read: the seeded conflicts and their parties."""

    port: int
    slugs: list[str]
    parties: dict[str, list[int]]  # slug -> party ids in the conflict
    years: dict[str, tuple[int, int]]  # slug -> first and last year of its activities
    vocab: dict[str, list[str]]
    request_timeout: float


class VirtualUser:
    def __init__(self, index: int, target: Target, deadline: float, stop: threading.Event, seed: int) -> None:
        self.index, self.target, self.deadline, self.stop = index, target, deadline, stop
        self.rng = random.Random(seed * 100_003 + index)
        self.stats = Stats()
        self.email = user_email(index)
        self.browser = Browser(target.port, target.request_timeout, self.stats, f"tracker-load/1 (user {index:03d})")
        self.written = 0
        self.signed_in = False

    def running(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.deadline

    def run(self, start_delay: float = 0.0) -> None:
        try:
            if start_delay:
                self.stop.wait(start_delay)
            for attempt in range(3):
                if self.sign_in() or not self.running():
                    break
                time.sleep(0.5 * (attempt + 1))
            if not self.signed_in:
                return
            actions = list(ACTIONS)
            weights = [ACTIONS[a] for a in actions]
            while self.running():
                action = self.rng.choices(actions, weights)[0]
                getattr(self, action)()
                if not self.signed_in and self.running():
                    self.sign_in()
        except Exception as error:  # a bug in the load test itself: say so, never hide it
            self.stats.client_errors.append(f"user {self.index}: {type(error).__name__}: {error}")
            raise
        finally:
            self.browser.close()

    # -- helpers

    def get(self, kind: str, path: str, *, stream: bool = False) -> Reply | None:
        reply = self.browser.request(kind, "GET", path, stream=stream)
        if reply is not None and reply.status in (301, 302, 303) and "/login" in reply.location:
            self.stats.sessions_lost += 1  # sent to sign in again: the session was dropped
            self.signed_in = False
        return reply

    def sign_in(self) -> bool:
        page = self.browser.request("login_form", "GET", "/login")
        if page is None or page.status != 200:
            return self._login_failed(f"GET /login answered {page.status if page else 'no response'}")
        form = form_with(page.text, "password")
        if form is None:
            return self._login_failed("no sign-in form on /login")
        reply = self.browser.request("login", "POST", "/login",
                                     filled(form, {"email": self.email, "password": PASSWORD}))  # fmt: skip
        self.stats.logins += 1
        if reply is not None and reply.status in (302, 303) and "/login" not in reply.location:
            self.signed_in = True
            return True
        detail = "no response" if reply is None else f"{reply.status}: {'; '.join(form_problems(reply.text))[:200]}"
        return self._login_failed(f"POST /login answered {detail}")

    def _login_failed(self, why: str) -> bool:
        self.stats.login_failures += 1
        if len(self.stats.login_examples) < EXAMPLES:
            self.stats.login_examples.append(f"{self.email}: {why}")
        return False

    def slug(self) -> str:
        return self.rng.choice(self.target.slugs)

    def filters(self, slug: str) -> dict[str, str | list[str]]:
        """A few of the timeline's filters, as an analyst would combine them."""
        rng, vocab = self.rng, self.target.vocab
        first, last = self.target.years.get(slug, (1990, 2000))
        options: list[tuple[str, Any]] = [
            ("track", lambda: rng.sample(vocab["track"], rng.randint(1, 2))),
            ("type", lambda: rng.sample(vocab["type"], rng.randint(1, 3))),
            ("purpose", lambda: [rng.choice(vocab["purpose"])]),
            ("effect", lambda: [rng.choice(vocab["effect"])]),
            ("level", lambda: [rng.choice(vocab["level"])]),
            ("from", lambda: str(rng.randint(first, last))),
            ("to", lambda: f"{rng.randint(first, last)}-12"),
        ]
        if self.target.parties.get(slug):
            options.append(("party", lambda: [str(rng.choice(self.target.parties[slug]))]))
        chosen = {name: make() for name, make in rng.sample(options, rng.randint(1, 3))}
        if "from" in chosen and "to" in chosen and chosen["to"][:4] < chosen["from"]:
            chosen["from"], chosen["to"] = chosen["to"][:4], f"{chosen['from']}-12"
        return chosen

    # -- actions (named as in ACTIONS)

    def conflict_list(self) -> None:
        self.get("conflict_list", self.rng.choice(["/", "/conflicts"]))

    def timeline(self) -> None:
        self.get("timeline", f"/conflicts/{self.slug()}")

    def timeline_filtered(self) -> None:
        slug = self.slug()
        args: dict[str, Any] = self.filters(slug)
        if self.rng.random() < 0.3:
            args["order"] = "newest"
        if self.rng.random() < 0.2:
            args["view"] = "table"
        if self.rng.random() < 0.1:
            args["as_of"] = str(self.rng.randint(*self.target.years.get(slug, (1990, 2000))))
        self.get("timeline_filtered", f"/conflicts/{slug}?{urlencode(args, doseq=True)}")

    def dashboard(self) -> None:
        self.get("dashboard", f"/conflicts/{self.slug()}/dashboard")

    def dashboard_filtered(self) -> None:
        slug = self.slug()
        self.get("dashboard_filtered", f"/conflicts/{slug}/dashboard?{urlencode(self.filters(slug), doseq=True)}")

    def search(self) -> None:
        args = {"q": self.rng.choice(SEARCH_WORDS)}
        if self.rng.random() < 0.3:
            args["type"] = self.rng.choice(["activity", "conflict", "party"])
        self.get("search", f"/search?{urlencode(args)}")

    def csv_export(self) -> None:
        roll = self.rng.random()
        if roll < 0.1:
            path = "/activities.csv"
        else:
            slug = self.slug()
            args: dict[str, Any] = self.filters(slug) if roll < 0.5 else {}
            if self.rng.random() < 0.2:
                args["bom"] = "1"
            path = f"/conflicts/{slug}/activities.csv" + (f"?{urlencode(args, doseq=True)}" if args else "")
        reply = self.get("csv_export", path, stream=True)
        if (
            reply is not None
            and reply.status == 200
            and not reply.headers.get("Content-Type", "").startswith("text/csv")
        ):
            self.stats.bad_csv.append(f"{path}: {reply.headers.get('Content-Type')}")

    def write(self) -> None:
        slug = self.slug()
        path = f"/conflicts/{slug}/activities/new"
        page = self.get("write_form", path)
        if page is None or page.status != 200:
            return
        form = form_with(page.text, "title")
        if form is None:
            self._rejected(path, "", ["no activity form on the page"])
            return
        self.written += 1
        title = f"{TITLE_PREFIX}{self.index:03d}-{self.written}"
        values = self.activity_values(form, title)
        self.stats.writes_attempted += 1
        reply = self.browser.request("write_post", "POST", path, filled(form, values))
        if reply is None:
            self.stats.uncertain.append(title)
        elif reply.status in (302, 303):
            if "/login" in reply.location:
                self.stats.sessions_lost += 1
                self.signed_in = False
                return
            self.stats.acknowledged.append(title)
            where = urlsplit(reply.location)
            shown = self.get("activity_page", where.path + (f"?{where.query}" if where.query else ""))
            if shown is not None and shown.status == 200 and title not in shown.text:
                self.stats.not_shown.append(f"{title} at {reply.location}")
        elif reply.status == 200:
            self._rejected(path, title, form_problems(reply.text) or [_text_of(reply.body)[:300]])

    def _rejected(self, path: str, title: str, problems: list[str]) -> None:
        self.stats.rejected += 1
        if len(self.stats.rejected_examples) < EXAMPLES:
            self.stats.rejected_examples.append({"request": f"POST {path}", "title": title, "problems": problems[:5]})

    def activity_values(self, form: dict[str, Any], title: str) -> dict[str, str]:
        """The entries an analyst types: keys taken from the form's own options."""
        rng = self.rng

        def pick(name: str, allowed: tuple[str, ...] | None = None) -> str:
            keys = [o["value"] for o in form["selects"].get(name, {"options": []})["options"] if o["value"]]
            if allowed:
                keys = [k for k in keys if k in allowed] or keys
            return rng.choice(keys) if keys else ""

        year = rng.randint(1990, 2009)
        values = {
            "date": rng.choice(
                [
                    f"{year}",
                    f"{year}-{rng.randint(1, 12):02d}",
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                ]
            ),
            "end_date": "",
            "type": pick("type", WRITE_TYPES),
            "cameo_code": "",
            "track": pick("track"),
            "scope": pick("scope"),
            "official_level": pick("official_level"),
            "form": pick("form"),
            "purpose": pick("purpose"),
            "effect": pick("effect"),
            "incentive": "",
            "title": title,
            "description": f"Written by the load test, virtual user {self.index}, entry {self.written}.",
            "sources-0-citation": f"Load test notes, {title}",
            "sources-0-url": f"https://example.org/load/{title}",
        }
        party_select = form["selects"].get("parties-0-party", {"options": []})
        involved = [o["value"] for o in party_select["options"]
                    if o["value"] not in ("", "0") and "not yet in this conflict" not in o["label"]]  # fmt: skip
        roles = [o["value"] for o in form["selects"].get("parties-0-role", {"options": []})["options"] if o["value"]]
        rows = sum(1 for name in form["selects"] if re.fullmatch(r"parties-\d+-party", name))
        for row, party in enumerate(rng.sample(involved, min(len(involved), rows, rng.randint(1, 3)))):
            values[f"parties-{row}-party"] = party
            values[f"parties-{row}-role"] = (
                rng.choice([r for r in roles if r != "target"] or roles) if row == 0 else rng.choice(roles)
            )
        values["submit"] = dict(form["buttons"]).get("submit", "Save activity")
        return values


def user_email(index: int) -> str:
    return f"load-user-{index:03d}@example.org"


# ----------------------------------------------------------------------------------------------
# The database


def normalized_url(url: str) -> str:
    """An absolute SQLite path (the server and this process must open the same file)."""
    if url.startswith("sqlite:"):
        import sqlalchemy as sa

        parsed = sa.make_url(url)
        if not parsed.database or parsed.database == ":memory:":
            raise SystemExit("an in-memory SQLite database cannot be shared with gunicorn's workers: give a file")
        path = Path(parsed.database)
        if not path.is_absolute():
            path = Path.cwd() / path
        return parsed.set(database=str(path)).render_as_string(hide_password=False)
    return url


def engine_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def wipe_database(url: str, maintenance_db: str) -> None:
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"unsupported database {parsed.get_backend_name()!r}: SQLite or PostgreSQL")
    name = parsed.database
    if not name or name == maintenance_db:
        raise SystemExit(f"give the load test a database of its own (not {maintenance_db!r}): it is dropped")
    admin = sa.create_engine(engine_url(parsed.set(database=maintenance_db).render_as_string(hide_password=False)),
                             isolation_level="AUTOCOMMIT")  # fmt: skip
    quoted = '"' + name.replace('"', '""') + '"'
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        admin.dispose()


def prepare(url: str, users: int, secret_key: str, maintenance_db: str, log: Any) -> dict[str, Any]:
    """Wipe, migrate, seed, create the accounts; returns what the virtual users read."""
    import sqlalchemy as sa

    from tracker import create_app, migrate
    from tracker.extensions import db
    from tracker.inputs.records import UserInput
    from tracker.models import Activity, Conflict, Participation
    from tracker.seeding import load_seed
    from tracker.users import create_user
    from tracker.vocab import ActivityType, Effect, OfficialLevel, Purpose, Track, UserRole

    wipe_database(url, maintenance_db)
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": secret_key, "DATABASE_URL": url})
    logging.getLogger("tracker").setLevel(logging.WARNING)  # not a line per seeded record
    with app.app_context():
        started = time.perf_counter()
        migrate.upgrade(app)
        log(f"migrated in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        load_seed(db.session)
        log(f"seed loaded in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        for i in range(users):
            create_user(db.session, UserInput(email=user_email(i), role=UserRole.ANALYST, name=f"Load user {i}"),
                        password=PASSWORD)  # fmt: skip
        db.session.commit()
        log(f"{users} analyst accounts created in {time.perf_counter() - started:.1f}s")
        slugs = list(db.session.scalars(sa.select(Conflict.slug).order_by(Conflict.slug)))
        parties: dict[str, list[int]] = {}
        for slug, party_id in db.session.execute(
            sa.select(Conflict.slug, Participation.party_id).join(
                Participation, Participation.conflict_id == Conflict.id
            )
        ):
            parties.setdefault(slug, []).append(party_id)
        years = {
            slug: (first.year, last.year)
            for slug, first, last in db.session.execute(
                sa.select(Conflict.slug, sa.func.min(Activity.date), sa.func.max(Activity.date))
                .join(Activity, Activity.conflict_id == Conflict.id)
                .group_by(Conflict.slug)
            )
            if first is not None and hasattr(first, "year")
        }
        activities = db.session.scalar(sa.select(sa.func.count()).select_from(Activity))
        db.session.close()
        for engine in db.engines.values():
            engine.dispose()
    if not slugs:
        raise SystemExit("the seed made no conflicts: nothing to load-test")
    vocab = {"track": Track.keys(), "type": ActivityType.keys(), "purpose": Purpose.keys(),
             "effect": Effect.keys(), "level": OfficialLevel.keys()}  # fmt: skip
    return {"slugs": slugs, "parties": parties, "years": years, "vocab": vocab, "seeded_activities": activities}


def verify(url: str, acknowledged: list[str], uncertain: list[str]) -> dict[str, Any]:
    """Count the acknowledged writes in the database; check tallies and search documents."""
    import sqlalchemy as sa

    engine = sa.create_engine(engine_url(url))
    out: dict[str, Any] = {}
    try:
        with engine.connect() as conn:
            titles = Counter(conn.scalars(sa.text("SELECT title FROM activity WHERE title LIKE :p"),
                                          {"p": TITLE_PREFIX + "%"}))  # fmt: skip
            wanted = set(acknowledged)
            out["writes_found"] = sum(1 for t in wanted if t in titles)
            lost = sorted(wanted - set(titles))
            out["lost_writes"] = len(lost)
            out["lost_titles"] = lost[:20]
            out["duplicated_titles"] = sorted(t for t, n in titles.items() if n > 1)[:20]
            unasked = set(titles) - wanted
            out["found_not_acknowledged"] = len(unasked)
            out["uncertain_found"] = len(set(uncertain) & set(titles))
            out["activities_total"] = conn.scalar(sa.text("SELECT count(*) FROM activity"))
            try:
                from tracker.dashboards import tallies

                drift = tallies.drift(conn)
                out["tally_drift"] = {table: len(keys) for table, keys in drift.items()}
                out["tally_drift_examples"] = {t: [repr(i) for i in list(k.items())[:3]] for t, k in drift.items() if k}
            except Exception as error:  # the check itself is optional: report, go on
                out["tally_drift_error"] = f"{type(error).__name__}: {error}"
            try:
                have = {tuple(r) for r in conn.execute(sa.text("SELECT record_type, record_id FROM search_document"))}
                want = set()
                for kind, table in (("conflict", "conflict"), ("party", "party"), ("activity", "activity")):
                    want |= {(kind, i) for i in conn.scalars(sa.text(f"SELECT id FROM {table}"))}
                out["search_unindexed"] = len(want - have)
                out["search_orphans"] = len(have - want)
            except Exception as error:
                out["search_check_error"] = f"{type(error).__name__}: {error}"
    finally:
        engine.dispose()
    return out


# ----------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_command() -> list[str]:
    script = Path(sys.executable).parent / "gunicorn"
    if script.exists():
        return [str(script)]
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise SystemExit(
            'gunicorn is not installed: pip install -e ".[prod]" (or pip install "gunicorn>=22,<24")'
        ) from None
    return [sys.executable, "-m", "gunicorn"]


#: gunicorn's access log with the worker's pid, to see how the users' connections spread over the workers.
ACCESS_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s" pid=%(p)s ms=%(M)s'


class Server:
    def __init__(self, url: str, workers: int, secret_key: str, log_dir: Path) -> None:
        self.url, self.workers, self.secret_key, self.log_dir = url, workers, secret_key, log_dir
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.stdout_path = log_dir / "gunicorn.stdout.log"  # the access log
        self.stderr_path = log_dir / "gunicorn.stderr.log"  # the error log and the app's own

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DATABASE_URL", "TRACKER_ENV")}
        env.update({
            "TRACKER_ENV": "production",
            "TRACKER_SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.url,
            "TRACKER_SESSION_COOKIE_SECURE": "false",
            "TRACKER_REMEMBER_COOKIE_SECURE": "false",
            "PYTHONUNBUFFERED": "1",
        })  # fmt: skip
        env.setdefault("GUNICORN_GRACEFUL_TIMEOUT", "10")
        return env

    def start(self, deadline: float, log: Any) -> None:
        for _attempt in range(3):
            self.port = free_port()
            command = [*gunicorn_command(), "-c", "gunicorn.conf.py", "--workers", str(self.workers),
                       "--bind", f"{HOST}:{self.port}", "--access-logformat", ACCESS_FORMAT, "tracker.wsgi:app"]  # fmt: skip
            log(f"starting: {' '.join(command)}")
            with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
                self.proc = subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=out, stderr=err,
                                             stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
            if self.wait_ready(min(deadline, time.monotonic() + 90)):
                log(f"gunicorn (pid {self.proc.pid}) answers on http://{HOST}:{self.port}")
                return
            tail = self.stderr_path.read_text(errors="replace")[-3000:]
            self.stop()
            if "Address already in use" not in tail:
                raise RuntimeError(f"gunicorn did not answer /login; its log ends:\n{tail}")
        raise RuntimeError("gunicorn found no free port three times")

    def wait_ready(self, until: float) -> bool:
        while time.monotonic() < until:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/login")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def kill(self) -> None:
        """SIGKILL to the server's process group (only the processes this run started)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
                self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):  # workers left behind by a master killed hard
            os.killpg(self.proc.pid, signal.SIGKILL)


TRACEBACK_START = "Traceback (most recent call last):"
#: The app's own error lines in plain text (Flask's "[time] ERROR in module: ..." format).
APP_ERROR = re.compile(r"\] (ERROR|CRITICAL) in \w+:|Exception on \S+ \[[A-Z]+\]")


def _json_record(line: str) -> dict[str, Any] | None:
    """A JSON log line (``LOG_FORMAT = "json"``) as a dict; ``None`` for any other line."""
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _describe(record: dict[str, Any]) -> str:
    """A JSON log record in one line: time, level, message and the request it belongs to."""
    parts = [str(record.get(k, "")) for k in ("time", "level", "logger", "message", "method", "path")]
    if record.get("request_id"):
        parts.append(f"request_id={record['request_id']}")
    return " ".join(p for p in parts if p)


def scan_log(path: Path) -> dict[str, Any]:
    """Tracebacks (grouped by their last line), "database is locked", the app's error lines and
    gunicorn's [CRITICAL]/[ERROR] lines; the app's log may be plain text or JSON lines."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return {"log": str(path), "missing": True}
    tracebacks: list[list[str]] = []
    app_errors: list[str] = []
    i = 0
    while i < len(lines):
        record = _json_record(lines[i])
        if record is not None:
            if str(record.get("level", "")).upper() in ("ERROR", "CRITICAL"):
                app_errors.append(_describe(record))
            if isinstance(record.get("exception"), str):
                tracebacks.append([_describe(record), *record["exception"].splitlines()])
            i += 1
        elif TRACEBACK_START in lines[i]:
            # The app's "ERROR in ...: Unhandled error on GET /path" line just before says which request.
            block = [lines[i - 1], lines[i]] if i and APP_ERROR.search(lines[i - 1]) else [lines[i]]
            i += 1
            while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
                block.append(lines[i])
                i += 1
            while i < len(lines) and not lines[i].startswith(("[", "{")) and TRACEBACK_START not in lines[i]:
                block.append(lines[i])  # the exception line (and a message over several lines)
                i += 1
                if not (i < len(lines) and lines[i].startswith((" ", "\t"))):
                    break
            tracebacks.append(block)
        else:
            if APP_ERROR.search(lines[i]):
                app_errors.append(lines[i])
            i += 1
    finals = Counter(next((ln for ln in reversed(b) if ln.strip()), "?").strip()[:300] for b in tracebacks)
    flagged = [ln for ln in lines if re.search(r"\[(CRITICAL|ERROR)\]", ln)]
    locked = [ln for ln in lines if "database is locked" in ln.lower()]
    return {
        "log": str(path),
        "tracebacks": len(tracebacks),
        "traceback_kinds": [{"count": n, "exception": e} for e, n in finals.most_common(10)],
        "traceback_examples": ["\n".join(b[:2] + b[-38:] if len(b) > 40 else b) for b in tracebacks[:2]],
        "database_is_locked_lines": len(locked),
        "database_is_locked_examples": [ln[:300] for ln in locked[:3]],
        "app_error_lines": len(app_errors),
        "app_error_examples": [ln[:300] for ln in app_errors[:EXAMPLES]],
        "critical_or_error_lines": len(flagged),
        "critical_or_error_examples": [ln[:300] for ln in flagged[:EXAMPLES]],
    }


def scan_access_log(path: Path) -> dict[str, Any]:
    """Per gunicorn worker: the requests it answered and the virtual users it served. Each user
    keeps one keep-alive connection, and a connection stays with the worker that accepted it."""
    workers: dict[str, dict[str, Any]] = {}
    statuses: Counter = Counter()
    pattern = re.compile(r'" (\d{3}) \S+ "tracker-load/1 \(user (\d+)\)" pid=<?(\d+)>?')
    try:
        with open(path, errors="replace") as lines:
            for line in lines:
                match = pattern.search(line)
                if match:
                    status, user, pid = match.groups()
                    statuses[status[0] + "xx"] += 1
                    worker = workers.setdefault(pid, {"requests": 0, "users": set()})
                    worker["requests"] += 1
                    worker["users"].add(int(user))
    except FileNotFoundError:
        return {"log": str(path), "missing": True}
    return {
        "log": str(path),
        "statuses": dict(sorted(statuses.items())),
        "workers": {
            pid: {"requests": w["requests"], "users": len(w["users"])}
            for pid, w in sorted(workers.items(), key=lambda item: -item[1]["requests"])
        },
    }


# ----------------------------------------------------------------------------------------------
# The run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/tracker-load.sqlite",
                        help="wiped and prepared (default: %(default)s)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default: %(default)s)")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default: %(default)s)")
    parser.add_argument("--ramp-up", type=float, default=0,
                        help="seconds over which the users start, evenly (default: %(default)s, all at once)")  # fmt: skip
    parser.add_argument("--request-timeout", type=float, default=60, help="seconds per request (default: %(default)s)")
    parser.add_argument("--hard-timeout", type=float, default=None,
                        help="seconds for the whole run, preparation to report (default: duration + 300)")  # fmt: skip
    parser.add_argument("--maintenance-db", default="test",
                        help="PostgreSQL database to connect to for DROP/CREATE DATABASE (default: %(default)s)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="random seed of the virtual users (default: %(default)s)")
    parser.add_argument("--log-dir", type=Path, default=None, help="where gunicorn's logs go (default: a new temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON here")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.users < 1 or args.workers < 1 or args.duration <= 0 or not 0 <= args.ramp_up < args.duration:
        parser.error("--users and --workers must be at least 1, --duration positive, --ramp-up shorter than it")
    if args.hard_timeout is None:
        args.hard_timeout = args.duration + 300
    return args


def run(args: argparse.Namespace, *, exit_on_hang: bool = False) -> dict[str, Any]:
    began = time.monotonic()
    hard_deadline = began + args.hard_timeout
    log = (lambda _msg: None) if args.quiet else (lambda msg: print(f"[load {time.monotonic() - began:6.1f}s] {msg}",
                                                                      file=sys.stderr, flush=True))  # fmt: skip
    url = normalized_url(args.database_url)
    import sqlalchemy as sa

    shown_url = sa.make_url(url).render_as_string(hide_password=True)
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="tracker-load-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_hex(32)
    stop = threading.Event()
    hit_hard_timeout = threading.Event()
    server = Server(url, args.workers, secret_key, log_dir)

    def on_hard_timeout() -> None:
        hit_hard_timeout.set()
        stop.set()
        print(f"[load] hard timeout of {args.hard_timeout:.0f}s reached: stopping the server", file=sys.stderr)
        server.kill()  # every request in flight fails at once
        if exit_on_hang:
            later = threading.Timer(60, lambda: os._exit(3))
            later.daemon = True
            later.start()

    watchdog = threading.Timer(args.hard_timeout, on_hard_timeout)
    watchdog.daemon = True
    watchdog.start()
    report: dict[str, Any] = {
        "database": shown_url, "dialect": sa.make_url(url).get_backend_name(), "workers": args.workers,
        "users": args.users, "duration_s": args.duration, "log_dir": str(log_dir),
    }  # fmt: skip
    totals = Stats()
    vus: list[VirtualUser] = []
    try:
        log(f"preparing {shown_url}")
        info = prepare(url, args.users, secret_key, args.maintenance_db, log)
        report["seeded_conflicts"] = len(info["slugs"])
        report["seeded_activities"] = info["seeded_activities"]
        server.start(hard_deadline, log)
        target = Target(server.port, info["slugs"], info["parties"], info["years"], info["vocab"],
                        args.request_timeout)  # fmt: skip
        cpu_before = os.times()
        run_started = time.monotonic()
        deadline = run_started + args.duration
        vus = [VirtualUser(i, target, deadline, stop, args.seed) for i in range(args.users)]
        step = args.ramp_up / args.users
        threads = [
            threading.Thread(target=vu.run, args=(vu.index * step,), name=f"vu-{vu.index}", daemon=True) for vu in vus
        ]
        for thread in threads:
            thread.start()
        log(f"{args.users} virtual users running for {args.duration:g}s")
        next_tick = run_started + 10
        # Past the hard timeout the server is killed: the users notice within moments.
        join_until = min(hard_deadline + 10, deadline + 3 * args.request_timeout + 15)
        while any(t.is_alive() for t in threads) and time.monotonic() < join_until:
            time.sleep(0.2)
            if time.monotonic() >= next_tick:
                next_tick += 10
                done = sum(vu.stats.requests for vu in vus)
                fives = sum(vu.stats.server_error_count for vu in vus)
                errs = sum(vu.stats.connection_errors for vu in vus)
                elapsed = time.monotonic() - run_started
                log(f"{done} requests ({done / elapsed:.0f}/s), 5xx {fives}, connection errors {errs}")
        stop.set()
        hung = [t.name for t in threads if t.is_alive()]
        elapsed = time.monotonic() - run_started
        cpu_after = os.times()
        report["elapsed_s"] = round(elapsed, 2)
        report["client_cpu_percent_of_one_core"] = round(
            100 * ((cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)) / elapsed, 1
        )
        report["hung_users"] = hung
    except BaseException as error:
        report["aborted"] = f"{type(error).__name__}: {error}"
        report["aborted_traceback"] = traceback.format_exc()[-4000:]
        stop.set()
        if not isinstance(error, Exception):
            server.stop()
            raise
    finally:
        log("stopping gunicorn")
        server.stop()
    for vu in vus:
        totals.merge(vu.stats)
    report.update(summarize(totals, report.get("elapsed_s")))
    # Each user keeps one keep-alive connection, served by one worker: an uneven spread of the
    # connections over the workers shows as users with very different medians.
    medians = sorted(m for vu in vus if (m := percentile([x for v in vu.stats.latencies.values() for x in v], 50)))
    report["user_p50_ms_min_median_max"] = (
        [_r(medians[0]), _r(percentile(medians, 50)), _r(medians[-1])] if medians else None
    )
    counts = sorted(vu.stats.requests for vu in vus)
    report["user_requests_min_median_max"] = [counts[0], percentile(counts, 50), counts[-1]] if counts else None
    if "aborted" not in report or vus:
        try:
            report.update(verify(url, totals.acknowledged, totals.uncertain))
        except Exception as error:
            report["verify_error"] = f"{type(error).__name__}: {error}"
    report["server_log"] = scan_log(server.stderr_path)
    report["access_log"] = scan_access_log(server.stdout_path)
    report["hard_timeout_hit"] = hit_hard_timeout.is_set()
    watchdog.cancel()
    failures = []
    if report.get("aborted"):
        failures.append(f"aborted: {report['aborted']}")
    if report["server_errors"]:
        failures.append(f"{report['server_errors']} responses 5xx")
    if report["connection_errors"]:
        failures.append(f"{report['connection_errors']} connection errors")
    if report.get("lost_writes"):
        failures.append(f"{report['lost_writes']} acknowledged writes lost")
    if report.get("verify_error"):
        failures.append(f"verification failed: {report['verify_error']}")
    if report["login_failures"]:
        failures.append(f"{report['login_failures']} failed sign-ins")
    if any(report.get("tally_drift", {}).values()):
        failures.append(f"dashboard tallies drifted: {report['tally_drift']}")
    if report.get("search_unindexed") or report.get("search_orphans"):
        failures.append(f"search documents out of step: {report.get('search_unindexed')} missing, "
                        f"{report.get('search_orphans')} orphaned")  # fmt: skip
    if report["writes_not_shown_after_redirect"]:
        failures.append(f"{report['writes_not_shown_after_redirect']} acknowledged writes not shown on their page")
    if report["client_errors"]:
        failures.append(f"the load test itself failed: {report['client_errors'][0]}")
    if report["csv_not_csv"]:
        failures.append(f"{report['csv_not_csv']} exports answered 200 without CSV")
    if report.get("hung_users"):
        failures.append(f"{len(report['hung_users'])} virtual users still running at the end")
    if report["hard_timeout_hit"]:
        failures.append("hard timeout reached")
    if not report["requests"]:
        failures.append("no request was made")
    report["failures"] = failures
    report["exit_code"] = 1 if failures else 0
    return report


def summarize(stats: Stats, elapsed: float | None) -> dict[str, Any]:
    everything = [ms for values in stats.latencies.values() for ms in values]
    kinds = {}
    for kind in sorted(stats.latencies, key=lambda k: -len(stats.latencies[k])):
        values = stats.latencies[kind]
        by_status = {str(s): n for (k, s), n in sorted(stats.statuses.items(), key=lambda x: str(x[0][1])) if k == kind}
        kinds[kind] = {"count": len(values), "p50_ms": _r(percentile(values, 50)), "p95_ms": _r(percentile(values, 95)),
                       "max_ms": _r(max(values) if values else None), "statuses": by_status}  # fmt: skip
    for (kind, status), n in stats.statuses.items():  # kinds that only ever failed to connect
        kinds.setdefault(kind, {"count": 0, "p50_ms": None, "p95_ms": None, "max_ms": None, "statuses": {}})
        kinds[kind]["statuses"].setdefault(str(status), n)
    return {
        "requests": stats.requests,
        "requests_per_s": round(stats.requests / elapsed, 1) if elapsed else None,
        "p50_ms": _r(percentile(everything, 50)),
        "p95_ms": _r(percentile(everything, 95)),
        "max_ms": _r(max(everything) if everything else None),
        "kinds": kinds,
        "server_errors": stats.server_error_count,
        "server_error_examples": stats.server_errors,
        "other_non_2xx_3xx": dict(sorted(stats.other.items())),
        "other_examples": stats.other_examples,
        "connection_errors": stats.connection_errors,
        "connection_error_examples": stats.connection_examples,
        "stale_keepalive_retries": stats.stale_retries,
        "logins": stats.logins,
        "login_failures": stats.login_failures,
        "login_failure_examples": stats.login_examples,
        "sessions_lost": stats.sessions_lost,
        "writes_attempted": stats.writes_attempted,
        "writes_acknowledged": len(stats.acknowledged),
        "writes_rejected": stats.rejected,
        "rejected_examples": stats.rejected_examples,
        "writes_unanswered": len(stats.uncertain),
        "writes_not_shown_after_redirect": len(stats.not_shown),
        "writes_not_shown_examples": stats.not_shown[:EXAMPLES],
        "csv_not_csv": len(stats.bad_csv),
        "csv_not_csv_examples": stats.bad_csv[:EXAMPLES],
        "csv_bytes_read": stats.bytes_exported,
        "client_errors": stats.client_errors[:EXAMPLES],
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def markdown(report: dict[str, Any]) -> str:
    def cell(value: Any) -> str:
        return "–" if value is None else str(value)

    out = [
        (
            f"### Load test: {report['dialect']}, {report['workers']} gunicorn workers, {report['users']} users, "
            f"{report['duration_s']:g} s"
        ),
        "",
        "| measure | value |",
        "|---|---|",
    ]
    rows = [
        ("database", f"`{report['database']}`"),
        ("requests", report.get("requests")),
        ("requests/s", report.get("requests_per_s")),
        (
            "p50 / p95 / max (ms)",
            f"{cell(report.get('p50_ms'))} / {cell(report.get('p95_ms'))} / {cell(report.get('max_ms'))}",
        ),
        ("5xx", report.get("server_errors")),
        ("other non-2xx/3xx", ", ".join(f"{s}: {n}" for s, n in report.get("other_non_2xx_3xx", {}).items()) or 0),
        ("connection errors", report.get("connection_errors")),
        ("stale keep-alive retries", report.get("stale_keepalive_retries")),
        ("sign-ins (failed)", f"{report.get('logins')} ({report.get('login_failures')})"),
        ("sessions lost", report.get("sessions_lost")),
        ("writes attempted", report.get("writes_attempted")),
        ("writes acknowledged", report.get("writes_acknowledged")),
        ("writes rejected by the form", report.get("writes_rejected")),
        ("writes unanswered", report.get("writes_unanswered")),
        ("acknowledged, not on their page", report.get("writes_not_shown_after_redirect")),
        ("acknowledged writes found", report.get("writes_found")),
        ("**lost writes**", report.get("lost_writes")),
        ("tally drift / unindexed", f"{report.get('tally_drift')} / {report.get('search_unindexed')}"),
        (
            "log: tracebacks (app error lines)",
            f"{report['server_log'].get('tracebacks')} ({report['server_log'].get('app_error_lines')})",
        ),
        ("log: 'database is locked'", report["server_log"].get("database_is_locked_lines")),
        ("per-user p50 ms (min / median / max)", " / ".join(map(cell, report.get("user_p50_ms_min_median_max") or []))),
        (
            "per-user requests (min / median / max)",
            " / ".join(map(cell, report.get("user_requests_min_median_max") or [])),
        ),
        (
            "per worker: requests (users)",
            ", ".join(f"{w['requests']} ({w['users']})" for w in report["access_log"].get("workers", {}).values()),
        ),
        ("client CPU (% of a core)", report.get("client_cpu_percent_of_one_core")),
        ("exit status", report.get("exit_code")),
    ]
    out += [f"| {name} | {cell(value)} |" for name, value in rows]
    out += ["", "| kind | requests | p50 ms | p95 ms | max ms | statuses |", "|---|---:|---:|---:|---:|---|"]
    for kind, k in report.get("kinds", {}).items():
        statuses = ", ".join(f"{s}: {n}" for s, n in k["statuses"].items())
        out.append(
            f"| {kind} | {k['count']} | {cell(k['p50_ms'])} | {cell(k['p95_ms'])} | {cell(k['max_ms'])} | {statuses} |"
        )
    details = []
    for title, key in (("5xx", "server_error_examples"), ("other non-2xx/3xx", "other_examples"),
                       ("connection errors", "connection_error_examples"), ("refused writes", "rejected_examples"),
                       ("failed sign-ins", "login_failure_examples")):  # fmt: skip
        if report.get(key):
            details.append(f"**{title}** (first {len(report[key])}):")
            details += [f"- `{json.dumps(e, ensure_ascii=False)[:900]}`" for e in report[key]]
    log = report["server_log"]
    if log.get("traceback_kinds"):
        details.append("**tracebacks in gunicorn's log** (by last line):")
        details += [f"- {k['count']} × `{k['exception']}`" for k in log["traceback_kinds"]]
    if log.get("app_error_examples"):
        details.append(f"**the app's error lines in gunicorn's log**: {log['app_error_lines']}")
        details += [f"- `{line}`" for line in log["app_error_examples"]]
    if log.get("critical_or_error_examples"):
        details.append(f"**[CRITICAL]/[ERROR] lines**: {log['critical_or_error_lines']}")
        details += [f"- `{line}`" for line in log["critical_or_error_examples"]]
    if report.get("lost_titles"):
        details.append(f"**lost writes**: {', '.join(report['lost_titles'])}")
    if report.get("failures"):
        details.append("**failures**: " + "; ".join(report["failures"]))
    if report.get("aborted_traceback"):
        details.append(f"**aborted**:\n```\n{report['aborted_traceback']}\n```")
    details.append(f"logs: `{report['log_dir']}`")
    return "\n".join([*out, "", *details])


def main(argv: list[str] | None = None, *, exit_on_hang: bool = False) -> dict[str, Any]:
    """Run the load test; returns the report (``report["exit_code"]`` is 0 or 1)."""
    args = parse_args(argv)
    report = run(args, exit_on_hang=exit_on_hang)
    print(markdown(report))
    if report["server_log"].get("traceback_examples"):
        print("\nFirst traceback in gunicorn's log:\n```\n" + report["server_log"]["traceback_examples"][0] + "\n```")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return report


if __name__ == "__main__":
    sys.exit(main(exit_on_hang=True)["exit_code"])
