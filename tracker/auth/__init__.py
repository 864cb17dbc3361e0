"""Signing in and out, roles, and the admin's user management."""
