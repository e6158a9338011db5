"""The monthly M/M report of a contract, and the overview of every contract for a month.

Figures come only from the ledger (plus incident SLO counts from ``incidents.selectors``).
The overview runs a fixed number of queries whatever the number of contracts: the contracts,
one grouped ledger aggregate, one grouped incident aggregate.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from incidents.selectors import IncidentMonthStats, incident_month_stats
from retainer import rules
from retainer.models import GRANT_KINDS, USAGE_KINDS, Contract, LedgerEntry
from retainer.rules import ZERO, add_months

BURN_MONTHS = 3  # the trailing window of the burn rate behind the projected run-out


def month_bounds(month: date) -> tuple[date, date]:
    """Return the first and the last day of ``month``."""
    first = month.replace(day=1)
    return first, add_months(first, 1) - timedelta(days=1)


def month_span(month: date) -> tuple[datetime, datetime]:
    """Return [start, end) of ``month`` as aware datetimes in the firm's zone."""
    zone = timezone.get_default_timezone()
    first = month.replace(day=1)
    start = datetime.combine(first, time(0), tzinfo=zone)
    return start, datetime.combine(add_months(first, 1), time(0), tzinfo=zone)


# Months a report can be about: the arithmetic around a month (the burn-rate window before it,
# the month after it) must stay inside ``date``'s years 1-9999.
MONTH_YEARS = range(1900, 9000)


def parse_month(value: str | None, *, default: date | None) -> date | None:
    """Return the first day of a ``YYYY-MM`` month, or ``default`` (its month's first day)
    when absent or invalid."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if year not in MONTH_YEARS:
            raise ValueError(year)
        return date(year, month, 1)
    except ValueError:
        return default.replace(day=1) if default is not None else None


@dataclass(frozen=True)
class Figures:
    """The ledger figures of one contract for one month (all Decimal M/M)."""

    opening: Decimal = ZERO
    closing: Decimal = ZERO
    granted: Decimal = ZERO  # allotment + carry-in up to the month's end
    used: Decimal = ZERO  # used up to the month's end
    used_in_month: Decimal = ZERO
    burn: Decimal = ZERO  # used in the trailing window
    burn_months: int = 1

    @property
    def utilisation(self) -> Decimal | None:
        return rules.utilisation_percent(self.used, self.granted)

    @property
    def remaining(self) -> Decimal:
        return self.closing

    @property
    def overage(self) -> Decimal:
        return max(ZERO, -self.closing)

    @property
    def burn_rate(self) -> Decimal:
        return (self.burn / self.burn_months).quantize(rules.MM_PLACES)

    def run_out(self, month: date) -> date | None:
        return rules.projected_run_out(
            month=month, remaining=self.closing, burn_per_month=self.burn_rate
        )


def _usage(extra: Q | None = None) -> Sum:
    condition = Q(kind__in=USAGE_KINDS) if extra is None else Q(kind__in=USAGE_KINDS) & extra
    return Sum("amount", filter=condition, default=ZERO)


def _burn_months(contract: Contract, month: date) -> int:
    start = max(contract.starts_on.replace(day=1), add_months(month, 1 - BURN_MONTHS))
    return max(1, (month.year - start.year) * 12 + month.month - start.month + 1)


def ledger_figures(contracts: list[Contract], month: date) -> dict[int, Figures]:
    """Return each contract's figures for ``month`` from one grouped ledger query."""
    first, last = month_bounds(month)
    burn_start = add_months(first, 1 - BURN_MONTHS)
    rows = (
        LedgerEntry.objects.filter(contract__in=[c.pk for c in contracts], effective_on__lte=last)
        .values("contract_id")
        .annotate(
            opening=Sum("amount", filter=Q(effective_on__lt=first), default=ZERO),
            closing=Sum("amount", default=ZERO),
            granted=Sum("amount", filter=Q(kind__in=GRANT_KINDS), default=ZERO),
            used=_usage(),
            used_in_month=_usage(Q(effective_on__gte=first)),
            burn=_usage(Q(effective_on__gte=burn_start)),
        )
        .order_by()
    )
    found = {row.pop("contract_id"): row for row in rows}
    figures = {}
    for contract in contracts:
        row = found.get(contract.pk)
        if row is None:
            figures[contract.pk] = Figures(burn_months=_burn_months(contract, first))
            continue
        for name in ("used", "used_in_month", "burn"):
            row[name] = -row[name]
        figures[contract.pk] = Figures(**row, burn_months=_burn_months(contract, first))
    return figures


@dataclass
class OverviewRow:
    """One contract's line in the monthly overview."""

    contract: Contract
    figures: Figures
    incidents: IncidentMonthStats
    month: date
    run_out: date | None = field(init=False)

    def __post_init__(self) -> None:
        self.run_out = self.figures.run_out(self.month)

    @property
    def utilisation(self) -> Decimal | None:
        return self.figures.utilisation

    @property
    def slo_attainment(self) -> Decimal | None:
        return percent(self.incidents.slo_met, self.incidents.slo_total)


def percent(part: int, whole: int) -> Decimal | None:
    """Return part ÷ whole as a percentage with one decimal (None when whole is 0)."""
    if not whole:
        return None
    return rules.utilisation_percent(Decimal(part), Decimal(whole))


def contracts_in_month(month: date) -> QuerySet[Contract]:
    """Return the non-draft contracts whose period overlaps ``month``."""
    first, last = month_bounds(month)
    return (
        Contract.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .exclude(status=Contract.Status.DRAFT)
        .select_related("customer", "account_manager")
        .order_by("customer__name", "code")
    )


SORTS = {
    "utilisation": lambda row: (row.utilisation is None, -(row.utilisation or 0)),
    "customer": lambda row: (row.contract.customer.name, row.contract.code),
    "remaining": lambda row: row.figures.remaining,
}


def monthly_overview(
    *, month: date, contracts: QuerySet[Contract] | None = None, sort: str = "utilisation"
) -> list[OverviewRow]:
    """Return every contract's line for ``month`` (three queries), sorted as asked."""
    listed = list(contracts if contracts is not None else contracts_in_month(month))
    figures = ledger_figures(listed, month)
    start, end = month_span(month)
    stats = incident_month_stats(contract_ids=[c.pk for c in listed], start=start, end=end)
    rows = [
        OverviewRow(
            contract=c,
            figures=figures[c.pk],
            incidents=stats.get(c.pk, IncidentMonthStats()),
            month=month,
        )
        for c in listed
    ]
    return sorted(rows, key=SORTS.get(sort, SORTS["utilisation"]))
