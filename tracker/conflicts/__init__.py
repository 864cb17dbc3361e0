"""Conflicts: the list, the conflict page and its timeline."""
