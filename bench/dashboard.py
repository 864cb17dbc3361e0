"""Dashboard server time on a conflict with many activities, on SQLite and/or PostgreSQL.

    python -m bench.dashboard                                    # SQLite file in /tmp
    python -m bench.dashboard --database-url postgresql://root@127.0.0.1:5432/tracker_bench

Generates the conflict once (bench/generate.py), then times GET /conflicts/bench/dashboard
through the app (server time: the WSGI call, rendering included) and prints the median, the
95th percentile and the statement count. Target: under 200 ms for 100,000 activities.

The unfiltered dashboard, track filters and date ranges are counted from the monthly
tallies (a month a date cuts from its activities); other filters group the activities
themselves, and are timed too. The
garbage collector is frozen after warming up, as tracker/wsgi.py does in production
(``--no-freeze`` measures without).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import sqlalchemy as sa

from bench.generate import bench_app, generate
from tracker.extensions import db


def _login(app, client) -> None:
    from tracker.inputs.records import UserInput
    from tracker.models import User
    from tracker.users import create_user
    from tracker.vocab import UserRole

    with app.app_context():
        if db.session.scalar(sa.select(User.id).where(User.email == "bench@example.org")) is None:
            create_user(
                db.session, UserInput(email="bench@example.org", role=UserRole.VIEWER), password="bench-password-1"
            )
            db.session.commit()
    client.post("/login", data={"email": "bench@example.org", "password": "bench-password-1"})


def run(database_url: str, activities: int, repeat: int, urls: list[str], *, freeze: bool = True) -> None:
    app = bench_app(database_url)
    with app.app_context():
        generate(db.engine, slug="bench", activities=activities)
        engine = db.engine
    client = app.test_client()
    _login(app, client)
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
    for url in urls:
        client.get(url)  # warm caches and compile the templates
    if freeze:
        gc.freeze()  # as tracker/wsgi.py does in each production worker
    print(f"database: {engine.dialect.name}; activities in the conflict: {activities}; gc.freeze(): {freeze}")
    for url in urls:
        client.get(url)  # warm caches
        timings = []
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{url}: median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
              f"min {timings[0]:.0f} ms over {repeat} runs; {len(statements)} statements")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/tracker-bench.sqlite")
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--no-freeze", action="store_true", help="Leave the garbage collector as a plain process has it."
    )
    args = parser.parse_args()
    base = "/conflicts/bench/dashboard"
    run(args.database_url, args.activities, args.repeat, [
        base,                                  # the target: read from the monthly tallies
        f"{base}?track=1&track=1.5",           # tracks and whole months: tallies too
        f"{base}?from=1990&to=1999-06",
        f"{base}?from=1990-03-15&to=2001-07-04",  # the two months cut: from the activities
        f"{base}?type=negotiation_round",      # any other filter groups the activities
        "/portfolio",
    ], freeze=not args.no_freeze)  # fmt: skip


if __name__ == "__main__":
    main()
