"""Issue 14's whole benchmark in one command: generate the case file, measure every page and
flow on each database side by side with the database's own figures, write ``bench/RESULTS.md``.

    python -m bench.run                                   # SQLite in /tmp and PostgreSQL (database tracker_bench)
    python -m bench.run --activities 100000 --out /tmp/RESULTS.md
    python -m bench.run --reuse                           # keep an already generated case file

For each database, in one run:

1. the generator (``bench.generate.generate_world``) into a fresh database, timed (target: one
   million activities in under 5 minutes);
2. every page of the issue through the WSGI app (``bench.pages``): median server time, page
   size, statements, and the plan of the page's slowest statement;
3. the CSV export of the largest conflict against the database's own dump of the same rows as
   grouped joins (``bench.export``), and its peak memory;
4. the CSV import of 10,000 rows of the export (``flask import-activities``) in a child
   process: rows per second and peak memory;
5. throughput of the timeline under gunicorn (gthread workers, ``gunicorn.conf.py``) on
   loopback for ``--seconds``: signed-in users (threads, keep-alive) reading its pages, the
   pager's cursors included; requests/s, p50/p95, errors.

Numbers are ratios and medians within one run on a shared machine: compare them side by side,
not with another run's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import export, load, pages
from bench.generate import FIRST_DAY, LARGE, MEDIUM, bench_app, generate_world

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ROWS = 10_000


def fresh(url: str, maintenance_db: str = "test") -> None:
    load.wipe_database(url, maintenance_db)


def _generate(url: str, activities: int, reuse: bool) -> float | None:
    if not reuse:
        fresh(url)
    app = bench_app(url)
    from tracker.extensions import db

    with app.app_context():
        existed = db.session.scalar(sa.text("SELECT count(*) FROM conflict WHERE slug = :s"), {"s": LARGE})
        result = generate_world(db.engine, activities=activities,
                                conflicts=max(3, min(1_000, activities // 100)), parties=max(60, min(20_000, activities // 50)))  # fmt: skip
        db.engine.dispose()
    return None if existed else result["seconds"]


def _import(url: str, workdir: Path) -> dict[str, Any]:
    """10,000 rows of the medium conflict's export imported into a new conflict, in a child."""
    app = bench_app(url)
    from tracker.extensions import db
    from tracker.models import Conflict

    client = app.test_client()
    pages._login(app, client)
    with app.app_context():
        if db.session.scalar(sa.select(Conflict.id).where(Conflict.slug == "bench-import")) is None:
            db.session.add(Conflict(slug="bench-import", name="Benchmark import", type="intrastate", region="Benchmark",
                                    start_date=FIRST_DAY))  # fmt: skip
            db.session.commit()
    body = client.get(f"/conflicts/{MEDIUM}/activities.csv").get_data()
    lines = body.split(b"\r\n")
    path = workdir / "import.csv"
    records = [line for line in lines[1 : IMPORT_ROWS + 1] if line]
    path.write_bytes(b"\r\n".join([lines[0], *records]) + b"\r\n")
    peak = workdir / "import-peak.txt"
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_ENV": "development", "BENCH_PEAK_FILE": str(peak)}
    arguments = ["--app", "tracker", "import-activities", str(path), "--conflict", "bench-import",
                 "--create-parties", "state", "--add-missing-parties"]  # fmt: skip
    started = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", PEAK_OF_COMMAND, *arguments], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    error = child.stderr.decode(errors="replace")[-500:]
    return {"rows": len(records), "seconds": seconds, "rows_per_s": len(records) / seconds,
            "peak_mb": float(peak.read_text()) if peak.exists() else 0.0, "ok": child.returncode == 0,
            "error": "" if child.returncode == 0 else error, **_import_phases(url, path, len(records))}  # fmt: skip


