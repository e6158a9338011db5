"""Writes on incidents. Every caller (admin, API, forms, tasks, commands) goes through these."""

from incidents.services.attachments import attachment_add, validate_upload
from incidents.services.editing import incident_update
from incidents.services.intake import incident_create
from incidents.services.timeline import incident_add_note, timeline_add
from incidents.services.workflow import (
    TRANSITIONS,
    allowed_transitions,
    incident_acknowledge,
    incident_cancel,
    incident_close,
    incident_mitigate,
    incident_reopen,
    incident_resolve,
    incident_transition,
)

__all__ = [
    "TRANSITIONS",
    "allowed_transitions",
    "attachment_add",
    "incident_acknowledge",
    "incident_add_note",
    "incident_cancel",
    "incident_close",
    "incident_create",
    "incident_mitigate",
    "incident_reopen",
    "incident_resolve",
    "incident_transition",
    "incident_update",
    "timeline_add",
    "validate_upload",
]
