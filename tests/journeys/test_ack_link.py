"""Journey 3: the on-call engineer is paged and acknowledges through the signed link, on a phone.

The incident comes in through intake; the beat job's sweep (called here, as beat would) runs the
default policy's first step, which pages the primary on-call person of the active schedule by
e-mail with a one-click link. Opening the link only asks for confirmation; the POST acknowledges.
"""

import re

import pytest
from django.conf import settings
from playwright import sync_api as playwright_sync

from core.notifications.models import Delivery
from incidents.escalation.sweep import timers_sweep
from incidents.models import Severity, Status
from tests.browser import PHONE, needs_chromium, shot
from tests.incidents.factories import IncidentFactory
from tests.journeys.conftest import LOCALE, ko
from tests.oncall.factories import ScheduleFactory, make_layer
from tests.retainer.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def on_call(engineers_ko):
    """박민지 is the primary on call of the hotline schedule, all the time."""
    schedule = ScheduleFactory(name="핫라인 L3", team="Tier 3")
    make_layer(schedule, [engineers_ko[1]], name="Primary", position=1)
    return engineers_ko[1]


def test_on_call_engineer_acknowledges_from_the_page_link(
    live_server, hanbit, on_call, mailoutbox, browser_page
):
    expect = playwright_sync.expect
    incident = IncidentFactory(
        customer=hanbit,
        summary="결제 승인 서버 응답 없음",
        description="모든 카드 결제가 타임아웃됩니다.",
        severity=Severity.HIGH,
    )
    timers_sweep()  # as beat does: the policy's first step is due at once

    pages = [m for m in mailoutbox if on_call.email in m.to and incident.key in m.subject]
    assert len(pages) == 1, [(m.to, m.subject) for m in mailoutbox]
    page_mail = pages[0]
    link = re.search(r"https?://\S+/ack/\S+/", page_mail.body).group(0)
    assert link.startswith(settings.SITE_URL)
    delivery = Delivery.objects.get(object_id=incident.pk, recipient=on_call, channel="email")
    assert delivery.link_used_at is None

    page = browser_page(viewport=PHONE, locale=LOCALE)
    page.goto(live_server.url + link.removeprefix(settings.SITE_URL))
    expect(page.get_by_role("heading", name=ko("Start the analysis of %(key)s?", key=incident.key)))
    expect(page.locator(".facts")).to_contain_text("결제 승인 서버 응답 없음")
    expect(page.locator(".facts")).to_contain_text(ko("2 - High"))
    shot(page, "ack-confirm-phone-ko", readme=True)
    incident.refresh_from_db()
    assert incident.status == Status.NEW  # opening the link changes nothing

    page.get_by_role("button", name=ko("Acknowledge: I am starting the analysis")).click()

    # The link lands on the incident in the admin: a phone without a session is asked to log
    # in, under the message that the acknowledgement went through.
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator(".messagelist")).to_contain_text(
        ko("%(key)s is acknowledged: the analysis has started.", key=incident.key)
    )
    shot(page, "ack-done-phone-ko")
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert incident.incident_manager == on_call
    page.get_by_label(ko("Username")).fill(on_call.get_username())
    page.get_by_label(ko("Password")).fill(PASSWORD)
    page.get_by_role("button", name=ko("Log in")).click()
    expect(page).to_have_url(re.compile(rf"/admin/incidents/incident/{incident.pk}/change/$"))
    expect(page.locator("div.fieldBox.field-status_badge .readonly")).to_contain_text(
        ko("Acknowledged")
    )
    shot(page, "ack-incident-phone-ko")

    delivery.refresh_from_db()
    assert delivery.link_used_at is not None
    assert incident.slo_timers.get(kind="response").state == "met"
    assert incident.timeline.filter(kind="status", actor=on_call).exists()

    # The link works once.
    page.goto(live_server.url + link.removeprefix(settings.SITE_URL))
    expect(page.get_by_role("heading", name=ko("This link cannot be used"))).to_be_visible()