#: ``flask ARGS`` in this process, which writes its own peak resident memory (VmHWM, MB) to
#: $BENCH_PEAK_FILE on its way out (the parent's rusage would count the benchmark's own pages
#: that a forked child shares before it execs).
PEAK_OF_COMMAND = """
import atexit, os, sys
def peak():
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(str(kb / 1024))
atexit.register(peak)
sys.argv = ["flask", *sys.argv[1:]]
from flask.cli import main
main()
"""


def _import_phases(url: str, path: Path, rows: int) -> dict[str, float]:
    """Where an import's time goes, per row (µs): reading and checking the file (``plan``), the
    service's checks of the new activities, and the writes (rows, links, sources, audit
    entries, search documents, the tally triggers). In-process, into a conflict rolled back."""
    from tracker.activities import service
    from tracker.extensions import db
    from tracker.imports import activities as activity_import
    from tracker.models import Conflict
    from tracker.vocab import PartyKind

    app = bench_app(url)
    with app.app_context():
        conflict = Conflict(slug="bench-import-phases", name="Benchmark import phases", type="intrastate",
                            region="Benchmark", start_date=FIRST_DAY)  # fmt: skip
        db.session.add(conflict)
        db.session.flush()
        data = path.read_bytes()
        started = time.perf_counter()
        report = activity_import.plan(
            db.session, conflict, data, activity_import.Options("skip", PartyKind.STATE, True)
        )
        planned = time.perf_counter()
        written, real = [0.0], service._write

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                written[0] += time.perf_counter() - began

        service._write = timed  # type: ignore[assignment]
        try:
            activity_import.apply(db.session, conflict, report, recorded_by=None)
        finally:
            service._write = real  # type: ignore[assignment]
        applied = time.perf_counter()
        db.session.rollback()
        db.engine.dispose()
    micro = 1e6 / rows
    return {"read_check_us": (planned - started) * micro, "service_check_us": (applied - planned - written[0]) * micro,
            "write_us": written[0] * micro}  # fmt: skip


def _export(url: str) -> dict[str, Any]:
    app = bench_app(url)
    from tracker.extensions import db

    with app.app_context():
        conflict_id = db.session.scalar(sa.text("SELECT id FROM conflict WHERE slug = :s"), {"s": LARGE})
        rows = db.session.scalar(sa.text("SELECT count(*) FROM activity WHERE conflict_id = :c"), {"c": conflict_id})
        dialect = db.engine.dialect.name
    dump = export.database_dump(url, dialect, conflict_id)
    ours = export.served_export(url, LARGE)
    return {"rows": rows, "dump_rows_per_s": rows / dump, "ours_rows_per_s": rows / ours["seconds"],
            "ratio": dump / ours["seconds"], "peak_mb": ours["streaming_peak_mb"],
            "start_mb": ours["rss_at_start_mb"]}  # fmt: skip


