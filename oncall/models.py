"""On-call schedules, rotations and overrides (built by the on-call issue)."""
