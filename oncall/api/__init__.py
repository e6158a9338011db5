"""On-call REST API."""
