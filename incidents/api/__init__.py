"""REST API for incidents."""
