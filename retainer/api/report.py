"""The monthly M/M report as JSON: decimals as strings, dates as ISO strings, never float."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from retainer.reports.detail import MonthlyReport


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_json(report: MonthlyReport) -> dict[str, Any]:
    """Return the report's figures, SLO counts, lines and chart series."""
    f = report.figures
    figures = {
        name: _value(getattr(f, name))
        for name in (
            "opening",
            "closing",
            "granted",
            "used",
            "used_in_month",
            "remaining",
            "overage",
            "burn_rate",
            "utilisation",
        )
    }
    return {
        "contract": report.contract.pk,
        "contract_code": report.contract.code,
        "customer": report.contract.customer.name,
        "month": f"{report.month:%Y-%m}",
        **figures,
        "projected_run_out": f"{report.run_out:%Y-%m}" if report.run_out else None,
        "response_slo": {
            "met": report.incidents.slo_met,
            "total": report.incidents.slo_total,
            "attainment": _value(report.slo_attainment),
        },
        "postmortems": {
            "on_time": report.incidents.postmortems_on_time,
            "due": report.incidents.postmortems_due,
            "attainment": _value(report.postmortems_on_time),
        },
        "lines": [{k: _value(v) for k, v in asdict(line).items()} for line in report.lines],
        "chart": [{k: _value(v) for k, v in asdict(p).items()} for p in report.chart],
    }
