"""Reads for the operations dashboard and the metrics pages.

Every figure is computed in the database (grouped aggregates, months truncated in the firm's
zone) and, where another app already computes it, through that app's selector: the month's
response SLO attainment and the contracts' utilisation come from the retainer's monthly
overview (``incident_month_stats`` underneath), who is on call from ``oncall.selectors``, the
pages an engineer received from ``pages_received`` (the fairness report's seam). Each function
runs a fixed number of queries whatever the number of incidents.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.access import SUPPORT_GROUP
from incidents.escalation.models import Timer
from incidents.models import OPEN_STATUSES, Incident, Severity, Status
from incidents.selectors import IncidentMonthStats, incident_slo_by_month
from oncall.selectors import pages_received
from retainer.reports.monthly import OverviewRow, monthly_overview, percent
from retainer.rules import add_months

UTILISATION_ALERT = Decimal(80)  # the account manager's first utilisation alert (DESIGN §5)
AWAITING_LIMIT = 50
OVERDUE_LIMIT = 10
MAX_MONTHS = 36


def zone() -> Any:
    """Return the firm's zone (Asia/Seoul unless configured): months are its months."""
    return timezone.get_default_timezone()


def local_month(moment: datetime) -> date:
    """Return the first day of the firm's month that ``moment`` falls in."""
    return timezone.localdate(moment, zone()).replace(day=1)


def month_start(month: date) -> datetime:
    return datetime.combine(month.replace(day=1), time(0), tzinfo=zone())


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenCounts:
    """Open incidents by severity (rows) and status (columns)."""

    cells: dict[tuple[int, str], int]

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per severity: its label, a count per open status and the total."""
        return [
            {
                "severity": severity,
                "label": severity.label,
                "counts": [self.cells.get((severity.value, s), 0) for s in OPEN_STATUSES],
                "total": sum(self.cells.get((severity.value, s), 0) for s in OPEN_STATUSES),
            }
            for severity in Severity
        ]

    def by_status(self) -> list[int]:
        return [sum(v for (_sev, s), v in self.cells.items() if s == st) for st in OPEN_STATUSES]


def open_incident_counts() -> OpenCounts:
    """Count open incidents per severity and status (one grouped query)."""
    rows = (
        Incident.objects.open().values_list("severity", "status").annotate(n=Count("id")).order_by()
    )
    return OpenCounts(cells={(severity, status): n for severity, status, n in rows})


def awaiting_acknowledgement(*, limit: int = AWAITING_LIMIT) -> list[Incident]:
    """Return new (unacknowledged) incidents, the closest response deadline first (one query)."""
    return list(
        Incident.objects.filter(status=Status.NEW)
        .select_related("customer")
        .only(
            "key",
            "summary",
            "severity",
            "status",
            "reported_at",
            "response_due_at",
            "customer__name",
        )
        .order_by("response_due_at", "number")[:limit]
    )


@dataclass(frozen=True)
class MonthSlo:
    """The month's response SLO over every contract, as the monthly M/M report counts it."""

    month: date
    met: int
    total: int

    @property
    def attainment(self) -> Decimal | None:
        return percent(self.met, self.total)

    @property
    def breached(self) -> int:
        return self.total - self.met


@dataclass(frozen=True)
class ContractsPicture:
    """This month's overview: contracts at or above the alert threshold, and the SLO."""

    high_utilisation: list[OverviewRow]
    slo: MonthSlo


def contracts_picture(*, now: datetime) -> ContractsPicture:
    """Read this month's M/M overview once (three queries) for utilisation and the SLO."""
    month = local_month(now)
    rows = monthly_overview(month=month, sort="utilisation")
    high = [r for r in rows if r.utilisation is not None and r.utilisation >= UTILISATION_ALERT]
    slo = MonthSlo(
        month=month,
        met=sum(r.incidents.slo_met for r in rows),
        total=sum(r.incidents.slo_total for r in rows),
    )
    return ContractsPicture(high_utilisation=high, slo=slo)


@dataclass(frozen=True)
class Overdue:
    """The first overdue rows (the longest overdue first) and how many there are in all."""

    rows: list[Any]
    total: int


