"""Writes on on-call. Every caller (admin, API, tasks, seed data) goes through these."""

from oncall.services.notify import channels_for, notify_user, profile_for
from oncall.services.overrides import (
    override_create,
    override_delete,
    override_rota_create,
    override_update,
)
from oncall.services.profiles import profile_rotate_token, profile_update
from oncall.services.reminders import shift_reminders_send
from oncall.services.schedules import (
    RotationInput,
    layer_create,
    layer_delete,
    layer_update,
    rotation_change,
    schedule_create,
    schedule_delete,
    schedule_rotate_token,
    schedule_update,
)
from oncall.services.swaps import (
    swap_request_accept,
    swap_request_cancel,
    swap_request_create,
    swap_request_decline,
)

__all__ = [
    "RotationInput",
    "channels_for",
    "layer_create",
    "layer_delete",
    "layer_update",
    "notify_user",
    "override_create",
    "override_delete",
    "override_rota_create",
    "override_update",
    "profile_for",
    "profile_rotate_token",
    "profile_update",
    "rotation_change",
    "schedule_create",
    "schedule_delete",
    "schedule_rotate_token",
    "schedule_update",
    "shift_reminders_send",
    "swap_request_accept",
    "swap_request_cancel",
    "swap_request_create",
    "swap_request_decline",
]
