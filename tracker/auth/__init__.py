"""Signing in and out, roles, and the admin's user management."""

from tracker.auth.views import bp

__all__ = ["bp"]
