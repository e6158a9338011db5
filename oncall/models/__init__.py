"""On-call schedules, rotations and overrides, and how engineers want to be reached."""

from oncall.models.overrides import Override, ShiftReminder, SwapRequest
from oncall.models.profiles import NotificationProfile
from oncall.models.schedules import Layer, Rotation, RotationMember, Schedule

__all__ = [
    "Layer",
    "NotificationProfile",
    "Override",
    "Rotation",
    "RotationMember",
    "Schedule",
    "ShiftReminder",
    "SwapRequest",
]
