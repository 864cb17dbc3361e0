"""Conflicts: the list, the conflict page and its timeline."""

from tracker.conflicts.views import bp

__all__ = ["bp"]
