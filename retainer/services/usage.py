"""Usage deductions: bring an incident's or an effort stream's ledger entries in line with the
rules.

Incidents call ``ledger_sync_incident`` inside their own transition (resolve, cancel, reopen);
the work-log services call it and ``ledger_sync_effort`` after every change. Each call is
idempotent: it posts only the difference between what the rules say now and what the ledger
already holds.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum

from core import clock
from retainer import rules
from retainer.models import LedgerEntry, WorkLog
from retainer.rules import ZERO, add_months
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


# --- diagnostic and advisory work: effort streams -------------------------------------------
#
# Seed 002 deducts the M/M "actually spent" on diagnostic and advisory work, rounded half-up to
# 0.01 M/M. Rounded log by log, every short log would be rounded on its own (eight 1 h logs at
# 160 h/M/M deducted 8 x 0.01 = 0.08 instead of 0.05; ten 0.5 h logs deducted 0 instead of
# 0.03), so the rounding applies once to a unit of work: a diagnostic engagement (the sum of its
# billable hours) and a contract's advisory work in one calendar month of ``performed_on``
# (a Seoul date), the month the report shows it in. Each unit is one stream.
#
# Until then every diagnostic or advisory log was a stream of its own (``worklog:<id>#n``
# entries pointing at the log). The ledger keeps them, and they count in the stream of the unit
# their log belongs to now, so the first sync of a unit posts just the correcting delta and a
# log moved to another engagement or month takes them along (both units are synced).


@dataclass(frozen=True)
class EffortStream:
    """One unit of diagnostic or advisory work on a contract, deducted as a whole."""

    contract_id: int
    engagement_id: int | None = None  # diagnostic: the engagement
    month: date | None = None  # advisory: the first day of the month of ``performed_on``

    @property
    def key(self) -> str:
        if self.engagement_id is not None:
            return f"diagnostic:{self.contract_id}:{self.engagement_id}"
        return f"advisory:{self.contract_id}:{self.month:%Y-%m}"

    @property
    def month_end(self) -> date | None:
        return None if self.month is None else add_months(self.month, 1) - timedelta(days=1)

    def _log_lookups(self) -> dict[str, Any]:
        if self.engagement_id is not None:
            return {"kind": WorkLog.Kind.DIAGNOSTIC, "engagement_id": self.engagement_id}
        return {"kind": WorkLog.Kind.ADVISORY, "performed_on__range": (self.month, self.month_end)}

    def work_logs(self) -> Q:
        """Select the unit's work logs, billable or not."""
        return Q(contract_id=self.contract_id, **self._log_lookups())

    def entries(self) -> Q:
        """Select the stream's entries: its own and the old per-log entries of its work logs."""
        legacy = {f"work_log__{name}": value for name, value in self._log_lookups().items()}
        own = Q(source_key__startswith=f"{self.key}#")
        return Q(contract_id=self.contract_id) & (own | Q(**legacy))

    def dated(self, day: date) -> date:
        """Return ``day``, moved into the month for advisory work (the report of its month)."""
        if self.month is None or self.month_end is None:
            return day
        return min(max(day, self.month), self.month_end)


def effort_stream_of(work_log: WorkLog) -> EffortStream | None:
    """Return the stream a diagnostic or advisory log counts in (None for incident work)."""
    if work_log.kind == WorkLog.Kind.INCIDENT or work_log.contract_id is None:
        return None
    if work_log.kind == WorkLog.Kind.DIAGNOSTIC:
        return EffortStream(work_log.contract_id, engagement_id=work_log.engagement_id)
    return EffortStream(work_log.contract_id, month=work_log.performed_on.replace(day=1))


def effort_stream_from_key(source_key: str) -> EffortStream | None:
    """Return the stream an entry's ``source_key`` was posted under (None: another source)."""
    kind, _, rest = source_key.partition("#")[0].partition(":")
    contract_id, _, unit = rest.partition(":")
    try:
        if kind == WorkLog.Kind.DIAGNOSTIC:
            return EffortStream(int(contract_id), engagement_id=int(unit))
        if kind == WorkLog.Kind.ADVISORY:
            month = date.fromisoformat(f"{unit}-01")
            return EffortStream(int(contract_id), month=month)
    except ValueError:
        return None
    return None


@transaction.atomic
def ledger_sync_effort(
    *, stream: EffortStream, actor: Any, now: datetime | None = None
) -> LedgerEntry | None:
    """Deduct the unit's billable effort, rounded half-up to 0.01 M/M once (a delta or nothing).

    The first entry is dated on the unit's last day of billable work, later corrections today;
    advisory entries stay inside their month.
    """
    now = clock.resolve(now)
    contract = contract_lock(stream.contract_id)
    effort = WorkLog.objects.filter(stream.work_logs(), billable=True).aggregate(
        hours=Sum("hours", default=ZERO), last_day=Max("performed_on")
    )
    ledger_stream = Stream(
        key=stream.key,
        existing=stream.entries(),
        first_kind=Kind.DEDUCTION,
        delta_kind=Kind.ADJUSTMENT,
    )
    posted = LedgerEntry.objects.filter(ledger_stream.existing).exists()
    day = effort["last_day"] if effort["last_day"] and not posted else local_date(now)
    entry = stream_sync(
        ledger_stream,
        contract=contract,
        target=-rules.effort_mm(effort["hours"], contract.hours_per_mm),
        hours=effort["hours"],
        effective_on=stream.dated(day),
        actor=actor,
        now=now,
        engagement_id=stream.engagement_id,
    )
    if entry is not None:
        alerts_check(contract=contract, now=now)
    return entry


def ledger_sync_work_log(
    *, work_log: WorkLog, actor: Any, now: datetime | None = None
) -> LedgerEntry | None:
    """Sync the stream a diagnostic or advisory log counts in (nothing for incident work)."""
    stream = effort_stream_of(work_log)
    if stream is None:
        return None
    return ledger_sync_effort(stream=stream, actor=actor, now=now)
