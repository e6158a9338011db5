"""A customer reports an incident from a phone, in a real (headless Debian) Chromium.

Run with ``pytest -m browser``. ``make test`` installs Debian's chromium when missing; outside
CI a machine without it skips this test, in CI it fails.
"""

import os
import re
from pathlib import Path

import pytest
from playwright import sync_api as playwright_sync

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium"
    ),
]


@pytest.fixture
def page():
    """Yield a phone-sized page in English; Playwright never downloads a browser here."""
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en-US",
            timezone_id="Asia/Seoul",
        )
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


def test_customer_reports_an_incident_from_a_phone(
    live_server, customer_user_a, unknown_service, page
):
    # ``page`` comes last: once Playwright runs, Django refuses ORM calls in this thread.
    expect = playwright_sync.expect
    ARTIFACTS.mkdir(exist_ok=True)

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
    page.screenshot(path=ARTIFACTS / "hotline-form-phone.png", full_page=True)
    page.get_by_role("button", name="Send to the hotline").click()

    key = page.get_by_test_id("incident-key")
    expect(key).to_have_text(re.compile(r"^HOT-\d+$"))
    incident_key = key.inner_text()
    expect(page.get_by_text("What happens next")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "hotline-received-phone.png", full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My incidents").click()
    row = page.get_by_role("row").filter(has_text=incident_key)
    expect(row).to_contain_text("Checkout fails with HTTP 500")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("1 - Critical")
    page.screenshot(path=ARTIFACTS / "hotline-list-phone.png", full_page=True)

    # The same pages on a desktop, for a person to look at (tests/artifacts/ is not committed).
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=ARTIFACTS / "hotline-list-desktop.png", full_page=True)
    page.get_by_role("link", name=incident_key).click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "hotline-detail-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/hotline/incidents/{incident_key}/received/")
    page.screenshot(path=ARTIFACTS / "hotline-received-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/hotline/new/")
    page.screenshot(path=ARTIFACTS / "hotline-form-desktop.png", full_page=True)
