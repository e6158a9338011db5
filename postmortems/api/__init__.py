"""The post-mortem REST API."""
