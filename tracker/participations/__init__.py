"""Parties' roles in a conflict: direct party, supporter, third party."""

from tracker.participations.views import bp

__all__ = ["bp"]
