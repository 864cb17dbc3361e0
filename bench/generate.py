"""Synthetic case files for benchmarks, reproducible from a seed number.

Two shapes, both written through the bulk path (``tracker.bulk``: ids reserved up front, rows
handed to ``COPY`` or ``executemany``) with the tally triggers dropped for the load and the
derived data (tallies, search documents' index statistics) rebuilt once at the end:

* :func:`generate`: one conflict ``slug`` with N activities and 24 parties (the dashboard,
  export, timeline and API benchmarks);
* :func:`generate_world`: the ministry-sized case file of issue 14: 1,000 conflicts, 20,000
  parties and 1,000,000 activities, of which 89 % in one conflict (``bench-large``), 10 % in
  another (``bench-medium``) and the rest spread over the other 998 (``bench-c0003`` ...).

Every activity has two parties, one source and its search document; about 3 % last several
days (an end date), so the date filters meet spans. Titles carry a word drawn from 5,000
made-up words (about 200 activities share each) and the words "with a comma" (every activity:
the search benchmark's worst case).

    python -m bench.generate --database-url sqlite:////tmp/bench.sqlite --activities 100000
    python -m bench.generate --database-url postgresql://root@127.0.0.1:5432/tracker_bench --world
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, cast

import sqlalchemy as sa

from tracker import bulk
from tracker.dashboards import tallies
from tracker.models import Activity, ActivityParty, Conflict, Participation, Party, PhaseChange, SearchDocument, Source
from tracker.search import index
from tracker.vocab import (
    CONTEXT_TYPES,
    STATEMENT_TYPES,
    ActivityPartyRole,
    ActivityType,
    ConflictType,
    Effect,
    Form,
    Incentive,
    OfficialLevel,
    PartyKind,
    Purpose,
    Scope,
    Track,
)  # fmt: skip

BATCH = 20_000
PARTIES = 24
FIRST_DAY = date(1960, 1, 1)
DAYS = 60 * 365
LARGE, MEDIUM = "bench-large", "bench-medium"

_ACTIVITY = cast(sa.Table, Activity.__table__)
_LINK = cast(sa.Table, ActivityParty.__table__)
_SOURCE = cast(sa.Table, Source.__table__)
_DOCUMENT = cast(sa.Table, SearchDocument.__table__)
ACTIVITY_COLUMNS = (
    "id", "conflict_id", "date", "date_precision", "end_date", "end_date_precision", "type", "cameo_code",
    "track", "scope", "official_level", "form", "purpose", "effect", "incentive", "title", "description",
    "recorded_at", "updated_at", "version",
)  # fmt: skip
LINK_COLUMNS = ("activity_id", "party_id", "role", "position")
SOURCE_COLUMNS = ("activity_id", "position", "citation", "url")
DOCUMENT_COLUMNS = ("record_type", "record_id", "conflict_id", "title", "body", "folded")
DESCRIPTION = 'Synthetic "quoted" text\nover two lines.'
_NON_WORD = re.compile(r"[\W_]+")


def bench_app(database_url: str):
    """The tracker on ``database_url``, migrated to head (as production would be)."""
    from tracker import create_app, migrate

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        migrate.upgrade(app)
    return app


def words(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct pronounceable made-up words (search terms that match a few rows each)."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    out: dict[str, None] = {}
    while len(out) < n:
        out["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(out)


def _fold(text: str) -> str:
    """``index.fold`` for the generator's ASCII text, ten times faster (no accents to strip)."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


class _Codebook:
    """The values activities cycle through, read once."""

    # Words and fighting between the direct parties carry no incentive (rules.incentive_applies).
    types: ClassVar = [(t.value, t.cameo, t not in STATEMENT_TYPES | CONTEXT_TYPES) for t in ActivityType]
    tracks, levels, scopes = Track.keys(), OfficialLevel.keys(), Scope.keys()
    forms, purposes, effects = Form.keys(), Purpose.keys(), Effect.keys()
    incentives: ClassVar = [None, None, None, *Incentive.keys()]
    roles = ActivityPartyRole.keys()