def _throughput(url: str, seconds: float, users: int, workers: int, log_dir: Path) -> dict[str, Any]:
    """The timeline of the large conflict under gunicorn: each user signs in, then reads the
    first page and follows the pager's Next links, starting again after ten pages."""
    app = bench_app(url)
    from tracker.extensions import db
    from tracker.inputs.records import UserInput
    from tracker.models import User
    from tracker.users import create_user
    from tracker.vocab import UserRole

    with app.app_context():
        for i in range(users):
            if db.session.scalar(sa.select(User.id).where(User.email == load.user_email(i))) is None:
                create_user(
                    db.session, UserInput(email=load.user_email(i), role=UserRole.VIEWER), password=load.PASSWORD
                )
        db.session.commit()
        db.engine.dispose()
    server = load.Server(url, workers, secrets.token_hex(16), log_dir)
    server.start(time.monotonic() + 120, lambda _message: None)
    target = load.Target(server.port, [LARGE], {}, {}, {}, 30.0)
    stop = threading.Event()
    stats: list[load.Stats] = []
    try:
        deadline = time.monotonic() + seconds

        def reader(index: int) -> None:
            user = load.VirtualUser(index, target, deadline, stop, 1)
            stats.append(user.stats)
            if not user.sign_in():
                return
            path = f"/conflicts/{LARGE}"
            depth = 0
            while user.running():
                reply = user.get("timeline", path)
                nxt = (
                    re.search(r'href="([^"]+)" rel="next"', reply.text)
                    if reply is not None and reply.status == 200
                    else None
                )
                depth += 1
                path = nxt.group(1).replace("&amp;", "&") if nxt and depth < 10 else f"/conflicts/{LARGE}"
                depth = 0 if path == f"/conflicts/{LARGE}" else depth
            user.browser.close()

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(users)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
    finally:
        server.stop()
    latencies = [ms for s in stats for ms in s.latencies.get("timeline", [])]
    errors = sum(s.server_error_count + s.connection_errors for s in stats)
    return {"users": users, "workers": workers, "seconds": round(elapsed, 1), "requests": len(latencies),
            "rps": len(latencies) / elapsed, "p50": load.percentile(latencies, 50), "p95": load.percentile(latencies, 95),
            "errors": errors, "login_failures": sum(s.login_failures for s in stats)}  # fmt: skip