def overdue_postmortems(*, now: datetime, limit: int = OVERDUE_LIMIT) -> tuple[Overdue, Overdue]:
    """Return overdue post-mortems and overdue action items (the post-mortems app's selectors),
    the first ``limit`` of each and their totals (four queries)."""
    from postmortems.selectors import action_item_overdue_list, postmortem_overdue_list

    today = timezone.localdate(now, zone())
    found = (postmortem_overdue_list(now=now), action_item_overdue_list(today=today))
    postmortems, items = (Overdue(list(rows[:limit]), rows.count()) for rows in found)
    return postmortems, items


# --- the metrics pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricsFilter:
    """What the metrics pages look at: a period of whole months, optionally one customer and
    one severity."""

    first_month: date
    last_month: date  # inclusive
    customer_id: int | None = None
    severity: int | None = None

    @property
    def start(self) -> datetime:
        return month_start(self.first_month)

    @property
    def end(self) -> datetime:
        return month_start(add_months(self.last_month, 1))

    @property
    def months(self) -> list[date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = add_months(month, 1)
        return months


def default_filter(*, now: datetime) -> MetricsFilter:
    """The last twelve months, this one included."""
    last = local_month(now)
    return MetricsFilter(first_month=add_months(last, -11), last_month=last)


def incidents_for(filters: MetricsFilter) -> QuerySet[Incident]:
    """Return the incidents reported in the period, for the customer and severity chosen."""
    incidents = Incident.objects.filter(reported_at__gte=filters.start, reported_at__lt=filters.end)
    if filters.customer_id is not None:
        incidents = incidents.filter(customer_id=filters.customer_id)
    if filters.severity is not None:
        incidents = incidents.filter(severity=filters.severity)
    return incidents


def _by_month(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.annotate(month=TruncMonth("reported_at", tzinfo=zone())).values("month")


def _month_of(value: datetime) -> date:
    return value.astimezone(zone()).date()


def _duration(expression: Any) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DurationField())


# DESIGN §2: TTD = detected - impact started; TTA = acknowledged - reported;
# TTR = resolved - impact started (or reported when unknown). The same as Incident's properties.
TTD = _duration(F("detected_at") - F("impact_started_at"))
TTA = _duration(F("acknowledged_at") - F("reported_at"))
TTR = _duration(F("resolved_at") - Coalesce("impact_started_at", "reported_at"))


@dataclass(frozen=True)
class ResponseTimes:
    """One month's means (None when nothing was measured) and how many incidents each covers."""

    month: date
    incidents: int = 0
    mtta: timedelta | None = None
    acknowledged: int = 0
    mttr: timedelta | None = None
    resolved: int = 0
    mttd: timedelta | None = None
    detected: int = 0


def response_times_by_month(filters: MetricsFilter) -> list[ResponseTimes]:
    """Return MTTA, MTTR and mean TTD per month of reporting (one grouped query).

    Cancelled incidents count in none of the means; TTD needs both the impact start and the
    detection time, so it covers the incidents where both were recorded.
    """
    has_ttd = Q(detected_at__isnull=False, impact_started_at__isnull=False)
    rows = (
        _by_month(incidents_for(filters).exclude(status=Status.CANCELLED))
        .annotate(
            incidents=Count("id"),
            mtta=Avg(TTA),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
            mttr=Avg(TTR),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
            mttd=Avg(TTD, filter=has_ttd),
            detected=Count("id", filter=has_ttd),
        )
        .order_by()
    )
    found = {_month_of(row.pop("month")): row for row in rows}
    return [ResponseTimes(month=m, **found.get(m, {})) for m in filters.months]


@dataclass(frozen=True)
class SloMonth:
    month: date
    stats: IncidentMonthStats

    @property
    def attainment(self) -> Decimal | None:
        return percent(self.stats.slo_met, self.stats.slo_total)

    @property
    def breached(self) -> int:
        return self.stats.slo_total - self.stats.slo_met


def slo_by_month(filters: MetricsFilter) -> list[SloMonth]:
    """Return the response SLO attainment per month, counted as the M/M report counts it."""
    found = incident_slo_by_month(incidents=incidents_for(filters), zone=zone())
    return [SloMonth(month=m, stats=found.get(m, IncidentMonthStats())) for m in filters.months]


def _fired_steps() -> QuerySet[Timer]:
    return Timer.objects.filter(kind=Timer.Kind.ESCALATION, state=Timer.State.DONE)


@dataclass(frozen=True)
class EscalationMonth:
    month: date
    incidents: int = 0
    paged: int = 0  # a first step paged someone
    escalated: int = 0  # nobody acknowledged that page: a later step paged too

    @property
    def rate(self) -> Decimal | None:
        return percent(self.escalated, self.paged)


def escalation_by_month(filters: MetricsFilter) -> list[EscalationMonth]:
    """Return per month how many paged incidents escalated past their first step (two queries).

    A fired escalation timer is a step that ran (``Timer`` done; a step with nothing left to do
    is cancelled). An incident escalated when a second step fired after its first: nobody
    acknowledged the first page in time. A severity 1 incident that starts at a later step by
    policy has not escalated by that alone. The steps are counted per incident in SQL and the
    incidents per month in Python: a nested EXISTS costs PostgreSQL's JIT more than it saves.
    """
    incidents = incidents_for(filters)
    totals = {
        _month_of(month): n
        for month, n in _by_month(incidents).annotate(n=Count("id")).values_list("month", "n")
    }
    fired = (
        _fired_steps()
        .filter(incident__in=incidents.values("pk"))
        .values("incident_id")
        .annotate(month=TruncMonth("incident__reported_at", tzinfo=zone()), steps=Count("id"))
        .values_list("month", "steps")
        .order_by()
    )
    paged: Counter[date] = Counter()
    escalated: Counter[date] = Counter()
    for month, steps in fired:
        paged[_month_of(month)] += 1
        escalated[_month_of(month)] += steps > 1
    return [
        EscalationMonth(month=m, incidents=totals.get(m, 0), paged=paged[m], escalated=escalated[m])
        for m in filters.months
    ]


@dataclass(frozen=True)
class GroupCount:
    """Incidents of one service or product in the period."""

    name: str
    customer: str
    incidents: int
    severe: int  # severity 1-2
    open: int


def _group_counts(incidents: QuerySet[Incident], prefix: str) -> list[GroupCount]:
    severe = Q(severity__lte=Severity.HIGH)
    rows = (
        incidents.filter(**{f"{prefix}__isnull": False})
        .values(f"{prefix}__id", f"{prefix}__name", f"{prefix}__customer__name")
        .annotate(
            n=Count("id", distinct=True),
            severe=Count("id", filter=severe, distinct=True),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES), distinct=True),
        )
        .order_by("-n", f"{prefix}__name", f"{prefix}__id")
    )
    return [
        GroupCount(
            name=row[f"{prefix}__name"],
            customer=row[f"{prefix}__customer__name"] or "",
            incidents=row["n"],
            severe=row["severe"],
            open=row["open"],
        )
        for row in rows
    ]


