"""Usage deductions: bring an incident's or a work log's ledger stream in line with the rules.

Incidents call ``ledger_sync_incident`` inside their own transition (resolve, cancel, reopen);
the work-log services call both after every change. Each call is idempotent: it posts only the
difference between what the rules say now and what the ledger already holds.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from core import clock
from retainer import rules
from retainer.models import LedgerEntry, WorkLog
from retainer.rules import ZERO
from retainer.services.alerts import alerts_check
from retainer.services.common import local_date
from retainer.services.ledger import Stream, contract_lock, stream_sync

Kind = LedgerEntry.Kind


def incident_effort(incident_id: int) -> tuple[Decimal, Decimal]:
    """Return the billable and the non-billable hours logged on an incident."""
    totals = WorkLog.objects.filter(incident_id=incident_id).aggregate(
        billable_hours=Sum("hours", filter=Q(billable=True), default=ZERO),
        other_hours=Sum("hours", filter=Q(billable=False), default=ZERO),
    )
    return totals["billable_hours"], totals["other_hours"]


def _incident_target(incident: Any, hours_per_mm: Decimal) -> tuple[Decimal, Decimal]:
    """Return the signed M/M and the hours the incident's stream should hold."""
    if incident.cancelled_at is not None:
        return ZERO, ZERO
    billable, other = incident_effort(incident.pk)
    mm = rules.incident_mm(billable, hours_per_mm, non_billable_hours=other)
    return -mm, billable


@transaction.atomic
def ledger_sync_incident(
    *, incident: Any, actor: Any, now: datetime | None = None
) -> LedgerEntry | None:
    """Post or adjust the incident's deduction; the caller holds the incident row lock.

    Resolved (or closed): the rounded billable effort, posted at resolution and corrected by a
    delta when effort is logged later. Cancelled: nothing (a reversal if anything was posted).
    Open or reopened: nothing changes until the next resolution.
    """
    resolved = incident.resolved_at is not None
    if incident.contract_id is None or not (resolved or incident.cancelled_at):
        return None
    now = clock.resolve(now)
    contract = contract_lock(incident.contract_id)
    target, hours = _incident_target(incident, contract.hours_per_mm)
    stream = Stream(
        key=f"incident:{incident.pk}",
        existing=Q(incident_id=incident.pk),
        first_kind=Kind.DEDUCTION,
        delta_kind=Kind.ADJUSTMENT,
    )
    posted = LedgerEntry.objects.filter(stream.existing).exists()
    day = local_date(incident.resolved_at if resolved and not posted else now)
    entry = stream_sync(
        stream,
        contract=contract,
        target=target,
        hours=hours,
        effective_on=day,
        actor=actor,
        now=now,
        incident_id=incident.pk,
    )
    if entry is not None:
        alerts_check(contract=contract, now=now)
    return entry


def _work_log_target(work_log: WorkLog, hours_per_mm: Decimal) -> Decimal:
    if not work_log.billable:
        return ZERO
    return -rules.effort_mm(work_log.hours, hours_per_mm)


@transaction.atomic
def ledger_sync_work_log(
    *, work_log: WorkLog, actor: Any, now: datetime | None = None
) -> LedgerEntry | None:
    """Post or adjust the deduction of a diagnostic or advisory work log (actual effort)."""
    if work_log.kind == WorkLog.Kind.INCIDENT or work_log.contract_id is None:
        return None
    now = clock.resolve(now)
    contract = contract_lock(work_log.contract_id)
    stream = Stream(
        key=f"worklog:{work_log.pk}",
        existing=Q(work_log_id=work_log.pk),
        first_kind=Kind.DEDUCTION,
        delta_kind=Kind.ADJUSTMENT,
    )
    posted = LedgerEntry.objects.filter(stream.existing).exists()
    entry = stream_sync(
        stream,
        contract=contract,
        target=_work_log_target(work_log, contract.hours_per_mm),
        hours=work_log.hours if work_log.billable else ZERO,
        effective_on=local_date(now) if posted else work_log.performed_on,
        actor=actor,
        now=now,
        work_log_id=work_log.pk,
    )
    if entry is not None:
        alerts_check(contract=contract, now=now)
    return entry
