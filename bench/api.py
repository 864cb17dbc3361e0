"""Server time of the API's timeline pages on a conflict of many activities.

    python -m bench.api                                          # SQLite file in /tmp
    python -m bench.api --database-url postgresql://root@127.0.0.1:5432/tracker_bench

Generates the conflict once (bench/generate.py), creates a token, then times
GET /api/v1/conflicts/bench/activities?limit=100 through the app at the first page, a cursor
in the middle and one near the end (keyset pagination: the depth should not matter), and
the same newest first. Target: under 50 ms per page of 100 for 100,000 activities.
"""

from __future__ import annotations

import argparse
import statistics
import time

import sqlalchemy as sa

from bench.generate import bench_app, generate
from tracker.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/tracker-bench.sqlite")
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    from tracker.api.tokens import create_token
    from tracker.api.views import _encode
    from tracker.models import Activity, Conflict, User
    from tracker.vocab import UserRole

    with app.app_context():
        generate(db.engine, slug="bench", activities=args.activities)
        user = db.session.scalars(sa.select(User).where(User.role == UserRole.ADMIN)).first()
        if user is None:
            from tracker.inputs.records import UserInput
            from tracker.users import create_user

            user = create_user(
                db.session, UserInput(email="bench-admin@example.org", role=UserRole.ADMIN), password="bench-password-1"
            )
        _token, secret = create_token(db.session, user, f"bench {time.time_ns()}")
        db.session.commit()
        conflict_id = db.session.scalar(sa.select(Conflict.id).where(Conflict.slug == "bench"))
        keys = db.session.execute(
            sa.select(Activity.date, Activity.id)
            .where(Activity.conflict_id == conflict_id)
            .order_by(Activity.date, Activity.id)
        ).all()
        dialect = db.engine.dialect.name
    middle, late = keys[len(keys) // 2], keys[-150]
    urls = {
        "first page": "",
        "middle": f"&cursor={_encode(middle.date, middle.id)}",
        "near the end": f"&cursor={_encode(late.date, late.id)}",
        "newest first": "&order=newest",
        "newest first, middle": f"&order=newest&cursor={_encode(middle.date, middle.id)}",
    }
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    print(f"database: {dialect}; activities in the conflict: {len(keys)}")
    for name, extra in urls.items():
        url = f"/api/v1/conflicts/bench/activities?limit=100{extra}"
        for _ in range(3):
            client.get(url, headers=headers)  # warm
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and len(response.get_json()["items"]) == 100, response.status_code
        timings.sort()
        print(f"{name}: median {statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
