"""On-call: schedules, rotations, overrides and who is on call."""
