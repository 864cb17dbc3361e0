"""CSV out: safe cells, streamed responses, named files."""
