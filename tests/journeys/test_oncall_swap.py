"""Journey 5: an engineer asks a colleague to cover part of a shift; the colleague accepts.

Both work in the admin (on-call → swap requests). Accepting puts the colleague on the layer
for the period through an override, which the calendar highlights; who is on call changes for
that period only.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright import sync_api as playwright_sync

from core.people import person_name
from oncall.models import Override, SwapRequest
from oncall.selectors import oncall_at
from tests.browser import DESKTOP, needs_chromium, shot
from tests.journeys.conftest import LOCALE, admin_login, ko
from tests.oncall.factories import ScheduleFactory, make_layer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def schedule(engineers_ko):
    """The hotline's schedule: daily 09:00 handoffs, three engineers on each of two layers."""
    one, two, three = engineers_ko
    schedule = ScheduleFactory(name="핫라인 L3", team="Tier 3")
    make_layer(schedule, [one, two, three], name="Primary", position=1)
    make_layer(schedule, [two, three, one], name="Secondary", position=2)
    return schedule


def test_engineer_requests_a_swap_and_a_colleague_accepts(
    live_server, schedule, engineers_ko, browser_page
):
    expect = playwright_sync.expect
    primary = schedule.layers.get(position=1)
    tomorrow = timezone.localtime(timezone=SEOUL).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(18), SEOUL)
    end = datetime.combine(tomorrow, time(22), SEOUL)
    requester = oncall_at(schedule=schedule, layer=primary, at=start).user
    covering = next(e for e in engineers_ko if e != requester)

    # The engineer on call tomorrow evening asks a colleague to take 18:00-22:00.
    page = browser_page(viewport=DESKTOP, locale=LOCALE)
    admin_login(page, live_server, requester, next_url="/admin/oncall/swaprequest/add/")
    page.locator("#id_layer").select_option(str(primary.pk))
    expect(page.locator("#id_requester")).to_have_value(str(requester.pk))
    page.locator("#id_covering").select_option(str(covering.pk))
    page.locator("input[name=start_0]").fill(f"{tomorrow:%Y-%m-%d}")
    page.locator("input[name=start_1]").fill("18:00")
    page.locator("input[name=end_0]").fill(f"{tomorrow:%Y-%m-%d}")
    page.locator("input[name=end_1]").fill("22:00")
    page.locator("#id_note").fill("아이 학교 행사로 저녁 4시간만 부탁드립니다.")
    shot(page, "oncall-swap-request-ko")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    swap = SwapRequest.objects.get()
    assert swap.status == SwapRequest.Status.PENDING
    assert (swap.requester, swap.covering, swap.layer) == (requester, covering, primary)
    assert (swap.start, swap.end) == (start, end)
    assert not Override.objects.exists()

    # The colleague accepts it from the list with the admin action.
    colleague = browser_page(viewport=DESKTOP, locale=LOCALE)
    admin_login(colleague, live_server, covering, next_url="/admin/oncall/swaprequest/")
    row = colleague.get_by_role("row").filter(has=colleague.locator(f"input[value='{swap.pk}']"))
    expect(row).to_contain_text(ko("Pending"))
    row.locator("input.action-select").check()
    colleague.locator("select[name=action]").select_option(label=ko("Accept (I cover the period)"))
    shot(colleague, "oncall-swap-accept-ko", full_page=False, readme=True)
    colleague.get_by_role("button", name=ko("Go")).click()
    expect(colleague.locator(".messagelist .success")).to_contain_text(
        ko("%(count)s swap requests accepted.", count=1)
    )
    expect(row).to_contain_text(ko("Accepted"))

    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED
    assert swap.decided_at is not None
    override = swap.override
    assert (override.layer, override.user) == (primary, covering)
    assert (override.start, override.end) == (start, end)
    assert override.source == Override.Source.SWAP

    # Who is on call: the colleague during the period only, the requester around it.
    def on_call(at):
        return oncall_at(schedule=schedule, layer=primary, at=at).user

    assert on_call(start + timedelta(hours=2)) == covering
    assert on_call(start - timedelta(minutes=1)) == requester
    assert on_call(end) == requester

    # The calendar shows the swap as a highlighted override on tomorrow's shifts.
    colleague.goto(
        f"{live_server.url}/admin/oncall/schedule/{schedule.pk}/calendar/?date={tomorrow:%Y-%m-%d}"
    )
    day = colleague.locator("table.oncall-calendar td").filter(
        has=colleague.locator(".oncall-date", has_text=f"{tomorrow:%m-%d}")
    )
    overrides = day.locator(".oncall-override")
    expect(overrides).to_have_count(1)
    expect(overrides).to_contain_text(person_name(covering))
    expect(overrides).to_contain_text(re.compile(r"18:00\s*-\s*22:00"))
    shot(colleague, "oncall-calendar-ko", full_page=False, readme=True)
