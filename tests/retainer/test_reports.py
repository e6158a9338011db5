"""The monthly M/M report: figures from the ledger, lines, SLO, run-out, exports' text."""

import csv
import io
import itertools
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from incidents.models import Status
from incidents.services import incident_resolve
from retainer.models import WorkLog
from retainer.reports.chart import axis_ticks, chart_svg, tick_text
from retainer.reports.detail import ChartPoint, monthly_report
from retainer.reports.exports import mm, report_csv, report_xlsx
from retainer.reports.monthly import monthly_overview
from retainer.reports.pdf import report_pdf
from retainer.services import ledger_post_adjustment, ledger_reverse_entry, worklog_create
from tests.incidents.factories import incident_in_status
from tests.retainer.conftest import seoul
from tests.retainer.factories import contract_with_allotment

MARCH = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _english():
    """Labels are checked in English; the PDF test switches to Korean itself."""
    with translation.override("en"):
        yield


def _advise(contract, engineer, hours, day, **extra):
    return worklog_create(
        actor=engineer,
        kind=WorkLog.Kind.ADVISORY,
        contract=contract,
        hours=D(hours),
        performed_on=day,
        description="Schema review",
        **extra,
    )


@pytest.fixture
def busy(contract, engineer, manager, clock):
    """Jan: 16 h advice; Feb: 32 h; Mar: a 90 h incident (1.0) and unbilled work."""
    _advise(contract, engineer, "16", date(2026, 1, 20))
    _advise(contract, engineer, "32", date(2026, 2, 10))
    incident = incident_in_status(
        Status.ACKNOWLEDGED,
        actor=engineer,
        reported_at=seoul(2026, 3, 10, 9, 0),
        customer=contract.customer,
        summary="주문 API 장애",
    )
    worklog_create(actor=engineer, kind="incident", incident=incident, hours=D("90"))
    incident_resolve(incident=incident, actor=engineer, now=seoul(2026, 3, 10, 18, 0))
    _advise(contract, engineer, "4", date(2026, 3, 12), billable=False, billable_note="당사 귀책")
    return incident


def test_figures_come_from_the_ledger(busy, contract):
    report = monthly_report(contract=contract, month=MARCH)
    f = report.figures

    assert (f.opening, f.used_in_month, f.closing) == (D("11.7"), D("1"), D("10.7"))
    assert (f.granted, f.used, f.utilisation) == (D("12"), D("1.3"), D("10.8"))
    assert f.burn_rate == D("0.4333")  # 1.3 M/M over Jan-Mar
    assert report.run_out == date(2028, 4, 1)  # 10.7 / 0.4333 → 25 more months


def test_lines_explain_the_month(busy, contract, engineer):
    report = monthly_report(contract=contract, month=MARCH)
    lines = [(ln.day, ln.kind, ln.hours, ln.mm, ln.note) for ln in report.lines]

    assert lines == [
        (date(2026, 3, 10), "Deduction", D("90"), D("-1"), ""),
        (date(2026, 3, 12), "Not deducted", D("4"), D("0"), "당사 귀책"),
    ]
    assert report.lines[0].reference.startswith(busy.key)
    assert report.lines[0].engineers == f"{engineer.last_name}{engineer.first_name}"
    assert report.figures.opening + sum(ln.mm for ln in report.lines) == report.figures.closing


def test_slo_attainment_and_postmortems(busy, contract, clock):
    clock.move_to(seoul(2026, 4, 1, 9, 0))
    report = monthly_report(contract=contract, month=MARCH)

    assert (report.incidents.slo_met, report.incidents.slo_total) == (1, 1)
    assert report.slo_attainment == D("100.0")
    # severity 2 resolved 10 March: its post-mortem was due on the 13th and never published
    assert (report.incidents.postmortems_on_time, report.incidents.postmortems_due) == (0, 1)


def test_chart_series(busy, contract):
    report = monthly_report(contract=contract, month=MARCH)

    assert [(p.month, p.granted, p.cumulative_used) for p in report.chart] == [
        (date(2026, 1, 1), D("12"), D("0.1")),
        (date(2026, 2, 1), D("12"), D("0.3")),
        (date(2026, 3, 1), D("12"), D("1.3")),
    ]
    svg = str(chart_svg(report.chart))
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "style=" not in svg


