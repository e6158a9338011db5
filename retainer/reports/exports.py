"""The monthly report as CSV and XLSX: the same summary and lines as the page and the PDF."""

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from retainer.reports.detail import MonthlyReport, ReportLine


def mm(value: Decimal | None) -> str:
    """Return an M/M or hours amount with 2 to 4 decimals so columns align (0.50, 0.4333)."""
    if value is None:
        return ""
    if value == 0:
        return "0.00"  # never "-0.00"
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{value:.{places}f}"


def percent_text(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else "—"


def month_text(value: date | None) -> str:
    return date_format(value, "YEAR_MONTH_FORMAT") if value is not None else "—"


def _run_out_text(report: MonthlyReport) -> str:
    run_out = report.run_out
    if run_out is None:
        return _("Not at the current rate")
    text = month_text(run_out)
    if run_out > report.contract.ends_on:
        return _("%(month)s (after the contract ends)") % {"month": text}
    return text


def summary_items(report: MonthlyReport) -> list[tuple[str, str]]:
    """Return the report's headline figures as (label, value) pairs, translated."""
    f, stats = report.figures, report.incidents
    return [
        (_("Customer"), report.contract.customer.name),
        (_("Contract"), report.contract.code),
        (_("Month"), month_text(report.month)),
        (_("Opening balance (M/M)"), mm(f.opening)),
        (_("Used this month (M/M)"), mm(f.used_in_month)),
        (_("Closing balance (M/M)"), mm(f.closing)),
        (_("Granted this contract year (M/M)"), mm(f.granted)),
        (_("Used this contract year (M/M)"), mm(f.used)),
        (_("Utilisation"), percent_text(f.utilisation)),
        (_("Overage (M/M)"), mm(f.overage)),
        (_("Burn rate, trailing 3 months (M/M per month)"), mm(f.burn_rate)),
        (_("Projected run-out"), _run_out_text(report)),
        (
            _("Response SLO attainment"),
            f"{percent_text(report.slo_attainment)} ({stats.slo_met}/{stats.slo_total})",
        ),
        (
            _("Post-mortems delivered on time"),
            f"{percent_text(report.postmortems_on_time)} "
            f"({stats.postmortems_on_time}/{stats.postmortems_due})",
        ),
    ]


def line_headers() -> list[str]:
    return [
        _("Date"),
        _("Entry"),
        _("Incident or engagement"),
        _("Engineer"),
        _("Hours"),
        _("M/M"),
        _("Note"),
    ]


def line_values(line: ReportLine) -> list[str]:
    return [
        line.day.isoformat(),
        line.kind,
        line.reference,
        line.engineers,
        mm(line.hours),
        mm(line.mm),
        line.note,
    ]


def report_filename(report: MonthlyReport, extension: str) -> str:
    return f"mm-report-{report.contract.code}-{report.month:%Y-%m}.{extension}"


def report_csv(report: MonthlyReport) -> bytes:
    """Return the report as CSV (UTF-8 with BOM, so spreadsheet programs read Korean)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in summary_items(report):
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow(line_headers())
    for line in report.lines:
        writer.writerow(line_values(line))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
MM_FORMAT = "0.00##"
NUMBER_COLUMNS = (5, 6)


def _summary_numbers(report: MonthlyReport) -> dict[int, tuple[Decimal, str]]:
    """The summary rows (by position in ``summary_items``) that a spreadsheet gets as numbers,
    with their cell format: the M/M figures and the utilisation (a fraction shown as %)."""
    f = report.figures
    numbers: dict[int, tuple[Decimal, str]] = {
        3: (f.opening, MM_FORMAT),
        4: (f.used_in_month, MM_FORMAT),
        5: (f.closing, MM_FORMAT),
        6: (f.granted, MM_FORMAT),
        7: (f.used, MM_FORMAT),
        9: (f.overage, MM_FORMAT),
        10: (f.burn_rate, MM_FORMAT),
    }
    if f.utilisation is not None:
        numbers[8] = (f.utilisation / 100, "0.0%")
    return numbers


def report_xlsx(report: MonthlyReport) -> bytes:
    """Return the report as an XLSX workbook: the summary, then one row per line.

    Figures are numbers in the sheet (M/M to four places, utilisation as a percentage), so an
    account manager can add them up; the labels and the texts stay as on the page.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report.month:%Y-%m}"
    numbers = _summary_numbers(report)
    for index, (label, text) in enumerate(summary_items(report)):
        number = numbers.get(index)
        sheet.append([label, number[0] if number else text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        if number:
            sheet.cell(sheet.max_row, 2).number_format = number[1]
            sheet.cell(sheet.max_row, 2).alignment = Alignment(horizontal="right")
    sheet.append([])
    sheet.append(line_headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
    for line in report.lines:
        sheet.append(_xlsx_values(line))
    for column in NUMBER_COLUMNS:
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = MM_FORMAT
            cell.alignment = Alignment(horizontal="right")
    _widths(sheet, [12, 14, 40, 18, 10, 10, 40])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_values(line: ReportLine) -> list[object]:
    values: list[object] = line_values(line)
    values[0] = line.day
    values[4] = line.hours
    values[5] = line.mm
    return values


def _widths(sheet: object, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]


EXPORTERS: dict[str, tuple[str, Callable[[MonthlyReport], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", report_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        report_xlsx,
    ),
}
