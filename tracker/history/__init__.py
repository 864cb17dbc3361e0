"""The audit history: per record, and the admins' log of all changes."""

from tracker.history.views import bp

__all__ = ["bp"]