def test_months_of_a_year_add_up_to_the_year(busy, contract):
    months = [date(2026, m, 1) for m in range(1, 13)]
    reports = [monthly_report(contract=contract, month=m) for m in months]

    for before, after in itertools.pairwise(reports):
        assert before.figures.closing == after.figures.opening
    assert sum(r.figures.used_in_month for r in reports) == reports[-1].figures.used


def test_overview_query_count_is_constant(contract, engineer, manager, clock):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            monthly_overview(month=MARCH)
        return len(queries)

    few = count()
    for _ in range(5):
        extra = contract_with_allotment(mm="6")
        ledger_post_adjustment(contract=extra, amount=D("-1"), memo="x", actor=manager)
    assert count() == few == 3


def test_overview_sorts_by_utilisation(contract, manager, clock):
    high = contract_with_allotment(mm="2")
    ledger_post_adjustment(contract=high, amount=D("-1.5"), memo="x", actor=manager)

    rows = monthly_overview(month=MARCH)

    assert [row.contract for row in rows] == [high, contract]
    assert [row.utilisation for row in rows] == [D("75.0"), D("0.0")]


def test_csv_text(busy, contract):
    text = report_csv(monthly_report(contract=contract, month=MARCH)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))

    assert ["Closing balance (M/M)", "10.70"] in rows
    assert ["Utilisation", "10.8%"] in rows
    assert any(row[:2] == ["2026-03-10", "Deduction"] and row[5] == "-1.00" for row in rows)


def test_xlsx_text(busy, contract):
    book = load_workbook(io.BytesIO(report_xlsx(monthly_report(contract=contract, month=MARCH))))
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]

    summary = {row[0]: row[1] for row in values if row and row[0]}
    # Figures are numbers a spreadsheet can add up, each beside its own label.
    assert summary["Opening balance (M/M)"] == pytest.approx(11.7)
    assert summary["Closing balance (M/M)"] == pytest.approx(10.7)
    assert summary["Used this month (M/M)"] == pytest.approx(1)
    assert summary["Utilisation"] == pytest.approx(0.108)
    assert summary["Customer"] == contract.customer.name
    assert summary["Projected run-out"]  # still a text
    assert any(row[1] == "Deduction" and row[5] == -1 for row in values)


def test_pdf_in_korean_embeds_the_font(busy, contract, settings):
    with translation.override("ko"):
        data = report_pdf(monthly_report(contract=contract, month=MARCH))

    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "월간 M/M 리포트" in text
    assert "주문 API 장애" in text
    assert "당사 귀책" in text
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object().values()
    assert any("Nanum" in str(font.get_object()["/BaseFont"]) for font in fonts)
    assert b"/FontFile2" in data  # the TrueType font program is embedded


def test_a_reversal_line_names_what_it_reverses(contract, manager, clock):
    entry = ledger_post_adjustment(
        contract=contract, amount=D("-0.5"), memo="Workshop", actor=manager
    )
    ledger_reverse_entry(entry=entry, memo="Charged twice", actor=manager)

    lines = monthly_report(contract=contract, month=MARCH).lines

    assert [(ln.mm, ln.reference, ln.note) for ln in lines] == [
        (D("-0.5"), "", "Workshop"),
        (D("0.5"), "Reverses 2026-03-10 Adjustment", "Charged twice"),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [("0", "0.00"), ("-0.0000", "0.00"), ("12", "12.00"), ("-1", "-1.00"), ("0.4333", "0.4333")],
)
def test_amounts_show_at_least_two_decimals(value, text):
    assert mm(D(value)) == text


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        ("12", ["0", "5", "10", "15"]),
        ("2.4", ["0", "1", "2", "3"]),
        ("60", ["0", "20", "40", "60", "80"]),
    ],
)
def test_chart_gridlines_are_round_numbers(peak, ticks):
    point = ChartPoint(MARCH, D(peak), D("0"))
    assert [tick_text(t) for t in axis_ticks([point])] == ticks
