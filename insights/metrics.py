"""The metrics pages: what each shows (tables and charts) from ``insights.selectors``.

A page is a list of tables; each table is what the page shows and what its CSV export holds
(raw values, formatted for people in the template and for spreadsheets in the CSV).
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.people import person_name
from insights import charts, selectors
from insights.selectors import MetricsFilter
from retainer.reports.exports import percent_text

TEXT, INT, MINUTES, PERCENT, MONTH = "text", "int", "minutes", "percent", "month"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = INT

    @property
    def numeric(self) -> bool:
        return self.kind not in (TEXT, MONTH)


@dataclass
class Table:
    """One table of a page: its columns, rows of raw values and the chart drawn from it."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    chart: SafeString | str = ""

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Return each cell as (text for people, is a number)."""
        return [
            [(cell_text(v, c.kind), c.numeric) for v, c in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]


def minutes(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 60


def cell_text(value: Any, kind: str) -> str:
    """Format a value for people."""
    if value is None:
        return "—"
    if kind == MINUTES:
        return charts.minutes_text(minutes(value) or 0)
    if kind == PERCENT:
        return percent_text(value)
    if kind == MONTH:
        return f"{value:%Y-%m}"
    return str(value)


def csv_text(value: Any, kind: str) -> str:
    """Format a value for a spreadsheet: minutes and percentages as plain numbers."""
    if value is None:
        return ""
    if kind == MINUTES:
        return f"{minutes(value):.1f}"
    if kind == MONTH:
        return f"{value:%Y-%m}"
    return str(value)


def table_csv(table: Table) -> bytes:
    """Return the table as CSV (UTF-8 with BOM, so spreadsheet programs read Korean)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _month_labels(filters: MetricsFilter) -> list[str]:
    return [f"{month:%y.%m}" for month in filters.months]


