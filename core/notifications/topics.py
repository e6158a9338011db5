"""Outbox topics shared across apps (core sits below every app that reads or writes them)."""

INCIDENT_PAGE = "incident.page"
ONCALL_NOTICE = "oncall.notice"
