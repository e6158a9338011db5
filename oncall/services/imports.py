"""Import of shifts from an XLSX sheet (date, start, end, layer, engineer), as overrides.

A dry run reads and checks every row and reports row-level errors; a real run does the same
and, only when no row has an error, creates one override per row.
"""

import io
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from oncall.exports.columns import COLUMNS, REQUIRED
from oncall.models import Layer, Override, Schedule
from oncall.services.common import check_engineer
from oncall.services.overrides import override_create
from oncall.services.sheet_rows import RowError, find_engineer, find_layer, parse_date, parse_time

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class SheetRow:
    """One data row of the sheet with what it means, or why it cannot be used."""

    number: int
    cells: dict[str, str]
    layer: Layer | None = None
    user: Any = None
    start: datetime | None = None
    end: datetime | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class SheetImport:
    """The outcome of reading a sheet: its rows, sheet-level errors, and what was created."""

    rows: list[SheetRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: list[Override] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for r in self.rows if r.errors)


def _header_map(header: tuple) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip().casefold()
        for key, (label, aliases) in COLUMNS.items():
            if name in {str(label).casefold(), *aliases}:
                found.setdefault(key, index)
    return found


def _read_rows(content: bytes, result: SheetImport) -> list[tuple[int, dict[str, Any]]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        result.errors.append(_("The file is not an XLSX workbook."))
        return []
    rows = list(book.active.iter_rows(values_only=True))[: MAX_ROWS + 1]
    start = next((i for i, row in enumerate(rows) if any(c not in (None, "") for c in row)), None)
    if start is None:
        result.errors.append(_("The sheet is empty."))
        return []
    columns = _header_map(rows[start])
    missing = [str(COLUMNS[key][0]) for key in REQUIRED if key not in columns]
    if missing:
        result.errors.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return []
    return [
        (start + offset + 2, {key: row[i] if i < len(row) else None for key, i in columns.items()})
        for offset, row in enumerate(rows[start + 1 :])
        if any(c not in (None, "") for c in row)
    ]


def _read_row(
    row: SheetRow, raw: dict[str, Any], zone: ZoneInfo, layers: list, cache: dict
) -> None:
    try:
        day = parse_date(raw["date"])
        start_time, _end_of_day = parse_time(raw["start"])
        end_time, end_of_day = parse_time(raw["end"])
        row.layer = find_layer(layers, raw["layer"])
        row.user = find_engineer(raw["engineer"], cache)
    except RowError as error:
        row.errors.append(str(error))
        return
    row.start = datetime.combine(day, start_time, tzinfo=zone)
    end_day = day + timedelta(days=1) if end_of_day or end_time <= start_time else day
    row.end = datetime.combine(end_day, end_time, tzinfo=zone)
    try:
        check_engineer(row.user, "engineer")
    except ValidationError:
        row.errors.append(_("%(user)s cannot be on call.") % {"user": row.user})


def _check_overlaps(rows: list[SheetRow]) -> None:
    usable = sorted((r for r in rows if not r.errors), key=lambda r: (r.layer.pk, r.start))
    for before, after in itertools.pairwise(usable):
        if before.layer.pk == after.layer.pk and after.start < before.end:
            after.errors.append(
                _("Overlaps row %(number)s on the same layer.") % {"number": before.number}
            )


def read_sheet(*, schedule: Schedule, content: bytes) -> SheetImport:
    """Read and check a shift sheet without changing anything (the dry run)."""
    result = SheetImport()
    if len(content) > MAX_BYTES:
        result.errors.append(_("The file is larger than 2 MB."))
        return result
    zone, layers, cache = ZoneInfo(schedule.time_zone), list(schedule.layers.all()), {}
    for number, raw in _read_rows(content, result):
        row = SheetRow(
            number=number, cells={k: "" if v is None else str(v) for k, v in raw.items()}
        )
        _read_row(row, raw, zone, layers, cache)
        result.rows.append(row)
    _check_overlaps(result.rows)
    if not result.rows and not result.errors:
        result.errors.append(_("The sheet has no shifts."))
    return result


@transaction.atomic
def sheet_import(
    *, schedule: Schedule, content: bytes, actor: Any, dry_run: bool = True
) -> SheetImport:
    """Read a shift sheet; unless ``dry_run``, create its overrides when every row is valid."""
    result = read_sheet(schedule=schedule, content=content)
    if dry_run or not result.ok:
        return result
    reason = _("Imported from a sheet")
    result.created = [
        override_create(
            layer=row.layer,
            user=row.user,
            start=row.start,
            end=row.end,
            actor=actor,
            reason=reason,
            source=Override.Source.IMPORT,
        )
        for row in result.rows
    ]
    return result
