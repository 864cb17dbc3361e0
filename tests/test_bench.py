"""The benchmarks keep working: each runs on a tiny size here (the numbers come from running
them at full size, never from timing assertions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import events, timeline


def test_the_event_intake_benchmark_runs(tmp_path: Path) -> None:
    result = events.main(["--events", "300", "--database-url", f"sqlite:///{tmp_path}/events.sqlite"])
    assert result["events"] + result["refused"] == 300 and 0 < result["candidates"] <= 300
    assert result["peak_rss_mb"] > 0 and result["events_per_s"]


def test_the_icews_file_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    one, two = tmp_path / "one.tab", tmp_path / "two.tab"
    assert events.write_icews(one, 500, seed=7) == events.write_icews(two, 500, seed=7) == 500
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.filterwarnings("ignore")
def test_the_timeline_benchmark_runs(tmp_path: Path) -> None:
    results = timeline.main(
        ["--activities", "120", "--repeat", "1", "--database-url", f"sqlite:///{tmp_path}/t.sqlite"]
    )
    assert set(results) >= {"first page", "middle page, cursor", "last page, cursor"}


def _case_file(url: str) -> list[tuple]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.slug, a.date, a.end_date, a.type, a.track, a.incentive, a.title, "
            "(SELECT group_concat(p.name || ':' || ap.role, ';') FROM activity_party ap JOIN party p ON p.id = ap.party_id "
            "WHERE ap.activity_id = a.id) FROM activity a JOIN conflict c ON c.id = a.conflict_id ORDER BY a.id"
        )).all()  # fmt: skip
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.filterwarnings("ignore")
def test_the_case_file_is_reproducible_from_its_seed_and_its_derived_data_is_right(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from bench.generate import bench_app, generate_world, sizes
    from tracker.dashboards import tallies
    from tracker.extensions import db

    assert sizes(1_000_000, 1_000)[:3] == [890_000, 100_000, 11] and sum(sizes(1_000_000, 1_000)) == 1_000_000
    urls = [f"sqlite:///{tmp_path}/{name}.sqlite" for name in ("one", "two")]
    for url in urls:
        app = bench_app(url)
        with app.app_context():
            generate_world(db.engine, activities=600, conflicts=6, parties=80, seed=3)
            assert (
                generate_world(db.engine, activities=600, conflicts=6, parties=80, seed=3)["seconds"] < 5
            )  # again: nothing
            with db.engine.connect() as conn:
                assert tallies.drift(conn) == {"activity_tally": {}, "party_tally": {}}
                assert (
                    conn.scalar(sa.text("SELECT count(*) FROM search_document WHERE record_type = 'activity'")) == 600
                )
                assert conn.scalar(sa.text("SELECT count(*) FROM activity")) == 600
            db.engine.dispose()
    one, two = (_case_file(url) for url in urls)
    assert one == two and len({row[0] for row in one}) == 6


@pytest.mark.filterwarnings("ignore")
def test_the_whole_benchmark_runs_and_writes_its_results(tmp_path: Path) -> None:
    from bench import run

    out = tmp_path / "RESULTS.md"
    results = run.main(["--activities", "1500", "--repeat", "1", "--seconds", "2", "--users", "1", "--workers", "1",
                        "--database-url", f"sqlite:///{tmp_path}/world.sqlite", "--out", str(out)])  # fmt: skip
    (result,) = results
    assert result["generate_s"] is not None and len(result["pages"]) == 19
    assert all(p.ms > 0 and p.statements > 0 and p.plan for p in result["pages"])
    assert result["import"]["ok"] and result["import"]["rows"] > 0
    assert result["export"]["rows"] > 0 and result["throughput"]["requests"] > 0 and result["throughput"]["errors"] == 0
    text = out.read_text()
    assert "## Pages" in text and "## Flows" in text and "timeline, first page (890k conflict)" in text
    assert "EXPLAIN" not in text and "SEARCH activity USING" in text  # SQLite's plans, as it prints them
