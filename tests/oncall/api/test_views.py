"""The on-call API: schedules CRUD and shifts, who is on call, layers, overrides, swaps."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from oncall.models import Override, Schedule, SwapRequest
from tests.oncall.factories import make_override

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2025, 1, 8, 12, tzinfo=SEOUL)
BASE = "/api/v1/oncall"


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(api_client, engineers):
    api_client.force_authenticate(engineers[0])
    return api_client


def test_schedule_crud(api):
    created = api.post(
        f"{BASE}/schedules/", {"name": "DB", "team": "DBA", "time_zone": "Asia/Seoul"}
    )
    assert created.status_code == 201
    pk = created.data["id"]
    assert api.get(f"{BASE}/schedules/{pk}/").data["layers"] == []
    changed = api.patch(f"{BASE}/schedules/{pk}/", {"team": "Data"}, format="json")
    assert changed.status_code == 200
    assert Schedule.objects.get(pk=pk).team == "Data"
    assert api.delete(f"{BASE}/schedules/{pk}/").status_code == 204
    assert not Schedule.objects.filter(pk=pk).exists()


def test_schedule_rejects_an_unknown_time_zone(api):
    response = api.post(f"{BASE}/schedules/", {"name": "X", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "time_zone" in response.data


def test_schedule_list_shows_the_current_rotation(api, schedule, primary):
    response = api.get(f"{BASE}/schedules/")
    layer = response.data["results"][0]["layers"][0]
    assert [p["username"] for p in layer["rotation"]["participants"]] == [
        "engineer1",
        "engineer2",
        "engineer3",
    ]


def test_shifts_of_a_period(api, schedule, engineers, primary):
    make_override(primary, engineers[0], seoul(2025, 1, 8, 12), seoul(2025, 1, 8, 13))
    response = api.get(
        f"{BASE}/schedules/{schedule.pk}/shifts/",
        {"start": "2025-01-08T09:00:00+09:00", "end": "2025-01-09T09:00:00+09:00"},
    )
    assert response.status_code == 200
    assert [(s["user"]["username"], s["override"] is not None) for s in response.data] == [
        ("engineer3", False),
        ("engineer1", True),
        ("engineer3", False),
    ]


def test_shifts_need_a_sane_period(api, schedule):
    response = api.get(
        f"{BASE}/schedules/{schedule.pk}/shifts/",
        {"start": "2025-01-09T00:00:00Z", "end": "2025-01-08T00:00:00Z"},
    )
    assert response.status_code == 400


def test_now_answers_each_layer_with_nobody_too(api, schedule, engineers, primary):
    api.post(
        f"{BASE}/layers/",
        {
            "schedule": schedule.pk,
            "name": "Nights",
            "participants": [engineers[1].pk],
            "start_date": "2025-01-06",
            "restriction": "nights",
        },
        format="json",
    )
    response = api.get(f"{BASE}/now/", {"schedule": schedule.pk, "at": "2025-01-08T12:00:00+09:00"})
    layers = response.data["layers"]
    assert layers[0]["user"]["username"] == "engineer3"
    assert layers[0]["until"] == "2025-01-09T09:00:00+09:00"
    assert layers[1]["user"] is None
    assert layers[1]["until"] == "2025-01-08T18:00:00+09:00"


def test_now_defaults_to_the_current_time(api, schedule, primary):
    response = api.get(f"{BASE}/now/", {"schedule": schedule.pk})
    assert response.data["layers"][0]["user"]["username"] == "engineer3"


def test_layer_update_adds_a_version_from_effective_from(api, schedule, engineers, primary):
    body = {
        "schedule": schedule.pk,
        "name": "Primary",
        "participants": [engineers[1].pk],
        "start_date": "2025-01-06",
        "effective_from": "2025-01-10T09:00:00+09:00",
    }
    assert api.put(f"{BASE}/layers/{primary.pk}/", body, format="json").status_code == 200
    before = api.get(f"{BASE}/now/", {"schedule": schedule.pk, "at": "2025-01-09T12:00:00+09:00"})
    after = api.get(f"{BASE}/now/", {"schedule": schedule.pk, "at": "2025-01-10T12:00:00+09:00"})
    assert before.data["layers"][0]["user"]["username"] == "engineer1"
    assert after.data["layers"][0]["user"]["username"] == "engineer2"


def test_layer_update_refuses_the_past(api, schedule, engineers, primary):
    body = {
        "schedule": schedule.pk,
        "name": "Primary",
        "participants": [engineers[1].pk],
        "start_date": "2025-01-06",
        "effective_from": "2025-01-01T09:00:00+09:00",
    }
    response = api.put(f"{BASE}/layers/{primary.pk}/", body, format="json")
    assert response.status_code == 400
    assert "effective_from" in response.data


def test_override_crud(api, primary, engineers):
    body = {
        "layer": primary.pk,
        "user": engineers[1].pk,
        "start": "2025-01-09T10:00:00+09:00",
        "end": "2025-01-09T12:00:00+09:00",
        "reason": "dentist",
    }
    created = api.post(f"{BASE}/overrides/", body, format="json")
    assert created.status_code == 201
    pk = created.data["id"]
    moved = api.patch(
        f"{BASE}/overrides/{pk}/", {"end": "2025-01-09T13:00:00+09:00"}, format="json"
    )
    assert moved.status_code == 200
    assert Override.objects.get(pk=pk).end == seoul(2025, 1, 9, 13)
    bad = api.patch(f"{BASE}/overrides/{pk}/", {"end": "2025-01-09T09:00:00+09:00"}, format="json")
    assert bad.status_code == 400
    assert api.delete(f"{BASE}/overrides/{pk}/").status_code == 204


def test_swap_request_flow(api_client, schedule, engineers, primary):
    api_client.force_authenticate(engineers[2])  # on call on 2025-01-08
    body = {
        "layer": primary.pk,
        "covering": engineers[0].pk,
        "start": "2025-01-08T18:00:00+09:00",
        "end": "2025-01-08T22:00:00+09:00",
    }
    created = api_client.post(f"{BASE}/swap-requests/", body, format="json")
    assert created.status_code == 201
    pk = created.data["id"]
    assert api_client.post(f"{BASE}/swap-requests/{pk}/accept/").status_code == 403
    api_client.force_authenticate(engineers[0])
    accepted = api_client.post(f"{BASE}/swap-requests/{pk}/accept/")
    assert accepted.data["status"] == SwapRequest.Status.ACCEPTED
    now = api_client.get(
        f"{BASE}/now/", {"schedule": schedule.pk, "at": "2025-01-08T19:00:00+09:00"}
    )
    assert now.data["layers"][0]["user"]["username"] == "engineer1"


def test_customers_get_nothing(api_client, customer_user_a, schedule):
    api_client.force_authenticate(customer_user_a)
    assert api_client.get(f"{BASE}/schedules/").status_code == 403
    assert api_client.get(f"{BASE}/now/", {"schedule": schedule.pk}).status_code == 403


def test_account_managers_read_only(api_client, account_manager, schedule):
    api_client.force_authenticate(account_manager)
    assert api_client.get(f"{BASE}/schedules/").status_code == 200
    assert api_client.post(f"{BASE}/schedules/", {"name": "X"}).status_code == 403


def test_anonymous_is_asked_to_log_in(api_client):
    assert api_client.get(f"{BASE}/schedules/").status_code == 401
