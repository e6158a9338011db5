"""Template tags of the on-call app."""