def _activities(rng: random.Random, conflict_id: int, party_ids: list[int], ids: list[int], vocabulary: list[str],
                now: datetime) -> Iterator[tuple[tuple, tuple, tuple, tuple, tuple]]:  # fmt: skip
    """Per activity: its row, its two links, its source and its search document."""
    c = _Codebook
    for aid in ids:
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        end = day + timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.03 else None
        kind, cameo, carries = rng.choice(c.types)
        word = rng.choice(vocabulary)
        title = f"Activity {aid}, with a comma: {word}"
        citation = f"Bench source {aid}"
        yield (
            (aid, conflict_id, day, "day", end, "day", kind, cameo, rng.choice(c.tracks), rng.choice(c.scopes),
             rng.choice(c.levels), rng.choice(c.forms), rng.choice(c.purposes), rng.choice(c.effects),
             rng.choice(c.incentives) if carries else None, title, DESCRIPTION, now, now, 1),
            (aid, *rng.sample(party_ids, 2)),
            (aid, 0, citation, f"https://example.org/{aid}"),
            ("activity", aid, conflict_id, title, f"{DESCRIPTION}\n{citation}", _fold(f"{title}\n{DESCRIPTION}\n{citation}")),
        )  # fmt: skip


def _write_activities(conn: sa.Connection, rng: random.Random, conflict_id: int, party_ids: list[int], n: int,
                      vocabulary: list[str], now: datetime) -> None:  # fmt: skip
    roles = _Codebook.roles
    written = 0
    while written < n:
        size = min(BATCH, n - written)
        ids = bulk.reserve_ids(conn, _ACTIVITY, size)
        acts, links, sources, docs = [], [], [], []
        for act, (aid, a, b), source, doc in _activities(rng, conflict_id, party_ids, ids, vocabulary, now):
            acts.append(act)
            links += [(aid, a, rng.choice(roles), 0), (aid, b, "target", 1)]
            sources.append(source)
            docs.append(doc)
        bulk.insert_many(conn, _ACTIVITY, ACTIVITY_COLUMNS, acts)
        bulk.insert_many(conn, _LINK, LINK_COLUMNS, links)
        bulk.insert_many(conn, _SOURCE, SOURCE_COLUMNS, sources)
        bulk.insert_many(conn, _DOCUMENT, DOCUMENT_COLUMNS, docs)
        written += size


def _conflict(conn: sa.Connection, slug: str, name: str, kind: str, now: datetime) -> int:
    conflict_id = conn.execute(
        sa.insert(Conflict).values(
            slug=slug, name=name, type=kind, region="Benchmark", start_date=FIRST_DAY,
            summary="Synthetic data for benchmarks.", version=1, created_at=now, updated_at=now,
        ).returning(Conflict.id)
    ).scalar_one()  # fmt: skip
    conn.execute(sa.insert(PhaseChange).values(conflict_id=conflict_id, phase="active", since=FIRST_DAY, note=""))
    return conflict_id


def _parties(conn: sa.Connection, names: list[str], kinds: list[str], now: datetime) -> list[int]:
    rows = [
        {"name": name, "kind": kind, "description": "", "version": 1, "created_at": now, "updated_at": now,
         "recognition_status": "recognized" if kind in ("state", "state_like") else "not_applicable"}
        for name, kind in zip(names, kinds, strict=True)
    ]  # fmt: skip
    before = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(Party.id), 0)))
    for start in range(0, len(rows), BATCH):
        conn.execute(sa.insert(Party), rows[start : start + BATCH])
    # The only writer (one transaction): the new ids are those after the largest before.
    return list(conn.scalars(sa.select(Party.id).where(Party.id > before).order_by(Party.id)))


def _participations(conn: sa.Connection, conflict_id: int, party_ids: list[int], now: datetime) -> None:
    conn.execute(
        sa.insert(Participation),
        [
            {"conflict_id": conflict_id, "party_id": pid, "role": "primary", "notes": "", "version": 1,
             "created_at": now, "updated_at": now}
            for pid in party_ids
        ],
    )  # fmt: skip


def _start(conn: sa.Connection) -> None:
    """Ready the connection for a bulk load: the tally triggers dropped (recounted once at the
    end); on PostgreSQL, as a superuser, foreign keys not checked row by row (what
    ``pg_restore --disable-triggers`` does: the generator writes only ids it just created)."""
    tallies.uninstall(conn)
    if conn.dialect.name == "postgresql" and conn.scalar(
        sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ):
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))


