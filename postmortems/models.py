"""Post-incident reports (built by the post-mortems issue)."""
