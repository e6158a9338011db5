"""Journey 4: an account manager opens last month's M/M report, sees the chart, downloads the PDF.

Last month (the page's default, what account managers read on the 1st) had one incident with
6 hours of work (0.5 M/M, rounded up) and 16 hours of advisory work (0.1 M/M).
"""

import io
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright import sync_api as playwright_sync
from pypdf import PdfReader

from incidents.models import Incident, Severity, Status
from incidents.services import incident_transition
from retainer.models import Contract, LedgerEntry, WorkLog
from retainer.rules import add_months
from retainer.services import worklog_create
from tests.browser import DESKTOP, PHONE, needs_chromium, shot
from tests.incidents.factories import incident_in_status
from tests.journeys.conftest import LOCALE, admin_login, ko
from tests.retainer.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]

SEOUL = ZoneInfo("Asia/Seoul")


def last_month() -> date:
    return add_months(timezone.localdate().replace(day=1), -1)


@pytest.fixture
def this_year() -> tuple[date, date]:
    """The contract year holds last month (the report's default month), even in January."""
    year = last_month().year
    return date(year, 1, 1), date(year, 12, 31)


@pytest.fixture
def busy_month(hanbit, engineers_ko):
    """Last month's work on the 한빛전자 contract, written through the services."""
    engineer = engineers_ko[0]
    month = last_month()
    reported = datetime.combine(month.replace(day=14), time(10), tzinfo=SEOUL)
    incident = incident_in_status(
        Status.ACKNOWLEDGED,
        actor=engineer,
        reported_at=reported,
        customer=hanbit,
        summary="주문 API 장애",
        severity=Severity.MEDIUM,
    )
    worklog_create(
        actor=engineer,
        kind="incident",
        incident=incident,
        hours=Decimal("6"),
        performed_on=reported.date(),
        description="장애 분석 및 복구",
        now=reported + timedelta(hours=3),
    )
    incident_transition(
        incident=incident, name="resolve", actor=engineer, now=reported + timedelta(hours=4)
    )
    contract = Contract.objects.get(customer=hanbit)
    worklog_create(
        actor=engineer,
        kind="advisory",
        contract=contract,
        hours=Decimal("16"),
        performed_on=month.replace(day=21),
        description="DB 성능 점검 자문",
        now=reported + timedelta(days=7),
    )
    return contract


def test_account_manager_reads_the_monthly_report_and_downloads_the_pdf(
    live_server, busy_month, account_manager_ko, browser_page
):
    expect = playwright_sync.expect
    contract = busy_month
    assert WorkLog.objects.filter(contract=contract).count() == 2
    used = -sum(e.amount for e in LedgerEntry.objects.filter(contract=contract, amount__lt=0))
    assert used == Decimal("0.6")

    page = browser_page(viewport=DESKTOP, locale=LOCALE)
    changelist = "/admin/retainer/contract/"
    admin_login(page, live_server, account_manager_ko, next_url=changelist)
    row = page.get_by_role("row").filter(has_text=contract.code)
    row.get_by_role("link", name=ko("M/M report"), exact=True).click()

    month = last_month()
    expect(page).to_have_url(re.compile(rf"/admin/retainer/contract/{contract.pk}/report/"))
    expect(page.locator("#mm-month")).to_have_value(f"{month:%Y-%m}")
    expect(page.locator("h1")).to_contain_text(contract.code)
    lines = page.locator("table.mm-lines")
    incident = Incident.objects.get(customer=contract.customer)
    incident_line = lines.get_by_role("row").filter(has_text=incident.key)
    expect(incident_line).to_contain_text("주문 API 장애")
    expect(incident_line).to_contain_text(ko("Deduction"))
    expect(incident_line).to_contain_text("이서준")  # the engineer, Korean name order
    expect(incident_line).to_contain_text("-0.5")
    expect(lines.get_by_role("row").filter(has_text="-0.1")).to_contain_text("16")
    figures = page.locator(".mm-figures")
    expect(figures).to_contain_text("11.4")  # closing balance: 12 - 0.5 - 0.1

    # The chart: one bar per month of the contract year up to this one, the granted line,
    # the month labels and the legend, server-rendered with an accessible name.
    chart = page.locator("svg.mm-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_attribute("aria-label", ko("M/M granted and cumulative use by month"))
    months = month.month - contract.starts_on.month + 1
    expect(chart.locator("rect")).to_have_count(months + 1)  # the bars and the legend swatch
    expect(chart.locator("polyline")).to_have_count(1)
    expect(chart).to_contain_text(f"{month:%y.%m}")
    expect(chart).to_contain_text(ko("Granted M/M"))
    expect(chart).to_contain_text(ko("Cumulative use"))
    shot(page, "mm-report-ko", full_page=False, readme=True)
    shot(page, "mm-report-full-ko")

    with page.expect_download() as info:
        page.locator(".mm-exports").get_by_role("link", name="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert contract.code in text
    assert ko("Monthly M/M report") in text
    assert "한빛전자" in text
    assert incident.key in text


def test_customer_reads_the_ledger_lines_as_cards_on_a_phone(
    live_server, busy_month, hanbit_user, browser_page
):
    """On a 390 px phone the seven-column ledger wrapped one character per line; it is a card
    per line now, each value beside its label."""
    expect = playwright_sync.expect
    page = browser_page(viewport=PHONE, locale=LOCALE)
    page.goto(f"{live_server.url}/hotline/login/")
    page.get_by_label(ko("Username")).fill(hanbit_user.username)
    page.get_by_label(ko("Password")).fill(PASSWORD)
    page.get_by_role("button", name=ko("Log in")).click()
    page.goto(f"{live_server.url}/hotline/reports/{busy_month.pk}/{last_month():%Y-%m}/")
    line = page.locator(".mm-lines tbody tr").filter(has_text="주문 API 장애")
    expect(line).to_be_visible()
    box = line.bounding_box()
    assert box is not None
    assert box["width"] <= PHONE["width"]
    day = line.locator("td").first
    assert day.evaluate("td => getComputedStyle(td).display") == "flex"
    assert day.evaluate("td => getComputedStyle(td, '::before').content") != "none"
    height = day.bounding_box()["height"]
    assert height < 40, height  # one line, not a date broken over four
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "mm-report-phone-ko")
