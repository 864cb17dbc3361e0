"""Timeline page server time, first page against deep pages, on SQLite and/or PostgreSQL.

    python -m bench.timeline                                   # 100,000 activities, SQLite in /tmp
    python -m bench.timeline --database-url postgresql://root@127.0.0.1:5432/tracker_bench

Generates the conflict once (bench/generate.py), then times GET /conflicts/bench through the
app (the WSGI call, rendering included): the first page; a page in the middle and the last
page reached as the pager's links reach them (a cursor: the rows after a position); the same
pages counted off with ``?page=N`` (OFFSET); newest first. Target (issue 14): a deep page no
slower than twice the first.
"""

from __future__ import annotations

import argparse
import statistics
import time

import sqlalchemy as sa

from bench.dashboard import _login
from bench.generate import bench_app, generate
from tracker.extensions import db
from tracker.models import Activity
from tracker.pagination import encode_cursor


def _timed(client, url: str, repeat: int) -> float:
    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def run(database_url: str, activities: int, repeat: int) -> dict[str, float]:
    app = bench_app(database_url)
    with app.app_context():
        conflict_id = generate(db.engine, slug="bench", activities=activities)
        size = app.config["PAGE_SIZE"]
        ordered = sa.select(Activity.date, Activity.id).where(Activity.conflict_id == conflict_id)
        ordered = ordered.order_by(Activity.date, Activity.id)
        middle = db.session.execute(ordered.offset(activities // 2 - 1).limit(1)).one()
        last = db.session.execute(ordered.offset(max(0, (activities // size - 1) * size - 1)).limit(1)).one()
    client = app.test_client()
    _login(app, client)
    pages = activities // size
    urls = {
        "first page": "/conflicts/bench",
        "middle page, cursor": f"/conflicts/bench?page={pages // 2 + 1}&after={encode_cursor(*middle)}",
        "last page, cursor": f"/conflicts/bench?page={pages}&after={encode_cursor(*last)}",
        "middle page, ?page=N (OFFSET)": f"/conflicts/bench?page={pages // 2 + 1}",
        "last page, ?page=N (OFFSET)": f"/conflicts/bench?page={pages}",
        "newest first, first page": "/conflicts/bench?order=newest",
    }
    results = {name: _timed(client, url, repeat) for name, url in urls.items()}
    first = results["first page"]
    print(f"database: {sa.make_url(database_url).get_backend_name()}; activities: {activities:,}; median of {repeat}")
    for name, ms in results.items():
        print(f"  {name:32} {ms:8.1f} ms  ({ms / first:.2f}× the first page)")
    return results


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/tracker-bench.sqlite")
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    return run(args.database_url, args.activities, args.repeat)


if __name__ == "__main__":
    main()
