"""The seed: readable example cases under ``seed/``, validated whole, then written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tracker import paths
from tracker.seeding.apply import SeedReport, apply_seed
from tracker.seeding.files import read_seed
from tracker.seeding.records import Problem, SeedData, SeedError

#: The seed folder (in a checkout, or carried by the wheel).
DEFAULT_SEED_DIR = paths.top_level("seed")


def load_seed(session: Session, directory: Path = DEFAULT_SEED_DIR, *, update: bool = False) -> SeedReport:
    """Validate every file under ``directory`` and write them in one transaction: the examples
    never loaded; with ``update``, also corrections to the examples nobody has changed
    (:mod:`tracker.seeding.apply`).

    Raises :class:`SeedError` (nothing written) when any file has a problem.
    """
    data = read_seed(directory)
    try:
        report = apply_seed(session, data, update=update)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


__all__ = ["DEFAULT_SEED_DIR", "Problem", "SeedData", "SeedError", "SeedReport", "load_seed", "read_seed"]
