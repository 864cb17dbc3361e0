"""Parties and who recognizes whom."""

from tracker.parties.views import bp

__all__ = ["bp"]
