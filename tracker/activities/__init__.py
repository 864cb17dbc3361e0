"""Activities: the entries of a conflict's timeline."""