def _finish(conn: sa.Connection) -> None:
    """Derived data once, at the end: the tally triggers back and the tallies recounted, the
    search documents of conflicts and parties."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL session_replication_role = DEFAULT"))
    tallies.install(conn)
    index.refresh(conn, "conflict", conn.scalars(sa.select(Conflict.id)))
    index.refresh(conn, "party", conn.scalars(sa.select(Party.id)))


def _analyze(engine: sa.Engine) -> None:
    # Statistics for the planner; on PostgreSQL also the vacuum autovacuum would run soon after.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


def generate(engine: sa.Engine, *, slug: str = "bench", activities: int = 100_000, seed: int = 1) -> int:
    """Write a conflict ``slug`` with ``activities`` activities; returns its id. Idempotent per slug."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as conn:
        existing = conn.scalar(sa.select(Conflict.id).where(Conflict.slug == slug))
        if existing is not None:
            return existing
        _start(conn)
        conflict_id = _conflict(conn, slug, f"Benchmark conflict {slug}", "intrastate", now)
        party_ids = _parties(conn, [f"{slug} party {i:02d}" for i in range(PARTIES)], ["state"] * PARTIES, now)
        _participations(conn, conflict_id, party_ids, now)
        _write_activities(conn, rng, conflict_id, party_ids, activities, words(rng, 5_000), now)
        _finish(conn)
    _analyze(engine)
    print(f"generated {activities} activities in {time.perf_counter() - started:.1f}s")
    return conflict_id


def sizes(activities: int, conflicts: int) -> list[int]:
    """Activities per conflict: 89 % and 10 % in the first two, the rest spread evenly."""
    large, medium = activities * 89 // 100, activities // 10
    rest, others = activities - large - medium, max(1, conflicts - 2)
    return [large, medium, *(rest // others + (1 if i < rest % others else 0) for i in range(others))]


def generate_world(engine: sa.Engine, *, activities: int = 1_000_000, conflicts: int = 1_000,
                   parties: int = 20_000, seed: int = 1) -> dict[str, Any]:  # fmt: skip
    """The case file of issue 14 (see the module's help); returns the slugs of the two large
    conflicts and the seconds taken. Idempotent: a second call finds ``bench-large`` and stops."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as conn:
        if conn.scalar(sa.select(Conflict.id).where(Conflict.slug == LARGE)) is None:
            _start(conn)
            vocabulary = words(rng, 5_000)
            kinds = PartyKind.keys()
            party_names = [f"Party {i:05d} {rng.choice(vocabulary).title()}" for i in range(parties)]
            party_ids = _parties(conn, party_names, [rng.choice(kinds) for _ in party_names], now)
            types = ConflictType.keys()
            for i, n in enumerate(sizes(activities, conflicts)):
                slug = LARGE if i == 0 else MEDIUM if i == 1 else f"bench-c{i + 1:04d}"
                conflict_id = _conflict(conn, slug, f"Benchmark conflict {slug}", rng.choice(types), now)
                # The two large conflicts have 24 parties each (the 890k one gives a party ~74k
                # links); the others 4 to 8 drawn from the rest.
                involved = (
                    party_ids[i * PARTIES : (i + 1) * PARTIES]
                    if i < 2
                    else rng.sample(party_ids[48:], rng.randint(4, 8))
                )
                _participations(conn, conflict_id, involved, now)
                _write_activities(conn, rng, conflict_id, involved, n, vocabulary, now)
            _finish(conn)
    _analyze(engine)
    seconds = time.perf_counter() - started
    print(
        f"generated the case file ({activities} activities, {conflicts} conflicts, {parties} parties) in {seconds:.1f}s"
    )
    return {"large": LARGE, "medium": MEDIUM, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--activities", type=int, default=None, help="default: 100,000 (1,000,000 with --world)")
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--world", action="store_true", help="1,000 conflicts and 20,000 parties (issue 14)")
    parser.add_argument("--conflicts", type=int, default=1_000)
    parser.add_argument("--parties", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from tracker.extensions import db

    app = bench_app(args.database_url)
    with app.app_context():
        if args.world:
            generate_world(db.engine, activities=args.activities or 1_000_000, conflicts=args.conflicts,
                           parties=args.parties, seed=args.seed)  # fmt: skip
        else:
            generate(db.engine, slug=args.slug, activities=args.activities or 100_000, seed=args.seed)


if __name__ == "__main__":
    main()
