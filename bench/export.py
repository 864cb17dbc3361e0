"""The activities export against the database's own CSV dump of the same rows.

    python -m bench.export                                       # SQLite file in /tmp, 1M activities
    python -m bench.export --database-url postgresql://root@127.0.0.1:5432/tracker_bench

Generates the activities once (bench/generate.py). Then, in one run:
1. the database's own dump of the same rows (the same columns, party names and sources
   aggregated per activity): ``sqlite3 -csv`` or ``psql -c "COPY (...) TO STDOUT WITH CSV"``;
2. the tracker's export, served in a separate process (the app and its test client, the body
   read chunk by chunk and thrown away), which reports its own peak memory.
Prints rows per second of both, their ratio (target >= 0.5) and the peak RSS (target < 100 MB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import sqlalchemy as sa

from bench.generate import bench_app, generate
from tracker.extensions import db

SLUG = "bench-export"


def _party_list(dialect: str, role: str) -> str:
    agg = "string_agg(p.name, '; ' ORDER BY ap.position)" if dialect == "postgresql" else "group_concat(p.name, '; ')"
    return (f"(SELECT {agg} FROM activity_party ap JOIN party p ON p.id = ap.party_id "
            f"WHERE ap.activity_id = a.id AND ap.role = '{role}')")  # fmt: skip


def dump_sql(dialect: str, conflict_id: int) -> str:
    """The same rows as the export, assembled by the database."""
    sources = (
        "(SELECT string_agg(s.citation || ' <' || s.url || '>', '; ' ORDER BY s.position) FROM source s WHERE s.activity_id = a.id)"
        if dialect == "postgresql"
        else "(SELECT group_concat(s.citation || ' <' || s.url || '>', '; ') FROM source s WHERE s.activity_id = a.id)"
    )
    roles = ", ".join(_party_list(dialect, r) for r in ("initiator", "target", "participant", "mediator"))
    return (
        "SELECT a.id, a.conflict_id, c.name, a.date, a.date_precision, a.end_date, a.type, a.type, a.type, a.track, "
        "a.scope, a.official_level, a.form, a.purpose, a.effect, a.incentive, a.title, a.description, "
        f"{roles}, {sources}, u.email, a.recorded_at, a.updated_at "
        "FROM activity a JOIN conflict c ON c.id = a.conflict_id LEFT JOIN user_account u ON u.id = a.recorded_by_id "
        f"WHERE a.conflict_id = {int(conflict_id)} ORDER BY a.conflict_id, a.date, a.id"
    )


def database_dump(url: str, dialect: str, conflict_id: int) -> float:
    query = dump_sql(dialect, conflict_id)
    if dialect == "sqlite":
        command = ["sqlite3", "-csv", sa.make_url(url).database, query]
    else:
        parts = sa.make_url(url)
        command = ["psql", "-h", parts.host or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "root",
                   "-d", parts.database, "-c", f"COPY ({query}) TO STDOUT WITH CSV"]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


SERVE = """
import json, resource, sys, time
from tracker import create_app
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sys.argv[1], "WTF_CSRF_ENABLED": False})
from tracker.extensions import db
from tracker.models import User
from tracker.inputs.records import UserInput
from tracker.users import create_user
from tracker.vocab import UserRole
import sqlalchemy as sa
with app.app_context():
    if db.session.scalar(sa.select(User.id).where(User.email == "bench@example.org")) is None:
        create_user(db.session, UserInput(email="bench@example.org", role=UserRole.VIEWER), password="bench-password-1")
        db.session.commit()
client = app.test_client()
client.post("/login", data={"email": "bench@example.org", "password": "bench-password-1"})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # reset the peak (VmHWM): what follows is the export alone
def rss_mb(field="VmRSS"):
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith(field)) / 1024
at_start = rss_mb()
started = time.perf_counter()
response = client.get(f"/conflicts/{sys.argv[2]}/activities.csv", buffered=False)
assert response.status_code == 200, response.status_code
size = lines = 0
for chunk in response.response:
    size += len(chunk)
    lines += chunk.count(b"\\r\\n")
response.close()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "bytes": size, "lines": lines, "streaming_peak_mb": rss_mb("VmHWM"),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_before_mb": before / 1024, "rss_at_start_mb": at_start}))
"""


def served_export(url: str, slug: str = SLUG) -> dict:
    output = subprocess.run([sys.executable, "-c", SERVE, url, slug], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/tracker-bench-export.sqlite")
    parser.add_argument("--activities", type=int, default=1_000_000)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        conflict_id = generate(db.engine, slug=SLUG, activities=args.activities)
        dialect = db.engine.dialect.name
        rows = db.session.scalar(
            sa.select(sa.func.count()).select_from(sa.table("activity")).where(sa.column("conflict_id") == conflict_id)
        )
    dump_seconds = database_dump(args.database_url, dialect, conflict_id)
    ours = served_export(args.database_url)
    ours_rate, dump_rate = rows / ours["seconds"], rows / dump_seconds
    print(f"database: {dialect}; rows: {rows}")
    print(f"database dump: {dump_seconds:.1f} s, {dump_rate:,.0f} rows/s")
    print(
        f"tracker export: {ours['seconds']:.1f} s, {ours_rate:,.0f} rows/s, {ours['bytes'] / 1e6:.0f} MB, {ours['lines'] - 1} data lines"
    )
    print(f"ratio: {ours_rate / dump_rate:.2f} (target >= 0.5)")
    print(f"serving process: peak RSS {ours['streaming_peak_mb']:.0f} MB while serving the export (target < 100 MB); "
          f"{ours['rss_before_mb']:.0f} MB peak before it, when signing in (scrypt takes 32 MB for a moment)")  # fmt: skip


if __name__ == "__main__":
    main()
