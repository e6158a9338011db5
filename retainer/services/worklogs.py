"""Work logs: record effort, then bring the ledger in line (the incident's or effort stream).

Every change re-syncs each stream the log counted in before it and counts in after it, so
moving a log to another incident, engagement or month corrects both sides."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.access import is_staff_member
from retainer import rules
from retainer.models import WorkLog
from retainer.services.common import local_date, outside_window, record_actor, window_error
from retainer.services.usage import (
    EffortStream,
    effort_stream_of,
    ledger_sync_effort,
    ledger_sync_incident,
)

MAX_HOURS = Decimal("744")  # a month of round-the-clock work: anything more is a typo
FIELDS = (
    "engineer",
    "kind",
    "incident",
    "engagement",
    "contract",
    "started_at",
    "ended_at",
    "performed_on",
    "hours",
    "description",
    "billable",
    "billable_note",
)
DATES = ("started_at", "ended_at", "performed_on")  # kept inside the window (common.py)


def _hours(data: dict[str, Any], errors: dict[str, list[Any]]) -> Decimal | None:
    started, ended = data.get("started_at"), data.get("ended_at")
    if started and ended:
        if {"started_at", "ended_at"} & set(errors):
            return None
        if timezone.is_naive(started) or timezone.is_naive(ended):
            errors["started_at"] = [_("Give the time with its time zone.")]
            return None
        if ended <= started:
            errors["ended_at"] = [_("The end must be after the start.")]
            return None
        return rules.hours_between(started, ended)
    try:
        hours = Decimal(str(data.get("hours"))) if data.get("hours") is not None else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        errors["hours"] = [_("Give the hours, or the start and end times.")]
        return None
    return hours


def _check_hours(hours: Decimal | None, errors: dict[str, list[Any]]) -> None:
    if hours is None:
        return
    if hours <= 0 or hours > MAX_HOURS or hours.quantize(rules.HOUR_PLACES) != hours:
        errors.setdefault("hours", []).append(
            _("Hours must be more than 0 and at most %(max)s, in steps of 0.01.")
            % {"max": MAX_HOURS}
        )


def _target(data: dict[str, Any], errors: dict[str, list[Any]]) -> Any:
    """Return the contract the work counts against, checking kind and target agree."""
    kind, incident, engagement = data.get("kind"), data.get("incident"), data.get("engagement")
    if kind not in WorkLog.Kind.values:
        errors["kind"] = [_("Choose incident, diagnostic or advisory.")]
        return None
    if kind == WorkLog.Kind.INCIDENT:
        if incident is None:
            errors["incident"] = [_("Choose the incident the work was for.")]
        return incident.contract if incident is not None else None
    if kind == WorkLog.Kind.DIAGNOSTIC:
        if engagement is None:
            errors["engagement"] = [_("Choose the diagnostic engagement the work was for.")]
        return engagement.contract if engagement is not None else None
    if data.get("contract") is None:
        errors["contract"] = [_("Choose the contract the advice was given under.")]
    return data.get("contract")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate everything and return the fields to store; raise ValidationError."""
    errors: dict[str, list[Any]] = {
        name: [window_error()] for name in DATES if outside_window(data.get(name))
    }
    hours = _hours(data, errors)
    _check_hours(hours, errors)
    contract = _target(data, errors)
    if not is_staff_member(data.get("engineer")):
        errors["engineer"] = [_("Only the firm's engineers log work.")]
    billable = bool(data.get("billable", True))
    note = (data.get("billable_note") or "").strip()
    if not billable and not note:
        errors["billable_note"] = [_("Tell the customer why this work is not deducted.")]
    if errors:
        raise ValidationError(errors)
    performed_on = data.get("performed_on") or local_date(data.get("started_at") or clock.now())
    cleaned = {**data, "hours": hours, "contract": contract, "performed_on": performed_on}
    cleaned.update(billable=billable, billable_note=note)
    cleaned["description"] = (data.get("description") or "").strip()
    if cleaned["kind"] != WorkLog.Kind.INCIDENT:
        cleaned["incident"] = None
    if cleaned["kind"] != WorkLog.Kind.DIAGNOSTIC:
        cleaned["engagement"] = None
    return cleaned


