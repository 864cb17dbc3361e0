"""Synthetic activities for benchmarks: a conflict with N activities, their parties and sources.

Reused by every benchmark under bench/ (dashboards, CSV export). Rows are written with
SQLAlchemy Core in batches; values cycle through the codebook so every chart has data.

    python -m bench.generate --database-url sqlite:////tmp/bench.sqlite --activities 100000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from tracker.models import Activity, ActivityParty, Conflict, Participation, Party, PhaseChange, Source
from tracker.vocab import (
    ActivityPartyRole,
    ActivityType,
    Effect,
    Form,
    Incentive,
    OfficialLevel,
    Purpose,
    Scope,
    Track,
)  # fmt: skip

BATCH = 5_000
PARTIES = 24


def bench_app(database_url: str):
    """The tracker on ``database_url``, migrated to head (as production would be)."""
    from tracker import create_app, migrate

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        migrate.upgrade(app)
    return app


def generate(engine: sa.Engine, *, slug: str = "bench", activities: int = 100_000, seed: int = 1) -> int:
    """Write a conflict ``slug`` with ``activities`` activities; returns its id. Idempotent per slug."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        existing = conn.scalar(sa.select(Conflict.id).where(Conflict.slug == slug))
        if existing is not None:
            return existing
        conflict_id = conn.execute(
            sa.insert(Conflict).values(
                slug=slug, name=f"Benchmark conflict {slug}", type="intrastate", region="Benchmark",
                start_date=date(1960, 1, 1), summary="Synthetic data for benchmarks.", version=1,
                created_at=now, updated_at=now,
            ).returning(Conflict.id)
        ).scalar_one()  # fmt: skip
        conn.execute(
            sa.insert(PhaseChange).values(conflict_id=conflict_id, phase="active", since=date(1960, 1, 1), note="")
        )
        party_ids = []
        for i in range(PARTIES):
            name = f"{slug} party {i:02d}"
            pid = conn.scalar(sa.select(Party.id).where(Party.name == name))
            if pid is None:
                pid = conn.execute(
                    sa.insert(Party).values(name=name, kind="state", recognition_status="recognized",
                                            description="", version=1, created_at=now, updated_at=now).returning(Party.id)
                ).scalar_one()  # fmt: skip
            party_ids.append(pid)
            conn.execute(sa.insert(Participation).values(
                conflict_id=conflict_id, party_id=pid, role="primary", notes="", version=1, created_at=now, updated_at=now,
            ))  # fmt: skip
    types, tracks, levels = ActivityType.keys(), Track.keys(), OfficialLevel.keys()
    scopes, forms, purposes, effects = Scope.keys(), Form.keys(), Purpose.keys(), Effect.keys()
    incentives = [None, None, None, *Incentive.keys()]
    roles = ActivityPartyRole.keys()
    first = date(1960, 1, 1)
    written = 0
    started = time.perf_counter()
    with engine.begin() as conn:
        next_id = (conn.scalar(sa.select(sa.func.max(Activity.id))) or 0) + 1
        while written < activities:
            n = min(BATCH, activities - written)
            acts, links, sources = [], [], []
            for k in range(n):
                aid = next_id + written + k
                day = first + timedelta(days=rng.randrange(60 * 365))
                acts.append({
                    "id": aid, "conflict_id": conflict_id, "date": day, "date_precision": "day", "end_date": None,
                    "type": rng.choice(types), "track": rng.choice(tracks), "scope": rng.choice(scopes),
                    "official_level": rng.choice(levels), "form": rng.choice(forms), "purpose": rng.choice(purposes),
                    "effect": rng.choice(effects), "incentive": rng.choice(incentives),
                    "title": f"Activity {aid}, with a comma", "description": "Synthetic \"quoted\" text\nover two lines.",
                    "version": 1,
                })  # fmt: skip
                a, b = rng.sample(party_ids, 2)
                links.append({"activity_id": aid, "party_id": a, "role": rng.choice(roles), "position": 0})
                links.append({"activity_id": aid, "party_id": b, "role": "target", "position": 1})
                sources.append(
                    {
                        "activity_id": aid,
                        "position": 0,
                        "citation": f"Bench source {aid}",
                        "url": f"https://example.org/{aid}",
                    }
                )
            for act in acts:
                act["recorded_at"] = act["updated_at"] = now
            conn.execute(sa.insert(Activity), acts)
            conn.execute(sa.insert(ActivityParty), links)
            conn.execute(sa.insert(Source), sources)
            written += n
        if engine.dialect.name == "postgresql":
            conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('activity', 'id'), (SELECT max(id) FROM activity))")
            )
    # Statistics for the planner; on PostgreSQL also the vacuum that autovacuum would run
    # soon after a bulk load (the tally triggers' updates leave dead rows behind).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    print(f"generated {written} activities in {time.perf_counter() - started:.1f}s")
    return conflict_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--slug", default="bench")
    args = parser.parse_args()
    from tracker.extensions import db

    app = bench_app(args.database_url)
    with app.app_context():
        generate(db.engine, slug=args.slug, activities=args.activities)


if __name__ == "__main__":
    main()
