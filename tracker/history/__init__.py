"""The audit history: per record, and the admins' log of all changes."""
