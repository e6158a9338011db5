"""Incidents: intake, the status workflow, roles, the timeline and attachments."""
