"""On-call reports (fairness)."""
