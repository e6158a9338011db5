"""On-call writes: rotation versions, schedules, overrides, rotas, swaps, reminders, profiles."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.notifications.models import Delivery, WebhookEndpoint
from oncall.demo import HOLIDAY, seed_oncall_demo
from oncall.models import (
    NotificationProfile,
    Override,
    Rotation,
    Schedule,
    ShiftReminder,
    SwapRequest,
)
from oncall.selectors import oncall_at, shifts_between
from oncall.services import (
    channels_for,
    layer_delete,
    notify_user,
    override_create,
    override_delete,
    override_rota_create,
    profile_update,
    rotation_change,
    schedule_delete,
    schedule_update,
    shift_reminders_send,
    swap_request_accept,
    swap_request_cancel,
    swap_request_create,
    swap_request_decline,
)
from oncall.tasks import send_shift_reminders
from tests.oncall.factories import make_layer, rotation
from tests.retainer.factories import CustomerUserFactory

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


def who(schedule, layer, at):
    schedule.refresh_from_db()
    answer = oncall_at(schedule=schedule, layer=layer, at=at)
    return answer.user.username if answer.user else None


# --- rotations: a change never rewrites the past -------------------------------------------


@time_machine.travel(seoul(2025, 1, 10, 12), tick=False)
def test_rotation_change_applies_from_effective_from_only(schedule, engineers, primary):
    assert who(schedule, primary, seoul(2025, 1, 8, 12)) == "engineer3"
    e1, e2, e3 = engineers
    rotation_change(layer=primary, rotation=rotation([e3, e2, e1]), actor=e1)
    assert who(schedule, primary, seoul(2025, 1, 8, 12)) == "engineer3"  # the past stays
    assert who(schedule, primary, seoul(2025, 1, 7, 12)) == "engineer2"
    assert who(schedule, primary, seoul(2025, 1, 10, 13)) == "engineer2"  # shift 4 → new order
    assert primary.rotations.count() == 2
    assert Rotation.history.filter(layer_id=primary.pk).count() == 2


@time_machine.travel(seoul(2025, 1, 10, 12), tick=False)
def test_rotation_change_refuses_the_past(primary, engineers):
    with pytest.raises(ValidationError) as error:
        rotation_change(
            layer=primary,
            rotation=rotation(engineers[::-1]),
            effective_from=seoul(2025, 1, 9),
            actor=engineers[0],
        )
    assert "effective_from" in error.value.message_dict


@time_machine.travel(seoul(2025, 1, 10, 12), tick=False)
def test_rotation_change_without_a_difference_adds_nothing(primary, engineers):
    assert rotation_change(layer=primary, rotation=rotation(engineers), actor=None) is None
    assert primary.rotations.count() == 1


@time_machine.travel(seoul(2025, 1, 10, 12), tick=False)
def test_a_later_change_replaces_a_planned_one(primary, engineers):
    _e1, e2, e3 = engineers
    rotation_change(
        layer=primary, rotation=rotation([e2]), effective_from=seoul(2025, 2, 1), actor=None
    )
    rotation_change(
        layer=primary, rotation=rotation([e3]), effective_from=seoul(2025, 1, 20), actor=None
    )
    assert list(primary.rotations.values_list("effective_from", flat=True))[-1] == seoul(
        2025, 1, 20
    )
    assert primary.rotations.count() == 2


def test_participants_must_be_the_firms_engineers(schedule, customer_a):
    outsider = CustomerUserFactory(customer=customer_a).user
    with pytest.raises(ValidationError) as error:
        make_layer(schedule, [outsider])
    assert "participants" in error.value.message_dict


def test_a_custom_restriction_needs_days_and_a_start(schedule, engineers):
    with pytest.raises(ValidationError):
        make_layer(schedule, engineers, restriction=Rotation.Restriction.CUSTOM)


@time_machine.travel(seoul(2025, 1, 10, 12), tick=False)
def test_a_new_time_zone_applies_from_now_on(schedule, engineers, primary):
    schedule_update(schedule=schedule, time_zone="Europe/Berlin", actor=engineers[0])
    schedule.refresh_from_db()
    past = oncall_at(schedule=schedule, layer=primary, at=seoul(2025, 1, 8, 12))
    assert past.until == seoul(2025, 1, 9, 9)  # worked in Seoul time
    future = oncall_at(schedule=schedule, layer=primary, at=seoul(2025, 1, 12, 12))
    assert future.until == datetime(2025, 1, 12, 9, tzinfo=ZoneInfo("Europe/Berlin"))


def test_layer_delete_forgets_the_layer(schedule, primary):
    layer_delete(layer=primary, actor=None)
    schedule.refresh_from_db()
    assert oncall_at(schedule=schedule, at=seoul(2025, 1, 8)) == []


# --- overrides and the holiday rota ---------------------------------------------------------


def test_override_needs_an_end_after_its_start(primary, engineers):
    with pytest.raises(ValidationError):
        override_create(
            layer=primary,
            user=engineers[0],
            start=seoul(2025, 1, 8),
            end=seoul(2025, 1, 8),
            actor=None,
        )


def test_seed_000_holiday_rota_as_overrides(schedule, engineers, primary):
    created = override_rota_create(
        layer=primary,
        participants=engineers,
        start=seoul(2024, 12, 26, 9),
        end=seoul(2025, 1, 1, 9),
        actor=engineers[0],
        reason="연말연시 당직",
    )
    assert [o.user.username for o in created] == ["engineer1", "engineer2", "engineer3"] * 2
    assert all(o.source == Override.Source.ROTA for o in created)
    assert who(schedule, primary, seoul(2024, 12, 31, 12)) == "engineer3"


def test_a_rota_shift_is_whole_hours(primary, engineers):
    with pytest.raises(ValidationError):
        override_rota_create(
            layer=primary,
            participants=engineers,
            start=seoul(2025, 1, 1),
            end=seoul(2025, 1, 2),
            shift=timedelta(minutes=90),
            actor=None,
        )


# --- swap requests --------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(seoul(2025, 1, 6, 10), tick=False):
        yield


def _swap(primary, engineers, **kwargs):
    e1, e2, _e3 = engineers
    fields = {
        "layer": primary,
        "requester": e1,
        "covering": e2,
        "start": seoul(2025, 1, 6, 18),
        "end": seoul(2025, 1, 6, 22),
        "actor": e1,
    }
    return swap_request_create(**{**fields, **kwargs})


def test_accepting_a_swap_creates_an_override(
    frozen, schedule, primary, engineers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        swap = _swap(primary, engineers)
    assert swap.status == SwapRequest.Status.PENDING
    assert mail.outbox[-1].to == ["engineer2@example.com"]
    swap_request_accept(swap=swap, actor=engineers[1])
    assert swap.status == SwapRequest.Status.ACCEPTED
    assert swap.override.source == Override.Source.SWAP
    assert who(schedule, primary, seoul(2025, 1, 6, 19)) == "engineer2"
    assert who(schedule, primary, seoul(2025, 1, 6, 22)) == "engineer1"


def test_declining_a_swap_changes_nothing(frozen, schedule, primary, engineers):
    swap = swap_request_decline(swap=_swap(primary, engineers), actor=engineers[1])
    assert swap.status == SwapRequest.Status.DECLINED
    assert not Override.objects.exists()


def test_only_the_colleague_asked_may_accept(frozen, primary, engineers):
    swap = _swap(primary, engineers)
    with pytest.raises(PermissionDenied):
        swap_request_accept(swap=swap, actor=engineers[2])


def test_a_decided_swap_cannot_be_decided_again(frozen, primary, engineers):
    swap = swap_request_cancel(swap=_swap(primary, engineers), actor=engineers[0])
    with pytest.raises(ValidationError):
        swap_request_accept(swap=swap, actor=engineers[1])


def test_a_swap_needs_the_requester_on_call_throughout(frozen, primary, engineers):
    with pytest.raises(ValidationError):
        _swap(primary, engineers, end=seoul(2025, 1, 7, 12))  # engineer2's shift from 09:00


def test_nobody_asks_for_a_swap_on_someone_elses_behalf(frozen, primary, engineers):
    with pytest.raises(PermissionDenied):
        _swap(primary, engineers, actor=engineers[2])


# --- reminders ------------------------------------------------------------------------------


def test_shift_reminder_is_sent_once_n_hours_ahead(
    schedule, primary, engineers, django_capture_on_commit_callbacks
):
    profile_update(user=engineers[1], actor=None, reminder_lead_hours=12)
    with (
        time_machine.travel(seoul(2025, 1, 6, 21, 30), tick=False),  # engineer2 starts 09:00
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert shift_reminders_send() == 1
        assert shift_reminders_send() == 0
    assert mail.outbox[-1].to == ["engineer2@example.com"]
    assert "12" in mail.outbox[-1].subject
    assert ShiftReminder.objects.filter(kind=ShiftReminder.Kind.UPCOMING).count() == 1


def test_handoff_message_goes_to_both_engineers(
    schedule, primary, engineers, django_capture_on_commit_callbacks
):
    for user in engineers:
        profile_update(user=user, actor=None, reminder_lead_hours=0)
    with (
        time_machine.travel(seoul(2025, 1, 7, 9, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert shift_reminders_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "engineer1@example.com",
        "engineer2@example.com",
    ]


def test_no_handoff_message_long_after_the_handoff(schedule, primary, engineers):
    for user in engineers:
        profile_update(user=user, actor=None, reminder_lead_hours=0)
    with time_machine.travel(seoul(2025, 1, 7, 10), tick=False):
        assert shift_reminders_send() == 0


def test_reminders_follow_the_engineers_language(
    schedule, primary, engineers, django_capture_on_commit_callbacks
):
    profile_update(user=engineers[1], actor=None, language="en", reminder_lead_hours=12)
    profile_update(user=engineers[2], actor=None, language="ko", reminder_lead_hours=24)
    for moment in (seoul(2025, 1, 7, 8), seoul(2025, 1, 7, 10)):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            shift_reminders_send()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "starts in 12 h" in subjects["engineer2@example.com"]
    assert "24시간" in subjects["engineer3@example.com"]


# --- contact preferences and quiet hours ----------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (None, ["email"]),
        (3, ["email"]),
        (1, ["email", "sms", "slack"]),
        (2, ["email", "sms", "slack"]),
    ],
)
def test_quiet_hours_hold_back_interruptions_except_severity_1_and_2(engineers, severity, expected):
    profile = profile_update(
        user=engineers[0],
        actor=None,
        phone="010-1234-5678",
        slack_member_id="U012AB3CD",
        notify_by_sms=True,
        notify_by_slack=True,
        quiet_hours_start=time(22),
        quiet_hours_end=time(7),
    )
    assert channels_for(profile, at=seoul(2025, 1, 7, 23), severity=severity) == expected
    assert channels_for(profile, at=seoul(2025, 1, 7, 12), severity=severity) == [
        "email",
        "sms",
        "slack",
    ]


def test_notify_user_sends_to_the_profile_address(engineers, django_capture_on_commit_callbacks):
    profile_update(user=engineers[0], actor=None, email="pager@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_user(engineers[0], "Subject", "Body") == ["email"]
    assert mail.outbox[-1].to == ["pager@example.com"]
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.fixture
def reachable_everywhere(engineers):
    WebhookEndpoint.objects.create(
        name="Pager channel",
        kind=WebhookEndpoint.Kind.SLACK,
        url="https://hooks.slack.example/T0/B0/x",
        pages_people=True,
    )
    return profile_update(
        user=engineers[1],
        actor=None,
        phone="010-1234-5678",
        slack_member_id="U012AB3CD",
        notify_by_sms=True,
        notify_by_slack=True,
        quiet_hours_start=time(22),
        quiet_hours_end=time(7),
        reminder_lead_hours=12,
    )


def test_reminder_writes_one_delivery_per_channel_once(schedule, primary, reachable_everywhere):
    with time_machine.travel(seoul(2025, 1, 6, 21, 30), tick=False):  # engineer2 starts 09:00
        assert shift_reminders_send() == 1
    rows = {d.channel: d for d in Delivery.objects.all()}
    assert set(rows) == {"email", "sms", "slack"}
    assert rows["email"].address == "engineer2@example.com"
    assert rows["sms"].address == "010-1234-5678"
    assert rows["slack"].address == "U012AB3CD"
    assert rows["slack"].endpoint.name == "Pager channel"
    assert {d.recipient for d in rows.values()} == {reachable_everywhere.user}
    key = rows["email"].idempotency_key.removesuffix(":email")
    user = reachable_everywhere.user
    at = seoul(2025, 1, 6, 21, 30)
    assert notify_user(user, "Again", "Again", now=at, key=key) == ["email", "sms", "slack"]
    assert Delivery.objects.count() == 3


def test_notify_user_holds_back_sms_and_slack_in_quiet_hours(reachable_everywhere):
    user, night = reachable_everywhere.user, seoul(2025, 1, 7, 23)
    assert notify_user(user, "Low", "Low", severity=3, now=night, key="low") == ["email"]
    assert notify_user(user, "High", "High", severity=2, now=night, key="high") == [
        "email",
        "sms",
        "slack",
    ]
    keys = set(Delivery.objects.values_list("idempotency_key", flat=True))
    assert keys == {"low:email", "high:email", "high:sms", "high:slack"}


def test_notify_user_skips_slack_without_a_people_channel(reachable_everywhere):
    endpoint = WebhookEndpoint.objects.get()
    endpoint.is_active = False
    endpoint.save()
    at = seoul(2025, 1, 7, 12)
    assert notify_user(reachable_everywhere.user, "S", "B", now=at) == ["email", "sms"]
    assert not Delivery.objects.filter(channel="slack").exists()


def test_profile_update_validates_slack_ids(engineers):
    with pytest.raises(ValidationError):
        profile_update(user=engineers[0], actor=None, slack_member_id="not-an-id")


def test_profile_update_needs_both_ends_of_quiet_hours(engineers):
    with pytest.raises(ValidationError):
        profile_update(user=engineers[0], actor=None, quiet_hours_start=time(22))


def test_profile_history_records_the_actor(engineers):
    profile = profile_update(user=engineers[0], actor=engineers[1], phone="010-9999-0000")
    assert profile.history.first().history_user == engineers[1]
    assert NotificationProfile.objects.count() == 1


def test_shifts_between_reflects_the_holiday_date(schedule, engineers):
    layer = make_layer(
        schedule, engineers, start_date=date(2024, 12, 26), ends_at=seoul(2025, 1, 1, 9)
    )
    schedule.refresh_from_db()
    shifts = shifts_between(schedule=schedule, start=seoul(2024, 12, 1), end=seoul(2025, 2, 1))
    assert len(shifts) == 6
    assert {s.layer for s in shifts} == {layer}


# --- deletions keep every change in the history -------------------------------------------


def test_deleting_a_schedule_with_an_accepted_swap(frozen, schedule, primary, engineers):
    swap = swap_request_accept(swap=_swap(primary, engineers), actor=engineers[1])
    schedule_delete(schedule=schedule, actor=engineers[0])
    assert not SwapRequest.objects.exists()
    assert SwapRequest.history.filter(id=swap.pk, history_type="-").exists()
    assert Override.history.filter(history_type="-").count() == 1


def test_deleting_a_swaps_override_unlinks_it_with_history(frozen, primary, engineers):
    swap = swap_request_accept(swap=_swap(primary, engineers), actor=engineers[1])
    override_delete(override=swap.override, actor=engineers[0])
    swap.refresh_from_db()
    assert swap.override is None
    assert swap.history.first().history_user == engineers[0]


# --- the shift reminder task and the demo data ---------------------------------------------


def test_the_reminder_task_runs_the_service(schedule, primary, engineers):
    with time_machine.travel(seoul(2025, 1, 6, 21, 30), tick=False):
        assert send_shift_reminders.delay().get() == 1


def test_seed_demo_holds_the_seed_000_holiday_rota(engineers):
    seed_oncall_demo()
    seed_oncall_demo()  # idempotent
    holiday = Schedule.objects.get(name=HOLIDAY)
    days = [seoul(2024, 12, day, 12) for day in range(26, 32)]
    names = [oncall_at(schedule=holiday, at=day)[0].user.username for day in days]
    assert names == ["engineer1", "engineer2", "engineer3"] * 2
    assert oncall_at(schedule=holiday, at=seoul(2025, 1, 1, 10))[0].user is None
    assert Schedule.objects.count() == 2
