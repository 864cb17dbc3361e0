"""Server time of every page of issue 14 on the generated case file, with the plan of each
page's slowest statement.

    python -m bench.pages --database-url sqlite:////tmp/tracker-world.sqlite

Each page is requested through the app (the WSGI call: routing, queries, rendering) once to warm
up, then ``--repeat`` times; the median is reported with the page's size and statement count.
The statements of one request are timed at the cursor; the slowest is explained by the database
(``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL) with the
parameters it ran with. ``python -m bench.run`` calls this for both databases and writes
``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.dashboard import _login
from bench.generate import LARGE, MEDIUM, bench_app, generate_world
from tracker.dashboards import report
from tracker.extensions import db
from tracker.models import Activity, ActivityParty, Participation
from tracker.pagination import encode_cursor


@dataclass
class Page:
    name: str
    url: str
    #: The issue's target for this page, in ms (None: measured for reference).
    target: float | None
    #: Whether what the dashboards keep (report.computed()) is kept between the requests timed:
    #: by default every request computes afresh, as the first after a write does.
    warm: bool = False
    ms: float = 0.0
    kb: float = 0.0
    statements: int = 0
    slowest_ms: float = 0.0
    slowest: tuple[str, Any] = ("", None)
    plan: str = ""
    times: list[float] = field(default_factory=list)


class _Recorder:
    """The statements one request runs, each with its time at the cursor."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.on, self.seen = engine, False, []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.seen.append(((time.perf_counter() - conn.info.pop("bench_started")) * 1000, statement, parameters))


def urls(app: Flask) -> list[Page]:
    """The pages of the issue's table, with the ids they need read from the case file."""
    with app.app_context():
        ids = dict(
            db.session.execute(
                sa.text("SELECT slug, id FROM conflict WHERE slug IN (:a, :b)"), {"a": LARGE, "b": MEDIUM}
            ).all()
        )
        large = ids[LARGE]
        # The large conflict's busiest party (about 74,000 links at a million activities).
        party = db.session.execute(
            sa.select(ActivityParty.party_id, sa.func.count())
            .join(Participation, Participation.party_id == ActivityParty.party_id)
            .where(Participation.conflict_id == large)
            .group_by(ActivityParty.party_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).first()
        size = app.config["PAGE_SIZE"]
        total = db.session.scalar(sa.select(sa.func.count()).where(Activity.conflict_id == large)) or 0
        pages = max(1, -(-total // size))
        ordered = (
            sa.select(Activity.date, Activity.id)
            .where(Activity.conflict_id == large)
            .order_by(Activity.date, Activity.id)
        )
        before_last = db.session.execute(ordered.offset(max(0, (pages - 1) * size - 1)).limit(1)).one()
        an_activity = db.session.scalar(sa.select(sa.func.max(Activity.id)).where(Activity.conflict_id == large))
        rare = db.session.scalar(sa.text("SELECT title FROM activity WHERE id = :i"), {"i": an_activity}).rsplit(
            " ", 1
        )[-1]
    base = f"/conflicts/{LARGE}"
    return [
        Page("timeline, first page (890k conflict)", base, 30),
        Page("timeline, last page (pager's cursor)", f"{base}?page={pages}&after={encode_cursor(*before_last)}", 60),
        Page("timeline, last page by ?page=N (OFFSET)", f"{base}?page={pages}", None),
        Page("timeline, 1990–1991", f"{base}?from=1990-01-01&to=1991-12-31", 100),
        Page("timeline, from 2019-06-15", f"{base}?from=2019-06-15", 100),
        Page("timeline, one type and track", f"{base}?type=mediation_session&track=2", 100),
        Page("timeline by party (74k links)", f"{base}?party={party[0]}", 100),
        Page("party page (74k links)", f"/parties/{party[0]}", 50),
        Page('search "comma" (every activity)', "/search?q=comma", 50),
        Page(f'search "{rare}" (a few hundred)', f"/search?q={rare}", 50),
        Page("dashboard, 100k conflict", f"/conflicts/{MEDIUM}/dashboard", 100),
        Page("dashboard, 100k conflict, by type", f"/conflicts/{MEDIUM}/dashboard?type=mediation_session", 100),
        Page(
            "dashboard, 100k conflict, 1990–1999", f"/conflicts/{MEDIUM}/dashboard?from=1990-01-01&to=1999-12-31", 100
        ),
        Page("dashboard, 890k conflict, by type", f"/conflicts/{LARGE}/dashboard?type=mediation_session", 100),
        Page("dashboard, 100k conflict, again (kept)", f"/conflicts/{MEDIUM}/dashboard", 100, warm=True),
        Page(
            "dashboard, 890k conflict, by type, again (kept)",
            f"/conflicts/{LARGE}/dashboard?type=mediation_session",
            100,
            warm=True,
        ),
        Page("portfolio (1,000 conflicts)", "/portfolio", 100),
        Page("conflict list", "/conflicts", None),
        Page("activity page", f"/activities/{an_activity}", None),
    ]


def explain(engine: sa.Engine, statement: str, parameters: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    if engine.dialect.name == "sqlite":
        depth: dict[int, int] = {}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return "\n".join(lines)
    return "\n".join(r[0] for r in rows)


def measure(app: Flask, pages: list[Page], repeat: int) -> list[Page]:
    client = app.test_client()
    _login(app, client)
    with app.app_context():
        recorder = _Recorder(db.engine)
        for page in pages:
            response = client.get(page.url)  # warm up
            assert response.status_code == 200, (page.url, response.status_code)
            page.kb = len(response.data) / 1024
            gc.collect()
            gc.freeze()  # as tracker/wsgi.py does in production
            for _ in range(repeat):
                if not page.warm:
                    report.computed().clear()
                began = time.perf_counter()
                client.get(page.url)
                page.times.append((time.perf_counter() - began) * 1000)
            gc.unfreeze()
            page.ms = statistics.median(page.times)
            if not page.warm:
                report.computed().clear()
            recorder.seen, recorder.on = [], True
            client.get(page.url)
            recorder.on = False
            page.statements = len(recorder.seen)
            page.slowest_ms, statement, parameters = max(recorder.seen, key=lambda s: s[0])
            page.slowest = (statement, parameters)
            page.plan = explain(db.engine, statement, parameters)
    return pages


def main(argv: list[str] | None = None) -> list[Page]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--plans", action="store_true", help="print each page's slowest statement and its plan")
    args = parser.parse_args(argv)
    app = bench_app(args.database_url)
    with app.app_context():
        generate_world(db.engine, activities=args.activities, conflicts=max(3, min(1_000, args.activities // 100)),
                       parties=max(60, min(20_000, args.activities // 50)))  # fmt: skip
    pages = measure(app, urls(app), args.repeat)
    for p in pages:
        target = f"≤ {p.target:.0f}" if p.target else ""
        print(
            f"{p.name:45} {p.ms:8.1f} ms {target:>6}  {p.kb:7.0f} KB  {p.statements:3} statements, slowest {p.slowest_ms:.1f} ms"
        )
        if args.plans:
            print("    " + p.slowest[0].replace("\n", " ")[:400])
            print("    " + p.plan.replace("\n", "\n    "))
    return pages


if __name__ == "__main__":
    main()
