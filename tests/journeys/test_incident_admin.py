"""Journey 2: a support engineer acknowledges an incident in the admin, logs work and resolves it.

The M/M rule of seed 002: incident work is deducted when the incident is resolved, rounded up to
0.5 M/M and at least 0.5 M/M (2.5 hours of a 160-hour M/M is 0.5 M/M).
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright import sync_api as playwright_sync

from incidents.models import Severity, Status, TimelineEntry
from retainer.models import LedgerEntry, WorkLog
from tests.browser import DESKTOP, needs_chromium, shot
from tests.incidents.factories import IncidentFactory
from tests.journeys.conftest import LOCALE, admin_login, ko

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def incident(hanbit, hanbit_user):
    return IncidentFactory(
        customer=hanbit,
        reporter=hanbit_user,
        summary="주문 조회 API 응답이 10초 이상 걸립니다",
        description="오전 9시부터 주문 조회가 느립니다. 재시도하면 가끔 성공합니다.",
        severity=Severity.MEDIUM,
    )


def status_badge(page):
    """The read-only status on the change page."""
    return page.locator("div.fieldBox.field-status_badge .readonly")


def run_transition(page, incident, name: str) -> None:
    """Press a transition button on the change page and confirm it on the next page."""
    expect = playwright_sync.expect
    page.locator(f"a.hl-transition-{name}").click()
    expect(page).to_have_url(re.compile(rf"/transition/{name}/$"))
    page.locator(".submit-row input[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/incident/{incident.pk}/change/$"))


def test_support_engineer_acknowledges_logs_work_and_resolves(
    live_server, incident, engineers_ko, browser_page
):
    expect = playwright_sync.expect
    engineer = engineers_ko[0]
    change_url = f"/admin/incidents/incident/{incident.pk}/change/"
    page = browser_page(viewport=DESKTOP, locale=LOCALE)
    admin_login(page, live_server, engineer, next_url=change_url)

    # The new incident, with its transition buttons next to History.
    expect(status_badge(page)).to_contain_text(ko("New"))
    expect(page.locator("a.hl-transition-acknowledge")).to_have_text(ko("Acknowledge"))
    expect(page.locator("a.hl-transition-cancel")).to_be_visible()

    run_transition(page, incident, "acknowledge")
    expect(page.locator(".messagelist .success")).to_contain_text(incident.key)
    expect(status_badge(page)).to_contain_text(ko("Acknowledged"))
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert incident.incident_manager == engineer
    assert incident.acknowledged_at is not None
    shot(page, "admin-incident-ko", readme=True)

    # Log work from the incident page: the retainer work-log form, filled for this incident.
    page.get_by_role("link", name=ko("Log work"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/retainer/worklog/add/\?kind=incident"))
    expect(page.locator("#id_incident")).to_have_value(str(incident.pk))
    page.locator("#id_hours").fill("2.5")
    page.locator("#id_performed_on").fill(timezone.localdate().isoformat())
    page.locator("#id_description").fill("슬로우 쿼리 분석, 주문 테이블 인덱스 추가")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    work_log = WorkLog.objects.get(incident=incident)
    assert work_log.hours == Decimal("2.5")
    assert work_log.engineer == engineer
    assert work_log.billable
    assert work_log.contract == incident.contract
    # Nothing is deducted before the incident is resolved.
    assert not LedgerEntry.objects.filter(incident=incident).exists()

    page.goto(f"{live_server.url}{change_url}")
    work_logs = page.locator(".inline-group").filter(has_text=ko("work logs"))
    expect(work_logs).to_contain_text("2.50")
    expect(work_logs).to_contain_text("슬로우 쿼리 분석")

    run_transition(page, incident, "resolve")
    expect(status_badge(page)).to_contain_text(ko("Resolved"))
    timeline = page.locator(".hl-timeline")
    for text in incident.timeline.values_list("text", flat=True):
        expect(timeline).to_contain_text(text)
    expect(timeline).to_contain_text(ko("Status change"))
    page.locator("#content-main").scroll_into_view_if_needed()
    shot(page, "admin-incident-resolved-ko")

    # The database: the workflow, its timeline, and the M/M deduction in the ledger.
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.resolved_at is not None
    kinds = list(incident.timeline.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[0] == TimelineEntry.Kind.CREATED
    assert kinds.count(TimelineEntry.Kind.STATUS) == 2
    (deduction,) = LedgerEntry.objects.filter(incident=incident)
    assert deduction.kind == LedgerEntry.Kind.DEDUCTION
    assert deduction.amount == Decimal("-0.5")  # 2.5 h, rounded up to 0.5 M/M
    assert deduction.contract == incident.contract
