"""Headless Debian Chromium for the browser tests and journeys, driven by Playwright.

A pytest plugin (``tests/conftest.py`` loads it). ``make test`` installs Debian's chromium when
missing; outside CI a machine without it skips these tests, in CI they fail. Playwright never
downloads a browser here: it starts ``/usr/bin/chromium``.

    def test_something(live_server, ..., browser_page):
        page = browser_page(viewport=PHONE, locale="ko-KR")
        ...
        shot(page, "hotline-form-phone")

Request ``browser_page`` last: fixtures that write to the database must run before Playwright
starts. Screenshots go to ``tests/artifacts/`` (not committed); when a test fails, the last
state of each of its pages is saved there too, as ``failed-<test name>-<n>.png``.

README screenshots: ``shot(page, "name-ko", readme=True)`` also writes a compact copy (the
visible viewport, 256-colour PNG) to ``$SCREENSHOTS_DIR/name-ko.png`` when that variable is set,
and nothing otherwise, so a normal test run leaves the tree clean:

    SCREENSHOTS_DIR=docs/screenshots .venv/bin/pytest tests/journeys
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium"
)


ROOT = Path(__file__).resolve().parents[1]


def readme_dir() -> Path | None:
    """Return the README screenshot folder: ``$SCREENSHOTS_DIR``, relative to the project."""
    value = os.environ.get("SCREENSHOTS_DIR", "").strip()
    if not value:
        return None
    folder = Path(value)
    return folder if folder.is_absolute() else ROOT / folder


def shot(page, name: str, *, full_page: bool = True, readme: bool = False) -> Path:
    """Save a screenshot of the page as ``tests/artifacts/<name>.png`` and return its path.

    With ``readme=True`` and ``$SCREENSHOTS_DIR`` set, also save a compact copy for the README.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    folder = readme_dir() if readme else None
    if folder is not None:
        publish(page.screenshot(full_page=False), folder / f"{name}.png")
    return path


def publish(png: bytes, path: Path) -> Path:
    """Write a screenshot as a small palette PNG (UI colours are flat; 256 are plenty)."""
    import io

    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, format="PNG", optimize=True)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser_page(request, monkeypatch) -> Iterator[Callable[..., object]]:
    """Return a factory of pages in one headless Chromium, closed after the test.

    ``browser_page(viewport=PHONE, locale="en-US")`` opens a new context (its own cookies) and
    returns its page. Phone-sized contexts are mobile with touch.
    """
    from django.db import connections
    from playwright import sync_api as playwright_sync

    # Playwright's sync API runs an event loop in this thread; the test still reads and writes
    # the database between steps, which Django would otherwise refuse as "async unsafe".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    pages = []
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )

        def new_page(*, viewport: dict | None = None, locale: str = "en-US"):
            viewport = viewport or DESKTOP
            mobile = viewport["width"] < 600
            context = browser.new_context(
                viewport=viewport,
                device_scale_factor=2 if mobile else 1,
                is_mobile=mobile,
                has_touch=mobile,
                locale=locale,
                timezone_id="Asia/Seoul",
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            pages.append(page)
            return page

        try:
            yield new_page
        finally:
            report = getattr(request.node, "report_call", None)
            if report is not None and report.failed:
                name = re.sub(r"[^\w.-]+", "-", request.node.name)
                for number, page in enumerate(pages, start=1):
                    try:
                        shot(page, f"failed-{name}-{number}")
                    except Exception:  # noqa: S112 - a closed page has nothing to show
                        continue
            browser.close()
            # The test body ran its queries in another context than Django's teardown sees (the
            # sync API switches greenlets), so close that connection here: left open, it keeps
            # the test database from being dropped at the end of the session. (A test inside a
            # transaction keeps its connection: closing it would lose the rollback.)
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()
