"""Parties' roles in a conflict: direct party, supporter, third party."""
