"""One contract's monthly M/M report: figures, every ledger line of the month, the chart data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from core.people import person_name
from incidents.selectors import IncidentMonthStats, incident_month_stats
from retainer.models import USAGE_KINDS, Contract, LedgerEntry, WorkLog
from retainer.reports.monthly import (
    Figures,
    OverviewRow,
    ledger_figures,
    month_bounds,
    month_span,
    percent,
)
from retainer.rules import ZERO, add_months
from retainer.services.usage import EffortStream, effort_stream_from_key, effort_stream_of


@dataclass(frozen=True)
class ReportLine:
    """One line of the report: a ledger entry, or unbilled work the customer should see."""

    day: date
    kind: str
    reference: str
    engineers: str
    hours: Decimal | None
    mm: Decimal  # signed: negative uses M/M
    note: str


@dataclass(frozen=True)
class ChartPoint:
    month: date
    granted: Decimal
    cumulative_used: Decimal


@dataclass
class MonthlyReport:
    """Everything the page, the exports and the e-mail show for a contract and a month."""

    contract: Contract
    month: date
    figures: Figures
    incidents: IncidentMonthStats
    lines: list[ReportLine] = field(default_factory=list)
    chart: list[ChartPoint] = field(default_factory=list)

    @property
    def run_out(self) -> date | None:
        return self.figures.run_out(self.month)

    @property
    def slo_attainment(self) -> Decimal | None:
        return percent(self.incidents.slo_met, self.incidents.slo_total)

    @property
    def postmortems_on_time(self) -> Decimal | None:
        return percent(self.incidents.postmortems_on_time, self.incidents.postmortems_due)

    @property
    def deducted_hours(self) -> Decimal:
        return sum((line.hours or ZERO for line in self.lines if line.mm < 0), ZERO)


def _engineers_by_incident(incident_ids: list[int]) -> dict[int, str]:
    names: dict[int, set[str]] = defaultdict(set)
    rows = WorkLog.objects.filter(incident_id__in=incident_ids).values_list(
        "incident_id", "engineer__first_name", "engineer__last_name", "engineer__username"
    )
    for incident_id, first, last, username in rows:
        names[incident_id].add(f"{last}{first}".strip() or username)
    return {pk: ", ".join(sorted(found)) for pk, found in names.items()}


def _engineers_by_stream(streams: set[EffortStream]) -> dict[str, str]:
    """Return the engineers of each diagnostic or advisory stream's billable work by key."""
    if not streams:
        return {}
    selected = Q()
    for stream in streams:
        selected |= stream.work_logs()
    names: dict[str, set[str]] = defaultdict(set)
    for log in WorkLog.objects.filter(selected, billable=True).select_related("engineer"):
        if (stream := effort_stream_of(log)) is not None:
            names[stream.key].add(person_name(log.engineer))
    return {key: ", ".join(sorted(found)) for key, found in names.items()}


def _reference(entry: LedgerEntry) -> str:
    if entry.reverses_id and (original := entry.reverses) is not None:
        return _("Reverses %(date)s %(reference)s") % {
            "date": original.effective_on.isoformat(),
            "reference": _reference(original) or original.get_kind_display(),
        }
    if entry.incident_id:
        return f"{entry.incident.key} {entry.incident.summary}"
    if entry.work_log_id:
        work = entry.work_log
        return str(work.engagement.title if work.engagement_id else work.get_kind_display())
    if entry.engagement_id:
        return entry.engagement.title
    if (stream := effort_stream_from_key(entry.source_key)) and stream.month is not None:
        return str(WorkLog.Kind.ADVISORY.label)
    if entry.related_contract_id:
        return entry.related_contract.code
    return ""


def _entry_lines(contract: Contract, first: date, last: date) -> list[ReportLine]:
    entries = list(
        LedgerEntry.objects.filter(contract=contract, effective_on__range=(first, last))
        .select_related("incident", "engagement", "work_log__engineer", "work_log__engagement")
        .select_related("related_contract", "reverses__incident", "reverses__work_log__engagement")
        .select_related("reverses__engagement")
        .order_by("effective_on", "id")
    )
    engineers = _engineers_by_incident([e.incident_id for e in entries if e.incident_id])
    streams = {effort_stream_from_key(e.source_key) for e in entries}
    stream_engineers = _engineers_by_stream({s for s in streams if s is not None})
    lines = []
    for entry in entries:
        who = engineers.get(entry.incident_id, "") if entry.incident_id else ""
        if entry.work_log_id:
            who = person_name(entry.work_log.engineer)
        elif stream := effort_stream_from_key(entry.source_key):
            who = stream_engineers.get(stream.key, "")
        note = entry.memo or (entry.work_log.billable_note if entry.work_log_id else "")
        lines.append(
            ReportLine(
                day=entry.effective_on,
                kind=entry.get_kind_display(),
                reference=_reference(entry),
                engineers=who,
                hours=entry.hours,
                mm=entry.amount,
                note=note,
            )
        )
    return lines


def _unbilled_lines(contract: Contract, first: date, last: date) -> list[ReportLine]:
    """Return work done in the month that was not deducted, with the reason shown."""
    logs = (
        WorkLog.objects.filter(contract=contract, billable=False)
        .filter(performed_on__range=(first, last))
        .select_related("engineer", "incident", "engagement")
    )
    return [
        ReportLine(
            day=log.performed_on,
            kind=_("Not deducted"),
            reference=(log.incident.key if log.incident_id else "")
            or (log.engagement.title if log.engagement_id else log.get_kind_display()),
            engineers=person_name(log.engineer),
            hours=log.hours,
            mm=ZERO,
            note=log.billable_note,
        )
        for log in logs
    ]


def _chart(contract: Contract, month: date) -> list[ChartPoint]:
    """Return granted vs cumulative use at each month's end, from the year's start to ``month``."""
    first_month = contract.starts_on.replace(day=1)
    rows = (
        LedgerEntry.objects.filter(contract=contract, effective_on__lte=month_bounds(month)[1])
        .annotate(month=TruncMonth("effective_on"))
        .values("month", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    granted: dict[date, Decimal] = defaultdict(lambda: ZERO)
    used: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row["kind"] in USAGE_KINDS:
            used[row["month"]] -= row["total"]
        elif row["kind"] in (LedgerEntry.Kind.ALLOTMENT, LedgerEntry.Kind.CARRY_IN):
            granted[row["month"]] += row["total"]
    points, total_granted, total_used, current = [], ZERO, ZERO, first_month
    while current <= month:
        total_granted += granted[current]
        total_used += used[current]
        points.append(ChartPoint(current, total_granted, total_used))
        current = add_months(current, 1)
    return points


def monthly_report(*, contract: Contract, month: date) -> MonthlyReport:
    """Build the contract's report for ``month`` (a fixed handful of queries)."""
    month = month.replace(day=1)
    first, last = month_bounds(month)
    start, end = month_span(month)
    stats = incident_month_stats(contract_ids=[contract.pk], start=start, end=end)
    lines = _entry_lines(contract, first, last) + _unbilled_lines(contract, first, last)
    return MonthlyReport(
        contract=contract,
        month=month,
        figures=ledger_figures([contract], month)[contract.pk],
        incidents=stats.get(contract.pk, IncidentMonthStats()),
        lines=sorted(lines, key=lambda line: line.day),
        chart=_chart(contract, month),
    )


__all__ = ["MonthlyReport", "OverviewRow", "ReportLine", "monthly_report"]
