"""Search across conflicts, parties and activities."""

from tracker.search.views import bp

__all__ = ["bp"]
