"""Post-mortems: the 3-day post-incident report and its action items."""
