"""Typed inputs: what every door (form, CSV, seed, API) hands to a service."""
