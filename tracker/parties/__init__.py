"""Parties and who recognizes whom."""