def measure(url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    name = sa.make_url(url).get_backend_name()
    out: dict[str, Any] = {"url": url, "backend": name}
    print(f"[{name}] generating …", flush=True)
    out["generate_s"] = _generate(url, args.activities, args.reuse)
    print(f"[{name}] pages …", flush=True)
    app = bench_app(url)
    out["pages"] = pages.measure(app, pages.urls(app), args.repeat)
    from tracker.extensions import db

    with app.app_context():
        out["tallies"] = {
            slug: tuple(db.session.execute(sa.text(
                "SELECT (SELECT count(*) FROM activity_tally t WHERE t.conflict_id = c.id), "
                "(SELECT count(*) FROM party_tally t WHERE t.conflict_id = c.id), "
                "(SELECT count(*) FROM activity a WHERE a.conflict_id = c.id) FROM conflict c WHERE c.slug = :s"
            ), {"s": slug}).one())
            for slug in (MEDIUM, LARGE)
        }  # fmt: skip
        db.engine.dispose()
    if not args.pages_only:
        print(f"[{name}] export …", flush=True)
        out["export"] = _export(url)
        print(f"[{name}] import …", flush=True)
        out["import"] = _import(url, workdir)
        print(f"[{name}] throughput …", flush=True)
        out["throughput"] = _throughput(url, args.seconds, args.users, args.workers, workdir)
    return out


def _machine() -> list[str]:
    import sqlite3

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    meminfo, cpuinfo = Path("/proc/meminfo").read_text(), Path("/proc/cpuinfo").read_text()
    memory = next((int(line.split()[1]) // 1024 for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor())  # fmt: skip
    pg = ""
    with contextlib.suppress(Exception):
        pg = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "root", "-d", "test", "-Atc", "SHOW server_version"],
                            capture_output=True, text=True, timeout=10).stdout.strip()  # fmt: skip
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{commit}`{' (with uncommitted changes)' if dirty else ''}",
        f"- Machine: {os.cpu_count()} CPUs ({model}), {memory:,} MB memory, {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg or 'n/a'}",
    ]


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def _met(value: float | None, target: float | None, *, at_least: bool = False) -> str:
    if value is None or target is None:
        return ""
    return " ✓" if (value >= target if at_least else value <= target) else " ✗"


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    intro = (f"Written by `python -m bench.run`; {args.activities:,} activities, medians of {args.repeat} "
             "requests through the WSGI app.")  # fmt: skip
    lines = ["# Benchmark results (issue 14)", "", intro, "", *_machine(), ""]
    names = [r["backend"] for r in results]
    lines += ["## Generator", "", "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines.append("| seconds (target < 300) | " + " | ".join(
        "reused" if r["generate_s"] is None else f"{r['generate_s']:.0f}{_met(r['generate_s'], 300)}" for r in results) + " |")  # fmt: skip
    lines += ["", "## Pages", "", "Server time (p50, ms), page size (KB) and statements per request; ✓/✗ against the issue's target.", "",
              "| page | target ms | " + " | ".join(f"{n} ms | {n} KB | {n} stmts" for n in names) + " |",
              "|---|---|" + "---|---|---|" * len(names)]  # fmt: skip
    for i, page in enumerate(results[0]["pages"]):
        cells = []
        for r in results:
            p = r["pages"][i]
            weight_target = 200 if p.name.startswith("dashboard") else None
            cells.append(f"{_ms(p.ms)}{_met(p.ms, p.target)} | {p.kb:,.0f}{_met(p.kb, weight_target)} | {p.statements}")
        lines.append(f"| {page.name} | {_ms(page.target) if page.target else ''} | " + " | ".join(cells) + " |")
    if all("export" in r for r in results):
        lines += ["", "## Flows", "", "| flow | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        flows = [
            ("export rows/s (tracker)", lambda r: f"{r['export']['ours_rows_per_s']:,.0f}"),
            ("export rows/s (database's own dump)", lambda r: f"{r['export']['dump_rows_per_s']:,.0f}"),
            ("export ratio (target ≥ 0.8)", lambda r: f"{r['export']['ratio']:.2f}{_met(r['export']['ratio'], 0.8, at_least=True)}"),
            ("export peak MB (target < 100)", lambda r: f"{r['export']['peak_mb']:.0f}{_met(r['export']['peak_mb'], 100)}"),
            ("import rows/s (target ≥ 20,000)", lambda r: f"{r['import']['rows_per_s']:,.0f}{_met(r['import']['rows_per_s'], 20_000, at_least=True)}" + ("" if r["import"]["ok"] else " (failed)")),
            ("… rows imported, peak MB", lambda r: f"{r['import']['rows']:,}, {r['import']['peak_mb']:.0f}"),
            ("timeline under gunicorn: requests/s", lambda r: f"{r['throughput']['rps']:,.1f}"),
            ("… p50 / p95 ms", lambda r: f"{_ms(r['throughput']['p50'])} / {_ms(r['throughput']['p95'])}"),
            ("… errors", lambda r: str(r["throughput"]["errors"])),
        ]  # fmt: skip
        for label, cell in flows:
            lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")
        t = results[0]["throughput"]
        how = (f"Throughput: {t['users']} signed-in users (threads, keep-alive), {t['workers']} gunicorn gthread "
               f"workers, {args.seconds:.0f} s on loopback; each reads the 890k conflict's first page and follows Next "
               "ten pages deep, again and again.")  # fmt: skip
        lines += ["", how]
    lines += ["", "## Targets missed, and their measured causes", ""]
    missed = False
    for r in results:
        for p in r["pages"]:
            over_time = p.target is not None and p.ms > p.target
            over_weight = p.name.startswith("dashboard") and p.kb > 200
            if over_time or over_weight:
                missed = True
                why = ""
                if p.name.startswith("dashboard"):
                    slug = LARGE if "890k" in p.name else MEDIUM
                    activity_rows, party_rows, activities = r["tallies"][slug]
                    why = (f" The conflict's tallies hold {activity_rows:,} + {party_rows:,} rows (a row per month, end month, "
                           "track and key), read and summed per request when the tallies answer the filter; a filter they do "
                           f"not answer (a type) groups the {activities:,} activities themselves, chart by chart. Kept "
                           "(the rows \"again\" above), the page is read in a handful of statements; computed afresh, what it "
                           "would take is tallies rolled up by year for long spans, and a tally kind per filtered vocabulary.")  # fmt: skip
                lines.append(
                    f"- **{r['backend']}, {p.name}**: {_ms(p.ms)} ms (target {_ms(p.target)}), {p.kb:,.0f} KB. Its slowest "
                    f"statement takes {_ms(p.slowest_ms)} ms of it (plan below); the rest is its {p.statements - 1} other "
                    f"statements and the rendering.{why}"
                )  # fmt: skip
        if "export" in r and r["export"]["ratio"] < 0.8:
            missed = True
            e = r["export"]
            dump_us, ours_us = 1e6 / e["dump_rows_per_s"], 1e6 / e["ours_rows_per_s"]
            lines.append(
                f"- **{r['backend']}, CSV export**: {e['ratio']:.2f}× the database's own dump. The dump costs "
                f"{dump_us:.0f} µs a row (the database reading, joining and writing them), the export {ours_us:.0f} µs: "
                f"the other {ours_us - dump_us:.0f} µs are each row built and quoted in Python (codebook labels, Goldstein weights, dates at their precision, party "
                "names by role, formula neutralisation, the CSV writer). What it would take: the database writes the lines "
                "(one grouped query building each CSV line, streamed; `COPY … TO STDOUT` on PostgreSQL)."
            )  # fmt: skip
        if "export" in r and r["export"]["peak_mb"] >= 100:
            missed = True
            e = r["export"]
            lines.append(
                f"- **{r['backend']}, CSV export memory**: peak {e['peak_mb']:.0f} MB, of which {e['start_mb']:.0f} MB "
                "before its first row (the app, its imports and a signed-in session); the export itself adds "
                f"{e['peak_mb'] - e['start_mb']:.0f} MB whatever its size (rows stream from server-side cursors, "
                "2,000 at a time). What it would take: a lighter worker (fewer modules imported at start)."
            )  # fmt: skip
        if "import" in r and r["import"]["rows_per_s"] < 20_000:
            missed = True
            i = r["import"]
            lines.append(
                f"- **{r['backend']}, CSV import**: {i['rows_per_s']:,.0f} rows/s ({1e6 / i['rows_per_s']:.0f} µs a row "
                f"end to end, the command's start included; 20,000 rows/s is 50). Per row: {i['read_check_us']:.0f} µs reading the file and checking "
                f"each row against the codebook's rules (`ActivityInput.parse`, in Python), {i['service_check_us']:.0f} µs "
                f"for the service's own checks, {i['write_us']:.0f} µs writing (rows, links and sources through the "
                "driver in batches, audit entries, search documents, the tally triggers). What it would take: the checks "
                "run over a batch at once rather than a row at a time, and the tallies updated once per batch."
            )  # fmt: skip
    if not missed:
        lines.append("None: every target is met on every database measured.")
    lines += ["", "## Plans of each page's slowest statement", ""]
    for r in results:
        lines += [f"### {r['backend']}", ""]
        for p in r["pages"]:
            statement = re.sub(r"\s+", " ", p.slowest[0])[:1500]
            lines += [f"<details><summary>{p.name}: {_ms(p.slowest_ms)} ms</summary>", "", "```sql", statement,
                      f"-- parameters: {p.slowest[1]!r}"[:300], "```", "", "```", p.plan, "```", "</details>", ""]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", dest="urls",
                        help="default: sqlite:////tmp/tracker-world.sqlite and postgresql://root@127.0.0.1:5432/tracker_world")  # fmt: skip
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep a case file already generated")
    parser.add_argument("--pages-only", action="store_true", help="skip export, import and throughput")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    urls = args.urls or ["sqlite:////tmp/tracker-world.sqlite", "postgresql://root@127.0.0.1:5432/tracker_world"]
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as workdir:
        results = [measure(url, args, Path(workdir)) for url in urls]
    Path(args.out).write_text(markdown(results, args))
    print(f"wrote {args.out}")
    for r in results:
        for p in r["pages"]:
            print(f"  {r['backend']:10} {p.name:45} {p.ms:8.1f} ms {p.kb:6.0f} KB")
    return results


if __name__ == "__main__":
    main()
