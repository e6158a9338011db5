"""What every app shares: the clock, base models, API glue. Kept small and boring."""
