"""XLSX: export a period, import a sheet as overrides with a dry run and row-level errors."""

import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from oncall.exports.xlsx import export_xlsx
from oncall.models import Override
from oncall.selectors import oncall_at
from oncall.services.imports import sheet_import
from tests.oncall.factories import make_layer, make_override

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the Korean catalogue is checked by the translation tests."""
    with translation.override("en"):
        yield


def sheet(*rows, header=("date", "start", "end", "layer", "engineer")) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_export_has_one_row_per_shift_per_day(schedule, engineers, primary):
    make_override(primary, engineers[2], seoul(2025, 1, 6, 12), seoul(2025, 1, 6, 15))
    content = export_xlsx(schedule, seoul(2025, 1, 6), seoul(2025, 1, 7))
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("date", "start", "end", "layer", "engineer")
    assert [row[1:5] for row in rows[1:]] == [
        ("09:00", "12:00", "Primary", "E1 (engineer1)"),
        ("12:00", "15:00", "Primary", "E3 (engineer3)"),
        ("15:00", "24:00", "Primary", "E1 (engineer1)"),
    ]
    assert rows[2][5] == "yes"


def test_a_schedule_named_with_a_slash_exports(schedule, primary):
    schedule.name = "24/7 전문가 핫라인: [본부]"
    schedule.save()
    content = export_xlsx(schedule, seoul(2025, 1, 6), seoul(2025, 1, 7))
    assert load_workbook(io.BytesIO(content)).active.title == "24-7 전문가 핫라인- -본부-"


def test_holiday_sheet_dry_run_then_import(schedule, engineers, primary):
    content = sheet(
        (date(2024, 12, 26), time(9), time(9), "Primary", "engineer1"),
        ("2024-12-27", "09:00", "09:00", "primary", "engineer2@example.com"),
        ("2024/12/28", "9", "24:00", "1", "E3 (engineer3)"),
    )
    preview = sheet_import(schedule=schedule, content=content, actor=engineers[0])
    assert preview.ok
    assert not Override.objects.exists()
    assert [(r.start, r.end) for r in preview.rows][1] == (
        seoul(2024, 12, 27, 9),
        seoul(2024, 12, 28, 9),
    )
    assert preview.rows[2].end == seoul(2024, 12, 29)
    result = sheet_import(schedule=schedule, content=content, actor=engineers[0], dry_run=False)
    assert len(result.created) == 3
    assert {o.source for o in result.created} == {Override.Source.IMPORT}
    schedule.refresh_from_db()
    assert (
        oncall_at(schedule=schedule, layer=primary, at=seoul(2024, 12, 27, 20)).user == engineers[1]
    )


def test_row_level_errors_block_the_import(schedule, engineers, primary):
    content = sheet(
        ("2024-12-26", "09:00", "18:00", "Primary", "engineer1"),
        ("26 Dec", "09:00", "18:00", "Primary", "engineer1"),
        ("2024-12-27", "09:00", "18:00", "L9", "engineer1"),
        ("2024-12-28", "09:00", "18:00", "Primary", "nobody-here"),
        ("2024-12-29", "25:00", "18:00", "Primary", "engineer1"),
        ("2024-12-26", "12:00", "20:00", "Primary", "engineer2"),
    )
    result = sheet_import(schedule=schedule, content=content, actor=engineers[0], dry_run=False)
    assert not result.ok
    assert not Override.objects.exists()
    errors = {row.number: row.errors for row in result.rows}
    assert errors[2] == []
    assert "date" in errors[3][0]
    assert "L9" in errors[4][0]
    assert "nobody-here" in errors[5][0]
    assert "25:00" in errors[6][0]
    assert "row 2" in errors[7][0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "XLSX"),
        (sheet(("2024-12-26", "09:00"), header=("date", "start")), "Missing columns"),
        (sheet(), "no shifts"),
    ],
)
def test_sheet_level_errors(schedule, engineers, primary, content, message):
    result = sheet_import(schedule=schedule, content=content, actor=engineers[0])
    assert not result.ok
    assert message in result.errors[0]


def test_a_korean_export_imports_back(schedule, engineers, primary):
    with translation.override("ko"):
        content = export_xlsx(schedule, seoul(2025, 1, 6), seoul(2025, 1, 7))
    header = next(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert header[0] == "날짜"
    assert sheet_import(schedule=schedule, content=content, actor=engineers[0]).ok


def test_korean_headers_are_understood(schedule, engineers, primary):
    content = sheet(
        ("2024-12-26", "09:00", "18:00", "Primary", "engineer1"),
        header=("날짜", "시작", "종료", "레이어", "담당자"),
    )
    assert sheet_import(schedule=schedule, content=content, actor=engineers[0]).ok


def test_an_export_imports_back(schedule, engineers, primary):
    other = make_layer(schedule, engineers, name="Night", position=2)
    content = export_xlsx(schedule, seoul(2025, 1, 6), seoul(2025, 1, 9))
    result = sheet_import(schedule=schedule, content=content, actor=engineers[0])
    assert result.ok, [r.errors for r in result.rows]
    assert {row.layer for row in result.rows} == {primary, other}
