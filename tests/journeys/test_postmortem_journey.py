"""Journey: a support engineer writes a post-mortem in the admin, the named reviewer approves it
in their own session, the engineer publishes it; the customer reads it on the hotline and
acknowledges it (issue #6).

Runs in Korean against ``live_server`` in headless Chromium. Staff 2FA is off in the test
settings (``HOTLINE_REQUIRE_2FA``), as in the other admin journeys.
"""

import re

import pytest
from playwright import sync_api as playwright_sync

from core.people import person_name
from incidents.models import Severity
from incidents.services import incident_transition
from postmortems.models import PostMortem
from tests.browser import DESKTOP, needs_chromium, shot
from tests.incidents.factories import IncidentFactory
from tests.journeys.conftest import LOCALE, admin_login, ko
from tests.retainer.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]

IMPACT = "주문 결제가 40분 동안 실패했습니다."
WHYS = "1. 왜 결제가 실패했나? DB 연결이 고갈되었다.\n2. 왜? 연결 풀 한도가 낮았다."


@pytest.fixture
def postmortem(hanbit, hanbit_user, engineers_ko):
    """A resolved severity-2 incident of 한빛전자 and its draft post-mortem (owner: 이서준)."""
    engineer = engineers_ko[0]
    incident = IncidentFactory(
        customer=hanbit,
        reporter=hanbit_user,
        summary="결제 API가 모든 주문에 500 오류를 반환합니다",
        severity=Severity.HIGH,
    )
    for name in ("acknowledge", "resolve"):
        incident_transition(incident=incident, name=name, actor=engineer)
    return PostMortem.objects.get(incident=incident)


def press(page, name: str) -> None:
    """Press a workflow button next to History and wait for the change page again."""
    page.locator(f"button.pm-button-{name}").click()
    page.wait_for_load_state("load")


def test_engineer_publishes_and_customer_acknowledges(
    live_server, postmortem, engineers_ko, hanbit_user, browser_page
):
    expect = playwright_sync.expect
    engineer, reviewer = engineers_ko[0], engineers_ko[1]
    change_url = f"/admin/postmortems/postmortem/{postmortem.pk}/change/"
    page = browser_page(viewport=DESKTOP, locale=LOCALE)
    admin_login(page, live_server, engineer, next_url=change_url)

    # The writer sees the blameless guidance and the incident's TTA/TTR.
    expect(page.locator("#blameless-guidance")).to_contain_text(
        ko("Writing a blameless post-mortem")
    )
    page.locator("#id_customer_impact").fill(IMPACT)
    page.locator("#id_five_whys").fill(WHYS)
    page.locator("#id_users_affected").fill("1200")
    page.locator("#id_reviewers").select_option(label=reviewer.username)
    shot(page, "postmortem-admin-ko")
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist")).to_be_visible()

    def step(on, name: str, status: str) -> None:
        press(on, name)
        expect(on.locator("ul.messagelist .success")).to_be_visible()
        postmortem.refresh_from_db()
        assert postmortem.status == status

    step(page, "submit", "in_review")
    # The writer is not a reviewer: no approve button, the page says who it waits for.
    expect(page.locator("button.pm-button-approve")).to_have_count(0)
    expect(page.locator("#pm-waiting")).to_contain_text(person_name(reviewer))

    # The named reviewer approves from their own session.
    review = browser_page(viewport=DESKTOP, locale=LOCALE)
    admin_login(review, live_server, reviewer, next_url=change_url)
    step(review, "approve", "approved")

    page.reload()
    step(page, "publish", "published")
    expect(page.locator("button.pm-button-publish")).to_have_count(0)
    postmortem.refresh_from_db()
    assert postmortem.delivered_at is not None
    assert postmortem.on_time is True
    assert list(postmortem.reviewers.all()) == [reviewer]
    assert postmortem.customer_impact == IMPACT

    # The customer finds it under post-mortems and acknowledges it.
    customer = browser_page(viewport=DESKTOP, locale=LOCALE)
    customer.goto(f"{live_server.url}/hotline/postmortems/")
    expect(customer).to_have_url(re.compile(r"/hotline/login/"))
    customer.get_by_label(ko("Username")).fill(hanbit_user.username)
    customer.get_by_label(ko("Password")).fill(PASSWORD)
    customer.get_by_role("button", name=ko("Log in")).click()
    customer.goto(f"{live_server.url}/hotline/postmortems/")
    customer.get_by_text(postmortem.incident.key).first.click()
    expect(customer.locator("main, body").first).to_contain_text(IMPACT)
    expect(customer.locator("body")).to_contain_text("DB 연결이 고갈되었다")
    shot(customer, "postmortem-customer-ko")
    customer.get_by_role("button", name=ko("Acknowledge the post-mortem")).click()
    expect(customer.locator(".pm-acknowledged")).to_be_visible()

    postmortem.refresh_from_db()
    assert postmortem.status == PostMortem.Status.ACKNOWLEDGED
    assert postmortem.acknowledged_at is not None
    transitions = [
        entry.data["transition"]
        for entry in postmortem.incident.timeline.filter(data__has_key="postmortem").order_by(
            "at", "pk"
        )
    ]
    assert transitions == ["submit", "approve", "publish", "acknowledge"]
