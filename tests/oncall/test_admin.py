"""The on-call admin: schedules with inline layers, calendar, rota, sheets, fairness, history."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook

from oncall.models import Layer, Override, Schedule, SwapRequest
from oncall.selectors import oncall_at
from tests.oncall.factories import make_override
from tests.retainer.factories import UserFactory

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2025, 1, 8, 12, tzinfo=SEOUL)


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff_client(client, engineers):
    client.force_login(engineers[0])
    return client


def layer_form(prefix: str = "layers", **fields) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    values = {
        "name": "Primary",
        "position": "1",
        "participants": "engineer1, engineer2, engineer3",
        "start_date": "2024-12-26",
        "handoff_time": "09:00",
        "shift_count": "1",
        "shift_unit": "days",
        "restriction": "",
        "ends_at_0": "2025-01-01",
        "ends_at_1": "09:00",
        **fields,
    }
    data.update({f"{prefix}-0-{name}": value for name, value in values.items()})
    return data


def test_the_holiday_rota_in_one_form(staff_client, engineers):
    """Seed 000 in the admin: a schedule, one layer, three names, dates — one POST."""
    data = {
        "name": "연말연시 당직",
        "team": "T3",
        "time_zone": "Asia/Seoul",
        "description": "",
        "is_active": "on",
        **layer_form(),
    }
    response = staff_client.post(reverse("admin:oncall_schedule_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    schedule = Schedule.objects.get(name="연말연시 당직")
    layer = schedule.layers.get()
    answers = [
        oncall_at(schedule=schedule, layer=layer, at=seoul(2024, 12, day, 12)).user.username
        for day in (26, 27, 28, 29, 30, 31)
    ]
    assert answers == ["engineer1", "engineer2", "engineer3"] * 2
    assert schedule.history.first().history_user == engineers[0]


def test_an_inline_rotation_error_is_shown(staff_client):
    data = {"name": "S", "team": "", "time_zone": "Asia/Seoul", **layer_form(participants="ghost")}
    response = staff_client.post(reverse("admin:oncall_schedule_add"), data)
    assert response.status_code == 200
    assert "ghost" in response.content.decode()
    assert not Schedule.objects.exists()


def test_editing_a_layer_adds_a_rotation_version(staff_client, schedule, primary):
    url = reverse("admin:oncall_schedule_change", args=[schedule.pk])
    data = {
        "name": schedule.name,
        "team": schedule.team,
        "time_zone": schedule.time_zone,
        "is_active": "on",
        **layer_form(
            participants="engineer3, engineer1",
            start_date="2025-01-06",
            ends_at_0="",
            ends_at_1="",
            id=str(primary.pk),
            schedule=str(schedule.pk),
        ),
        "layers-INITIAL_FORMS": "1",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert primary.rotations.count() == 2
    schedule.refresh_from_db()
    assert (
        oncall_at(schedule=schedule, layer=primary, at=seoul(2025, 1, 7, 12)).user.username
        == "engineer2"
    )


@pytest.mark.parametrize("view", ["week", "month"])
def test_calendar_marks_overrides(staff_client, schedule, engineers, primary, view):
    make_override(primary, engineers[2], seoul(2025, 1, 8, 12), seoul(2025, 1, 8, 14))
    url = reverse("admin:oncall_schedule_calendar", args=[schedule.pk])
    response = staff_client.get(url, {"view": view, "date": "2025-01-08"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('oncall-entry oncall-override"') == 1
    assert "12:00-14:00" in body


def test_index_shows_who_is_on_call_now(staff_client, schedule, primary):
    response = staff_client.get(reverse("admin:index"))
    body = response.content.decode()
    assert 'id="oncall-now"' in body
    assert "E3" in body  # 2025-01-08 is engineer3's day


def test_rota_page_creates_the_overrides(staff_client, schedule, primary):
    data = {
        "layer": str(primary.pk),
        "participants": "engineer1 engineer2 engineer3",
        "start_0": "2024-12-26",
        "start_1": "09:00",
        "end_0": "2025-01-01",
        "end_1": "09:00",
        "shift_hours": "24",
        "reason": "holiday",
    }
    response = staff_client.post(reverse("admin:oncall_override_rota"), data)
    assert response.status_code == 302
    assert Override.objects.filter(source=Override.Source.ROTA).count() == 6


def test_sheet_import_previews_then_imports(staff_client, schedule, primary):
    book = Workbook()
    book.active.append(["date", "start", "end", "layer", "engineer"])
    book.active.append(["2025-01-10", "18:00", "09:00", "Primary", "engineer2"])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "holiday.xlsx"
    url = reverse("admin:oncall_schedule_import", args=[schedule.pk])
    preview = staff_client.post(url, {"sheet": upload})
    assert preview.status_code == 200
    assert not Override.objects.exists()
    payload = preview.context["payload"]
    assert payload
    done = staff_client.post(url, {"payload": payload})
    assert done.status_code == 302
    assert Override.objects.get().end == seoul(2025, 1, 11, 9)


def test_export_downloads_xlsx(staff_client, schedule, primary):
    url = reverse("admin:oncall_schedule_export", args=[schedule.pk])
    response = staff_client.get(url, {"start": "2025-01-06", "end": "2025-01-13"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_fairness_page_and_csv(staff_client, schedule, primary):
    url = reverse("admin:oncall_schedule_fairness")
    page = staff_client.get(url, {"month": "2025-01"})
    assert page.status_code == 200
    assert "E1" in page.content.decode()
    csv = staff_client.get(url, {"month": "2025-01", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert len(csv.content.decode().strip().splitlines()) == 4


def test_override_added_in_the_admin_goes_through_the_service(staff_client, primary, engineers):
    data = {
        "layer": str(primary.pk),
        "user": str(engineers[1].pk),
        "start_0": "2025-01-09",
        "start_1": "10:00",
        "end_0": "2025-01-09",
        "end_1": "08:00",
        "reason": "",
    }
    response = staff_client.post(reverse("admin:oncall_override_add"), data)
    assert response.status_code == 200  # the end is before the start
    assert not Override.objects.exists()
    data["end_1"] = "12:00"
    assert staff_client.post(reverse("admin:oncall_override_add"), data).status_code == 302
    assert Override.objects.get().created_by == engineers[0]


def test_swap_accept_action(client, schedule, primary, engineers):
    client.force_login(engineers[2])  # engineer3 is on call on 2025-01-08
    data = {
        "layer": str(primary.pk),
        "requester": str(engineers[2].pk),
        "covering": str(engineers[0].pk),
        "start_0": "2025-01-08",
        "start_1": "18:00",
        "end_0": "2025-01-08",
        "end_1": "22:00",
        "note": "",
    }
    assert client.post(reverse("admin:oncall_swaprequest_add"), data).status_code == 302
    swap = SwapRequest.objects.get()
    client.force_login(engineers[0])
    action = {"action": "accept", "_selected_action": [str(swap.pk)]}
    client.post(reverse("admin:oncall_swaprequest_changelist"), action)
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED


@pytest.mark.parametrize(
    "name", ["schedule", "override", "swaprequest", "notificationprofile", "rotation", "layer"]
)
def test_history_pages(staff_client, schedule, primary, engineers, name):
    make_override(primary, engineers[0], seoul(2025, 1, 9), seoul(2025, 1, 10))
    objects = {
        "schedule": schedule,
        "layer": primary,
        "rotation": primary.rotations.get(),
        "override": Override.objects.get(),
    }
    if name in objects:
        url = reverse(f"admin:oncall_{name}_history", args=[objects[name].pk])
    else:
        url = reverse(f"admin:oncall_{name}_changelist")
    assert staff_client.get(url).status_code == 200


def test_account_managers_read_but_do_not_change(client, account_manager, schedule, primary):
    client.force_login(account_manager)
    assert (
        client.get(reverse("admin:oncall_schedule_calendar", args=[schedule.pk])).status_code == 200
    )
    assert client.get(reverse("admin:oncall_schedule_add")).status_code == 403
    assert (
        client.get(reverse("admin:oncall_schedule_import", args=[schedule.pk])).status_code == 403
    )


def test_customers_never_reach_the_admin(client, customer_user_a, schedule):
    client.force_login(customer_user_a)
    response = client.get(reverse("admin:oncall_schedule_calendar", args=[schedule.pk]))
    assert response.status_code == 302  # to the admin login


def test_non_staff_users_are_not_offered_as_participants(staff_client):
    UserFactory(username="outsider", is_staff=False)
    data = {
        "name": "S",
        "team": "",
        "time_zone": "Asia/Seoul",
        **layer_form(participants="outsider"),
    }
    response = staff_client.post(reverse("admin:oncall_schedule_add"), data)
    assert "outsider" in response.content.decode()
    assert not Layer.objects.exists()
