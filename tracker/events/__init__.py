"""Coded event data (ICEWS, GDELT, PLOVER) taken in as candidates for review."""
