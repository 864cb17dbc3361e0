"""Search across conflicts, parties and activities."""