def _percent_value(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _percent_axis(value: float) -> str:
    return f"{value:g}%"


def response_times(filters: MetricsFilter) -> list[Table]:
    rows = selectors.response_times_by_month(filters)
    chart = charts.line_chart(
        _month_labels(filters),
        [
            charts.Series(_("MTTA"), [minutes(r.mtta) for r in rows]),
            charts.Series(_("MTTR"), [minutes(r.mttr) for r in rows]),
            charts.Series(_("Mean TTD"), [minutes(r.mttd) for r in rows]),
        ],
        fmt=charts.minutes_text,
        label=_("Mean times to acknowledge, resolve and detect by month"),
    )
    columns = [
        Column(_("Month"), MONTH),
        Column(_("Incidents")),
        Column(_("MTTA"), MINUTES),
        Column(_("Acknowledged")),
        Column(_("MTTR"), MINUTES),
        Column(_("Resolved")),
        Column(_("Mean TTD"), MINUTES),
        Column(_("Detection recorded")),
    ]
    values = [
        [r.month, r.incidents, r.mtta, r.acknowledged, r.mttr, r.resolved, r.mttd, r.detected]
        for r in rows
    ]
    return [Table("times", _("Response times by month"), columns, values, chart)]


def slo(filters: MetricsFilter) -> list[Table]:
    rows = selectors.slo_by_month(filters)
    chart = charts.line_chart(
        _month_labels(filters),
        [charts.Series(_("Response SLO met"), [_percent_value(r.attainment) for r in rows])],
        fmt=_percent_axis,
        label=_("Response SLO attainment by month"),
        top=100,
    )
    columns = [
        Column(_("Month"), MONTH),
        Column(_("Incidents counted")),
        Column(_("Met")),
        Column(_("Breached")),
        Column(_("Attainment"), PERCENT),
    ]
    values = [[r.month, r.stats.slo_total, r.stats.slo_met, r.breached, r.attainment] for r in rows]
    return [Table("slo", _("Response SLO attainment by month"), columns, values, chart)]


def escalation(filters: MetricsFilter) -> list[Table]:
    rows = selectors.escalation_by_month(filters)
    chart = charts.line_chart(
        _month_labels(filters),
        [charts.Series(_("Escalation rate"), [_percent_value(r.rate) for r in rows])],
        fmt=_percent_axis,
        label=_("Share of paged incidents that escalated past the first step, by month"),
        top=100,
    )
    columns = [
        Column(_("Month"), MONTH),
        Column(_("Incidents")),
        Column(_("Paged")),
        Column(_("Escalated past the first step")),
        Column(_("Escalation rate"), PERCENT),
    ]
    values = [[r.month, r.incidents, r.paged, r.escalated, r.rate] for r in rows]
    return [Table("escalation", _("Escalation rate by month"), columns, values, chart)]


def _group_table(slug: str, title: str, name: str, rows: list[selectors.GroupCount]) -> Table:
    chart = charts.bar_chart(
        [(f"{r.name} ({r.customer})" if r.customer else r.name, r.incidents) for r in rows],
        fmt=lambda value: f"{value:g}",
        label=title,
    )
    columns = [
        Column(name, TEXT),
        Column(_("Customer"), TEXT),
        Column(_("Incidents")),
        Column(_("Severity 1-2")),
        Column(_("Open")),
    ]
    values = [[r.name, r.customer, r.incidents, r.severe, r.open] for r in rows]
    return Table(slug, title, columns, values, chart)


def services(filters: MetricsFilter) -> list[Table]:
    return [
        _group_table(
            "services",
            _("Incidents by faulty service"),
            _("Service"),
            selectors.incidents_by_service(filters),
        ),
        _group_table(
            "products",
            _("Incidents by affected product"),
            _("Product"),
            selectors.incidents_by_product(filters),
        ),
    ]


def _person(user: Any) -> str:
    return person_name(user)


def oncall(filters: MetricsFilter) -> list[Table]:
    loads = selectors.oncall_load(filters)
    chart = charts.bar_chart(
        [(_person(load.user), load.total) for load in loads if load.total],
        fmt=lambda value: f"{value:g}",
        label=_("Pages received per engineer"),
    )
    months: list[date] = filters.months
    columns = [
        Column(_("Engineer"), TEXT),
        *[Column(f"{month:%Y-%m}") for month in months],
        Column(_("Total")),
    ]
    values = [
        [_person(load.user), *[load.per_month.get(m, 0) for m in months], load.total]
        for load in loads
    ]
    return [Table("oncall", _("Pages received per engineer and month"), columns, values, chart)]


@dataclass(frozen=True)
class Page:
    """One metrics page: its URL name, title, what it explains and how it builds its tables."""

    slug: str
    title: Promise
    help: Promise
    build: Callable[[MetricsFilter], list[Table]]
    ignores: tuple[str, ...] = field(default=())  # filters that don't apply to this page


PAGES = (
    Page(
        "times",
        gettext_lazy("Response times"),
        gettext_lazy(
            "Means per month of reporting: MTTA = acknowledged - reported; MTTR = resolved - "
            "impact started (or reported when unknown); TTD = detected - impact started. "
            "Cancelled incidents are left out."
        ),
        response_times,
    ),
    Page(
        "slo",
        gettext_lazy("SLO attainment"),
        gettext_lazy(
            "Incidents under a contract acknowledged within the response target, per month of "
            "reporting, counted as in the monthly M/M report (incidents cancelled before anyone "
            "acknowledged them are not counted)."
        ),
        slo,
    ),
    Page(
        "escalation",
        gettext_lazy("Escalation rate"),
        gettext_lazy(
            "Of the incidents whose first escalation step paged someone, the share where nobody "
            "acknowledged in time and a later step paged too."
        ),
        escalation,
    ),
    Page(
        "services",
        gettext_lazy("Services and products"),
        gettext_lazy("Incidents reported in the period per faulty service and affected product."),
        services,
    ),
    Page(
        "oncall",
        gettext_lazy("On-call load"),
        gettext_lazy(
            "Pages each support engineer received (one per incident and escalation step, as in "
            "the on-call fairness report). Pages are about people: customer and severity "
            "filters don't apply."
        ),
        oncall,
        ignores=("customer", "severity"),
    ),
)
PAGES_BY_SLUG = {page.slug: page for page in PAGES}
