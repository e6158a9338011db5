"""XLSX export of a period's final shifts: one row per shift per local day, like the team's
holiday sheet (date, start, end, layer, engineer), so an exported sheet imports back as is.
"""

import io
import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from oncall.exports.columns import COLUMNS, engineer_label
from oncall.models import Schedule
from oncall.selectors import Shift, shifts_between

OVERRIDE_FILL = PatternFill("solid", fgColor="FFF2CC")


def daily_rows(shift: Shift, zone: ZoneInfo) -> Iterator[tuple[datetime, datetime]]:
    """Split a shift at local midnights, yielding local (start, end) pairs."""
    start, end = shift.start.astimezone(zone), shift.end.astimezone(zone)
    while start < end:
        midnight = datetime.combine(start.date() + timedelta(days=1), time(0), tzinfo=zone)
        piece_end = min(end, midnight)
        yield start, piece_end
        start = piece_end


def _row(start: datetime, end: datetime, shift: Shift) -> list:
    end_text = "24:00" if end.time() == time(0) and end.date() > start.date() else f"{end:%H:%M}"
    return [
        start.date(),
        f"{start:%H:%M}",
        end_text,
        shift.layer.name,
        engineer_label(shift.user),
        _("yes") if shift.is_override else "",
        round((end - start).total_seconds() / 3600, 2),
    ]


def export_xlsx(schedule: Schedule, start: datetime, end: datetime) -> bytes:
    """Return an XLSX workbook of the schedule's final shifts in ``[start, end)``."""
    zone = ZoneInfo(schedule.time_zone)
    book = Workbook()
    sheet = book.active
    # Excel refuses \ / ? * [ ] : in a sheet title ("24/7 hotline" raised a ValueError).
    sheet.title = re.sub(r"[\\/?*\[\]:]", "-", schedule.name)[:31] or "shifts"
    headers = [str(label) for label, _aliases in COLUMNS.values()]
    sheet.append([*headers, _("override"), _("hours")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    shifts = sorted(shifts_between(schedule=schedule, start=start, end=end), key=_order)
    for shift in shifts:
        for piece_start, piece_end in daily_rows(shift, zone):
            sheet.append(_row(piece_start, piece_end, shift))
            if shift.is_override:
                for cell in sheet[sheet.max_row]:
                    cell.fill = OVERRIDE_FILL
    for column in ("A", "B", "C", "D", "E"):
        sheet.column_dimensions[column].width = 16 if column != "E" else 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _order(shift: Shift) -> tuple:
    return shift.start, shift.layer.position
