"""Journey 6: a support engineer opens the admin and the operations dashboard shows the right
numbers; the response SLO countdown ticks and a new incident appears without a reload.

Runs on the real clock (the live server's): the seeded times are relative to now.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright import sync_api as playwright_sync

from core import clock
from core.people import person_name
from incidents.models import Severity
from incidents.services import incident_transition
from insights import dashboard
from insights.selectors import month_start
from oncall.selectors import oncall_at
from retainer.models import Contract
from retainer.services.ledger import ledger_post_adjustment
from tests.browser import DESKTOP, needs_chromium, shot
from tests.incidents.factories import IncidentFactory
from tests.journeys.conftest import LOCALE, admin_login, ko
from tests.oncall.factories import ScheduleFactory, make_layer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def seeded(hanbit, engineers_ko, account_manager_ko):
    """Three incidents of 한빛전자 (waiting, breached, acknowledged), its contract at 85 % and
    an on-call schedule of the three engineers."""
    now = clock.now()
    waiting = IncidentFactory(
        customer=hanbit, summary="결제 승인 지연", severity=Severity.HIGH,
        now=now - timedelta(minutes=30),
    )  # fmt: skip
    breached = IncidentFactory(
        customer=hanbit, summary="야간 배치 실패", severity=Severity.MEDIUM,
        now=now - timedelta(hours=3),
    )  # fmt: skip
    answered = IncidentFactory(
        customer=hanbit, summary="로그인 오류", severity=Severity.CRITICAL,
        now=now - timedelta(hours=2),
    )  # fmt: skip
    incident_transition(
        incident=answered,
        name="acknowledge",
        actor=engineers_ko[0],
        now=now - timedelta(hours=2) + timedelta(minutes=10),
    )
    contract = Contract.objects.get(customer=hanbit)
    ledger_post_adjustment(
        contract=contract, amount=Decimal("-10.2"), memo="작업", actor=account_manager_ko
    )  # 10.2 of 12 M/M: 85.0 %
    schedule = ScheduleFactory(name="Tier 3 온콜")
    make_layer(schedule, engineers_ko, name="Primary")
    return {"waiting": waiting, "breached": breached, "answered": answered, "schedule": schedule}


def expected_slo(incidents) -> tuple[int, int]:
    """Met and counted this month: reported this month; met = acknowledged by the deadline."""
    first = month_start(timezone.localdate().replace(day=1))
    counted = [i for i in incidents if i.reported_at >= first]
    met = [i for i in counted if i.acknowledged_at and i.acknowledged_at <= i.response_due_at]
    return len(met), len(counted)


def countdown(page, incident):
    return page.locator("#ops-awaiting-rows tr", has_text=incident.key).locator(".ops-countdown")


def test_support_engineer_sees_the_dashboard(
    live_server, seeded, engineers_ko, monkeypatch, browser_page
):
    expect = playwright_sync.expect
    monkeypatch.setattr(dashboard, "LIVE_INTERVAL_SECONDS", 2)  # poll fast in the journey
    for name in ("waiting", "breached", "answered"):
        seeded[name].refresh_from_db()
    page = browser_page(viewport=DESKTOP, locale=LOCALE)
    admin_login(page, live_server, engineers_ko[1])

    board = page.locator("#ops-dashboard")
    expect(board.get_by_role("heading", name=ko("Operations dashboard"))).to_be_visible()
    expect(board.locator('[data-figure="open"]')).to_have_text("3")
    expect(board.locator('[data-figure="awaiting"]')).to_have_text("2")
    expect(board.locator('[data-figure="breached"]')).to_have_text("1")
    met, counted = expected_slo([seeded["waiting"], seeded["breached"], seeded["answered"]])
    expect(board.locator('[data-figure="slo"]')).to_contain_text(f"({met}/{counted})")

    # Waiting for acknowledgement: the closest deadline first, the breached one counting up.
    rows = board.locator("#ops-awaiting-rows tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(seeded["breached"].key)
    expect(rows.nth(1)).to_contain_text(seeded["waiting"].key)
    expect(rows.nth(1)).to_contain_text(ko("2 - High"))
    expect(countdown(page, seeded["breached"])).to_have_text(re.compile(r"^1:0\d:\d\d "))
    expect(countdown(page, seeded["breached"])).to_have_class(re.compile("ops-overdue"))
    left = re.compile(r"^1:(29|30):\d\d ")
    expect(countdown(page, seeded["waiting"])).to_have_text(left)

    # The countdown ticks every second without a reload.
    first = countdown(page, seeded["waiting"]).inner_text()
    page.wait_for_timeout(2200)
    assert countdown(page, seeded["waiting"]).inner_text() != first

    # Open incidents by severity and status; the contract past 80 %; who is on call now.
    open_table = board.locator("#ops-open")
    expect(open_table.locator('[data-cell="1-1"]')).to_have_text("1")  # critical, acknowledged
    expect(open_table.locator('[data-cell="all-total"]')).to_have_text("3")
    expect(board.locator("#ops-contracts")).to_contain_text(f"HANBIT-{timezone.localdate().year}")
    expect(board.locator("#ops-contracts")).to_contain_text("85.0%")
    (answer,) = oncall_at(schedule=seeded["schedule"], at=clock.now())
    name = person_name(answer.user)
    expect(page.locator("#oncall-now")).to_contain_text(name)
    expect(page.locator("#content-main")).to_be_visible()  # the app list is still there
    shot(page, "dashboard-ko", readme=True)

    # A new incident shows up on the next poll, without reloading the page.
    fresh = IncidentFactory(customer=seeded["waiting"].customer, summary="API 게이트웨이 장애")
    expect(board.locator("#ops-awaiting-rows")).to_contain_text(fresh.key, timeout=10_000)
    expect(board.locator('[data-figure="awaiting"]')).to_have_text("3")

    # The metrics pages are one click away.
    board.get_by_role("link", name=ko("Response times")).click()
    expect(page).to_have_url(re.compile(r"/admin/insights/metrics/times/$"))
    expect(page.locator("svg.metrics-chart")).to_be_visible()
    shot(page, "metrics-times-ko", readme=True)
