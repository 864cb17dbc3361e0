"""Staging speed and memory of the event intake, on realistic ICEWS-shaped files.

    python -m bench.events                                   # 100,000 events, SQLite in /tmp
    python -m bench.events --events 1000000 --database-url postgresql://root@127.0.0.1:5432/tracker_bench

Writes an ICEWS event file (tab-separated, the real header; a year of events between the
parties of the seeded conflicts and some 150 other countries, their governments, ministers,
armed forces and NGOs; CAMEO codes drawn as often as the real data has them; both directions
of some exchanges, repeated reports in other stories, ``NA`` fields, non-ASCII names, a bad
line now and then), loads the seed into a fresh database, and times
``flask --app tracker import-events FILE`` in a child process: events per second of staging
(read, match, merge, write candidates and reports) and the child's peak memory (RSS).
Targets: at least 20,000 events/s and under 150 MB for 1,000,000 events, on both databases.
The file is reproducible from ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.generate import bench_app
from tracker.events.formats import ICEWS_COLUMNS

#: Actors of the seeded conflicts (their names as ICEWS spells its countries) and others.
SEEDED = ["Georgia", "Russian Federation", "Estonia", "Moldova", "Burundi", "Mozambique", "Egypt", "Israel",
          "United States", "France", "Serbia", "Croatia", "Bosnia and Herzegovina", "Tanzania", "Italy"]  # fmt: skip
OTHERS = [f"Country {n:03d}" for n in range(150)] + ["Côte d'Ivoire", "São Tomé and Príncipe", "Türkiye", "Україна"]
SECTORS = [
    ("Government ({c})", "Government"),
    ("Government ({c})", "Executive,Executive Office,Government"),
    ("Foreign Affairs ({c})", "Cabinet,Foreign Ministry,Government,Ministry"),
    ("Military ({c})", "Military,Army"),
    ("Police ({c})", "Police"),
    ("Citizen ({c})", "NA"),
    ("Human Rights Watch", "Non-Governmental Organizations,Human Rights"),
    ("Rebel Group ({c})", "Rebel,Insurgents"),
]
#: How often each CAMEO root appears in ICEWS (roughly: statements and consultations dominate).
ROOT_WEIGHTS = {"01": 14, "02": 6, "03": 8, "04": 22, "05": 9, "06": 2, "07": 2, "08": 2, "09": 1, "10": 2,
                "11": 7, "12": 2, "13": 2, "14": 2, "15": 1, "16": 1, "17": 6, "18": 3, "19": 5, "20": 1}  # fmt: skip


def _codes() -> dict[str, list[str]]:
    from tracker import cameo

    by_root: dict[str, list[str]] = {}
    for code in cameo._read(cameo.DEFAULT_PATH):
        by_root.setdefault(code[:2], []).append(code)
    return by_root


def _actor(rng: random.Random, country: str) -> tuple[str, str, str]:
    name, sectors = rng.choice(SECTORS)
    return name.format(c=country), sectors, country


def write_icews(path: Path, events: int, *, seed: int = 1, start: date = date(2024, 1, 1)) -> int:
    """Write ``events`` lines (plus the header) to ``path``; returns the lines written."""
    rng = random.Random(seed)
    by_root = _codes()
    roots = list(ROOT_WEIGHTS)
    weights = list(ROOT_WEIGHTS.values())
    countries = SEEDED * 6 + OTHERS
    written, event_id, story = 0, 10_000_000, 50_000_000
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(ICEWS_COLUMNS) + "\n")
        day = 0
        while written < events:
            when = (start + timedelta(days=day * 365 // max(1, events // 1000 + 1))).isoformat()
            day += 1
            for _ in range(min(1000, events - written)):
                if written >= events:
                    break
                code = rng.choice(by_root[rng.choices(roots, weights)[0]])
                a, b = rng.sample(countries, 2)
                source, target = _actor(rng, a), _actor(rng, b)
                story += 1
                reports = [(source, target, code)]
                if rng.random() < 0.15:  # the other direction of the exchange
                    reports.append((target, source, "043" if code == "042" else code))
                reports += [(source, target, code)] * (rng.random() < 0.3) * rng.randint(1, 3)  # other stories
                for n, (s, t, c) in enumerate(reports):
                    if written >= events:
                        break
                    event_id += 1
                    date_text = "2024-13-01" if rng.random() < 0.0005 else when  # a bad line now and then
                    row = [str(event_id), date_text, s[0], s[1], s[2], "NA", c, "NA", t[0], t[1], t[2],
                           str(story + (n if n > 1 else 0)), str(n + 1), "Agence France-Presse", "NA", "NA", "NA",
                           s[2], "NA", "NA"]  # fmt: skip
                    out.write("\t".join(row) + "\n")
                    written += 1
    return written


def _database(url: str) -> None:
    from tracker.extensions import db
    from tracker.seeding import DEFAULT_SEED_DIR, load_seed

    app = bench_app(url)
    with app.app_context():
        for table in ("event_report", "candidate", "event_batch"):  # each run stages the file afresh
            db.session.execute(sa.text(f"DELETE FROM {table}"))
        load_seed(db.session, DEFAULT_SEED_DIR)
        db.session.commit()


def stage(path: Path, database_url: str) -> dict[str, object]:
    """Run the import in a child process; its time, peak memory and the batch's counts."""
    env = os.environ | {"DATABASE_URL": database_url, "TRACKER_ENV": "development"}
    flask = str(Path(sys.executable).with_name("flask"))
    began = time.perf_counter()
    done = subprocess.run([flask, "--app", "tracker", "import-events", str(path)], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stdout}\n{done.stderr}")
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT events_read, events_refused, candidates, created_at, finished_at FROM event_batch "
                    "ORDER BY id DESC LIMIT 1")
        ).one()  # fmt: skip
    engine.dispose()
    read, refused, candidates, created, finished = row
    staging = (_when(finished) - _when(created)).total_seconds()
    return {
        "events": read, "refused": refused, "candidates": candidates, "wall_s": round(wall, 2),
        "staging_s": round(staging, 2), "events_per_s": round(read / staging) if staging else None,
        "peak_rss_mb": round(peak_kb / 1024, 1), "report": done.stdout.splitlines()[:9],
    }  # fmt: skip


def _when(value: object):
    from datetime import datetime

    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--keep", type=Path, default=None, help="write the ICEWS file here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench-events.sqlite"
        path = args.keep or Path(folder) / "events.tab"
        began = time.perf_counter()
        lines = write_icews(path, args.events, seed=args.seed)
        generated = time.perf_counter() - began
        _database(url)
        result = stage(path, url) | {
            "database": sa.make_url(url).get_backend_name(), "file_mb": round(path.stat().st_size / 1e6, 1),
            "lines": lines, "generated_s": round(generated, 1),
        }  # fmt: skip
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
