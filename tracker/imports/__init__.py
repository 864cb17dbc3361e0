"""CSV in: validated whole, reported line by line, written all or nothing."""
