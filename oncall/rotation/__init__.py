"""Pure on-call scheduling math (no ORM): rotations, restrictions, overrides → final shifts."""

from oncall.rotation.timeline import horizon_for, layer_at, layer_segments
from oncall.rotation.types import (
    NIGHTS,
    WEEKDAYS,
    WEEKENDS,
    Layer,
    OnCall,
    Override,
    Restriction,
    Rotation,
    Segment,
    Unit,
)

__all__ = [
    "NIGHTS",
    "WEEKDAYS",
    "WEEKENDS",
    "Layer",
    "OnCall",
    "Override",
    "Restriction",
    "Rotation",
    "Segment",
    "Unit",
    "horizon_for",
    "layer_at",
    "layer_segments",
]
