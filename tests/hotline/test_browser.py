"""A customer reports an incident from a phone, in a real (headless Debian) Chromium.

Run with ``pytest -m browser``; ``tests/browser.py`` starts Debian's chromium.
"""

import re

import pytest
from playwright import sync_api as playwright_sync

from tests.browser import DESKTOP, PHONE, needs_chromium, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


def test_customer_reports_an_incident_from_a_phone(
    live_server, customer_user_a, unknown_service, browser_page
):
    expect = playwright_sync.expect
    page = browser_page(viewport=PHONE)

    page.goto(f"{live_server.url}/hotline/new/")
    expect(page).to_have_url(re.compile(r"/hotline/login/"))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Report an incident")).to_be_visible()
    page.get_by_label("What is the emergency?").fill("Checkout fails with HTTP 500")
    page.get_by_label("1 - Critical").check()
    page.get_by_label("Faulty service").select_option(label="Payments")
    page.get_by_label("Web shop").check()
    shot(page, "hotline-form-phone")
    page.get_by_role("button", name="Send to the hotline").click()

    key = page.get_by_test_id("incident-key")
    expect(key).to_have_text(re.compile(r"^HOT-\d+$"))
    incident_key = key.inner_text()
    expect(page.get_by_text("What happens next")).to_be_visible()
    shot(page, "hotline-received-phone")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My incidents").click()
    row = page.get_by_role("row").filter(has_text=incident_key)
    expect(row).to_contain_text("Checkout fails with HTTP 500")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("1 - Critical")
    shot(page, "hotline-list-phone")

    # The same pages on a desktop, for a person to look at (tests/artifacts/).
    page.set_viewport_size(DESKTOP)
    shot(page, "hotline-list-desktop")
    page.get_by_role("link", name=incident_key).click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    shot(page, "hotline-detail-desktop")
    page.goto(f"{live_server.url}/hotline/incidents/{incident_key}/received/")
    shot(page, "hotline-received-desktop")
    page.goto(f"{live_server.url}/hotline/new/")
    shot(page, "hotline-form-desktop")
