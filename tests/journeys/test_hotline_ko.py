"""Journey 1: a customer files an incident from a phone, in Korean, and sees its key and status."""

import re

import pytest
from playwright import sync_api as playwright_sync

from incidents.models import Channel, Incident, Severity, Status
from tests.browser import PHONE, needs_chromium, shot
from tests.journeys.conftest import LOCALE, ko
from tests.retainer.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]

SUMMARY = "결제 API가 모든 주문에 500 오류를 반환합니다"
DESCRIPTION = "08:30부터 웹 쇼핑몰 주문이 전부 실패합니다. 담당: 최유나 010-1234-5678"


def test_customer_files_an_incident_from_a_phone_in_korean(live_server, hanbit_user, browser_page):
    expect = playwright_sync.expect
    page = browser_page(viewport=PHONE, locale=LOCALE)

    page.goto(f"{live_server.url}/hotline/new/")
    expect(page).to_have_url(re.compile(r"/hotline/login/"))
    page.get_by_label(ko("Username")).fill("hanbit")
    page.get_by_label(ko("Password")).fill(PASSWORD)
    page.get_by_role("button", name=ko("Log in")).click()

    expect(page.get_by_role("heading", name=ko("Report an incident"))).to_be_visible()
    # Every nav item, "log out" included, lies inside the phone's width (no hidden strip).
    logout = page.locator(".nav-logout button").bounding_box()
    assert logout is not None
    assert logout["x"] + logout["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    nav = page.locator(".nav-bar")
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth")
    page.get_by_label(ko("What is the emergency?")).fill(SUMMARY)
    page.locator("#id_description").fill(DESCRIPTION)
    page.get_by_label(ko("1 - Critical")).check()
    page.get_by_label(ko("Faulty service")).select_option(label="결제 API")
    page.get_by_label("웹 쇼핑몰").check()
    page.get_by_role("heading", name=ko("Report an incident")).scroll_into_view_if_needed()
    shot(page, "hotline-form-phone-ko", readme=True)
    page.get_by_role("button", name=ko("Send to the hotline")).click()

    expect(page.get_by_role("heading", name=ko("We received your incident"))).to_be_visible()
    key = page.get_by_test_id("incident-key")
    expect(key).to_have_text(re.compile(r"^HOT-\d+$"))
    incident_key = key.inner_text()
    expect(page.locator(".facts")).to_contain_text(ko("New"))
    expect(page.get_by_role("heading", name=ko("What happens next"))).to_be_visible()
    shot(page, "hotline-received-phone-ko", readme=True)

    incident = Incident.objects.get(key=incident_key)
    assert incident.summary == SUMMARY
    assert incident.status == Status.NEW
    assert incident.severity == Severity.CRITICAL
    assert incident.channel == Channel.WEB
    assert incident.customer == hanbit_user.customer_link.customer
    assert incident.reporter == hanbit_user
    assert incident.contract is not None
    assert incident.contract.code.startswith("HANBIT-")
    assert incident.service.name == "결제 API"
    assert [p.name for p in incident.products.all()] == ["웹 쇼핑몰"]
    assert incident.response_due_at is not None

    main_menu = page.get_by_role("navigation", name=ko("Main"))
    main_menu.get_by_role("link", name=ko("My incidents"), exact=True).click()
    row = page.get_by_role("row").filter(has_text=incident_key)
    expect(row).to_contain_text(SUMMARY)
    expect(row).to_contain_text(ko("New"))
    expect(row).to_contain_text(ko("1 - Critical"))
    shot(page, "hotline-list-phone-ko")

    page.get_by_role("link", name=incident_key).click()
    expect(page.get_by_role("heading", name=ko("Timeline"))).to_be_visible()
    expect(page.locator("main")).to_contain_text(SUMMARY)
    shot(page, "hotline-detail-phone-ko")