def incidents_by_service(filters: MetricsFilter) -> list[GroupCount]:
    """Return incident counts per faulty service in the period, most first (one query)."""
    return _group_counts(incidents_for(filters), "service")


def incidents_by_product(filters: MetricsFilter) -> list[GroupCount]:
    """Return incident counts per affected product in the period, most first (one query)."""
    return _group_counts(incidents_for(filters), "products")


@dataclass
class EngineerLoad:
    """The pages one engineer received, per month of the period."""

    user: Any
    per_month: dict[date, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.per_month.values())


def engineers() -> QuerySet[Any]:
    """Return the people who can be paged: active support engineers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=SUPPORT_GROUP)
        .order_by("username")
        .distinct()
    )


def oncall_load(
    filters: MetricsFilter, *, people: Iterable[Any] | None = None
) -> list[EngineerLoad]:
    """Return the pages each engineer received per month (two queries).

    Pages are counted as in the on-call fairness report (``pages_received``): one per incident
    paging step that reached the person. They are about people, not customers: the customer
    and severity filters don't apply.
    """
    users = list(engineers() if people is None else people)
    pages = pages_received(users, filters.start, filters.end)
    months = filters.months
    ends = [month_start(add_months(month, 1)) for month in months]
    loads = []
    for user in users:
        # Each list is in time order: cut it at the month ends instead of converting each page.
        times = sorted(pages.get(user.pk, []))
        cuts = [0, *(bisect_left(times, end) for end in ends)]
        per_month = {m: cuts[i + 1] - cuts[i] for i, m in enumerate(months)}
        loads.append(EngineerLoad(user=user, per_month=per_month))
    loads.sort(key=lambda load: (-load.total, load.user.get_username()))
    return loads
