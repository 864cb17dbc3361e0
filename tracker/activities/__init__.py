"""Activities: the entries of a conflict's timeline."""

from tracker.activities.views import bp

__all__ = ["bp"]
