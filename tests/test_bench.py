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
