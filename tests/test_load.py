"""The load test (bench/load.py) kept working: gunicorn with several workers on the suite's
kind of database, a few users reading and logging at once for a few seconds; no 5xx, no
"database is locked", no lost write. The real numbers come from ``python -m bench.load``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import load


def test_a_small_load_run_has_no_server_error_and_loses_no_write(database_url: str, tmp_path: Path) -> None:
    if not shutil.which("gunicorn", path=str(Path(load.sys.executable).parent)):
        pytest.skip("gunicorn is not installed (the test extra installs it)")
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = f"sqlite:///{tmp_path / 'load.sqlite'}"
    else:
        target = url.set(database=f"{url.database}_load").render_as_string(hide_password=False)
    report = load.main(["--database-url", target, "--users", "4", "--duration", "4", "--workers", "3", "--quiet",
                        "--log-dir", str(tmp_path / "logs")])  # fmt: skip
    assert report["exit_code"] == 0, report["failures"]
    assert report["requests"] > 10 and report["writes_acknowledged"] > 0
    assert report["writes_found"] == report["writes_acknowledged"] and report["lost_writes"] == 0
