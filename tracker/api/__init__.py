"""The JSON API, version 1: an adapter over the typed inputs, the services and the column
serializers the web pages use (no second copy of a rule or a query)."""