def _sync(
    incidents: Iterable[Any],
    streams: Iterable[EffortStream | None],
    *,
    actor: Any,
    now: datetime,
) -> None:
    """Re-sync the incidents (locked by the caller) and the effort streams a change touched."""
    for incident in incidents:
        ledger_sync_incident(incident=incident, actor=actor, now=now)
    # One order for the contract locks, whatever the change, so two changes cannot deadlock.
    for stream in sorted({s for s in streams if s}, key=lambda s: (s.contract_id, s.key)):
        ledger_sync_effort(stream=stream, actor=actor, now=now)


def _lock_incidents(*incidents: Any) -> list[Any]:
    """Lock the incident rows (as their transitions do) so effort and resolution do not race."""
    found = {incident.pk: incident for incident in incidents if incident is not None}
    return [
        type(incident).objects.select_for_update().get(pk=pk)
        for pk, incident in sorted(found.items())
    ]


@transaction.atomic
def worklog_create(*, actor: Any, now: datetime | None = None, **data: Any) -> WorkLog:
    """Log effort (hours, or start and end) and post or adjust its deduction."""
    now = clock.resolve(now)
    data.setdefault("engineer", actor)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown work-log fields: {sorted(unknown)}")
    cleaned = _clean(data)
    incidents = _lock_incidents(cleaned.get("incident"))
    work_log = WorkLog(**cleaned)
    record_actor(work_log, actor)
    work_log.save(force_insert=True)
    _sync(incidents, [effort_stream_of(work_log)], actor=actor, now=now)
    return work_log


@transaction.atomic
def worklog_update(
    *, work_log: WorkLog, actor: Any, data: dict[str, Any], now: datetime | None = None
) -> WorkLog:
    """Change a work log; the ledger gets a correcting delta entry, never an edit."""
    now = clock.resolve(now)
    locked = WorkLog.objects.select_for_update().get(pk=work_log.pk)
    current = {name: getattr(locked, name) for name in FIELDS}
    if "hours" in data and not ({"started_at", "ended_at"} & set(data)):
        current.update(started_at=None, ended_at=None)
    cleaned = _clean({**current, **data})
    if cleaned["kind"] != locked.kind or cleaned["contract"] != locked.contract:
        raise ValidationError(_("Log new work instead of moving a work log to another target."))
    incidents = _lock_incidents(locked.incident, cleaned["incident"])
    before = effort_stream_of(locked)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    record_actor(locked, actor)
    locked.save()
    _sync(incidents, [before, effort_stream_of(locked)], actor=actor, now=now)
    work_log.refresh_from_db()
    return work_log


@transaction.atomic
def worklog_delete(*, work_log: WorkLog, actor: Any, now: datetime | None = None) -> None:
    """Delete a work log; its incident's or effort stream's deduction is corrected.

    The deduction of diagnostic and advisory work belongs to its engagement or month, not to
    the log, so deleting a log gives its share back with a new entry (the log stays in its
    history). Only a log deducted on its own before that rule (its old ``worklog:`` entries
    point at it and the ledger keeps them) stays: mark it non-billable to give the M/M back.
    """
    now = clock.resolve(now)
    locked = WorkLog.objects.select_for_update().get(pk=work_log.pk)
    if locked.ledger_entries.exists():
        raise ValidationError(
            _("This work has been deducted; mark it non-billable to give the M/M back.")
        )
    incidents = _lock_incidents(locked.incident)
    stream = effort_stream_of(locked)
    record_actor(locked, actor)
    locked.delete()
    _sync(incidents, [stream], actor=actor, now=now)
