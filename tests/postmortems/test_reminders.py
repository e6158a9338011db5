"""The deadline as an SLO: reminders at 24 h and 4 h, escalation when overdue, on-time record,
and the weekly chase of overdue action items. The clock is frozen; the sweep is called directly."""

from datetime import date, timedelta

import pytest

from core.notifications.models import Delivery
from incidents.escalation.models import SloKind, SloTimer
from incidents.escalation.sweep import timers_sweep
from postmortems.chase import action_items_chase
from postmortems.models import ActionItem, Reminder
from postmortems.reminders import REMINDER_TOPIC, reminders_sweep
from postmortems.selectors import action_item_overdue_list, postmortem_overdue_list
from postmortems.services import (
    postmortem_approve,
    postmortem_cancel,
    postmortem_publish,
    postmortem_submit,
)
from tests.postmortems.conftest import DUE
from tests.retainer.factories import AccountManagerFactory, SupportUserFactory, UserFactory


def _reminders(**filters):
    return Delivery.objects.filter(topic=REMINDER_TOPIC, **filters)


def _publish(postmortem, actor):
    postmortem_submit(postmortem=postmortem, actor=actor, reviewers=[actor])
    postmortem_approve(postmortem=postmortem, actor=actor)
    postmortem_publish(postmortem=postmortem, actor=actor)


def test_nothing_is_sent_before_the_first_reminder(draft, clock):
    clock.move_to(DUE - timedelta(hours=24, minutes=1))
    timers_sweep()
    assert not _reminders().exists()


def test_the_owner_is_reminded_24_and_4_hours_before_once_each(draft, support_user, clock):
    clock.move_to(DUE - timedelta(hours=24))
    timers_sweep()  # the beat job: the post-mortem hook runs after the incident timers
    timers_sweep()  # a second beat, or a re-run, sends nothing new
    first = _reminders().get()
    assert first.recipient == support_user
    assert first.address == support_user.email
    assert first.data["reminder"] == "due_24h"
    assert draft.incident.key in first.subject
    clock.move_to(DUE - timedelta(hours=4))
    reminders_sweep()
    reminders_sweep()
    assert list(_reminders().order_by("id").values_list("data__reminder", flat=True)) == [
        "due_24h",
        "due_4h",
    ]
    sent = Reminder.objects.get(post_mortem=draft, kind="due_4h")
    assert (sent.state, sent.sent_at) == (Reminder.State.SENT, DUE - timedelta(hours=4))


def test_overdue_escalates_to_the_owner_and_the_account_manager(draft, support_user, clock):
    manager = AccountManagerFactory(username="am-acme")
    contract = draft.incident.contract
    contract.account_manager = manager
    contract.save()
    clock.move_to(DUE + timedelta(seconds=1))
    timers_sweep()
    overdue = _reminders(data__reminder="overdue")
    assert {d.recipient for d in overdue} == {support_user, manager}
    # The 24 h and 4 h reminders, reached only after the due time, are superseded.
    assert not _reminders(data__reminder="due_24h").exists()
    entry = draft.incident.timeline.get(data__reminder="overdue")
    assert "사후 분석 리포트 기한이 지나" in entry.text  # in the site language (ko)
    slo = SloTimer.objects.get(incident=draft.incident, kind=SloKind.POSTMORTEM)
    assert slo.state == SloTimer.State.BREACHED
    assert list(postmortem_overdue_list()) == [draft]


def test_without_an_account_manager_superusers_are_told(draft, support_user, clock):
    contract = draft.incident.contract
    contract.account_manager = None
    contract.save()
    customer = draft.incident.customer
    customer.account_manager = None
    customer.save()
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    clock.move_to(DUE)
    reminders_sweep()
    assert {d.recipient for d in _reminders(data__reminder="overdue")} == {support_user, boss}


def test_publishing_on_time_records_met_and_stops_the_reminders(draft, support_user, clock):
    clock.move_to(DUE - timedelta(hours=10))
    _publish(draft, support_user)
    clock.move_to(DUE + timedelta(days=1))
    timers_sweep()
    assert not _reminders(data__reminder__in=["due_4h", "overdue"]).exists()
    slo = SloTimer.objects.get(incident=draft.incident, kind=SloKind.POSTMORTEM)
    assert slo.state == SloTimer.State.MET
    assert draft.on_time is True
    assert list(postmortem_overdue_list()) == []


def test_publishing_late_records_breached(draft, support_user, clock):
    clock.move_to(DUE + timedelta(hours=3))
    timers_sweep()
    _publish(draft, support_user)
    slo = SloTimer.objects.get(incident=draft.incident, kind=SloKind.POSTMORTEM)
    assert (slo.state, slo.breached_at) == (SloTimer.State.BREACHED, slo.due_at)
    assert draft.on_time is False


def test_a_failing_hook_does_not_break_the_sweep(draft, clock, monkeypatch):
    from incidents.escalation import sweep

    def broken(*, now):
        raise RuntimeError("boom")

    monkeypatch.setattr(sweep, "SWEEP_HOOKS", [broken])
    clock.move_to(DUE)
    timers_sweep()  # logs the failure, still fires the incident timers
    assert SloTimer.objects.get(incident=draft.incident, kind="postmortem").state == "breached"


# --- the weekly chase of overdue action items ----------------------------------------------


@pytest.fixture
def items(draft, support_user):
    other = SupportUserFactory(username="support2")
    make = ActionItem.objects.create
    return {
        "late": make(
            post_mortem=draft,
            title="Add disk alerts",
            type="detect",
            owner=support_user,
            due_date=date(2026, 3, 5),
        ),
        "late2": make(
            post_mortem=draft,
            title="Runbook for failover",
            type="process",
            owner=support_user,
            due_date=date(2026, 3, 6),
        ),
        "other": make(
            post_mortem=draft,
            title="Capacity plan",
            type="prevent",
            owner=other,
            due_date=date(2026, 3, 4),
        ),
        "unowned": make(
            post_mortem=draft, title="Review quotas", type="prevent", due_date=date(2026, 3, 4)
        ),
        "done": make(
            post_mortem=draft,
            title="Restart",
            type="mitigate",
            owner=other,
            due_date=date(2026, 3, 3),
            status="done",
        ),
        "future": make(
            post_mortem=draft,
            title="Later",
            type="prevent",
            owner=other,
            due_date=date(2026, 3, 30),
        ),
    }


def test_overdue_action_items_are_open_and_past_due(items):
    overdue = set(action_item_overdue_list(today=date(2026, 3, 9)))
    assert overdue == {items["late"], items["late2"], items["other"], items["unowned"]}


def test_action_items_of_a_cancelled_post_mortem_are_not_chased(items, draft, support_user):
    postmortem_cancel(postmortem=draft, reason="Not needed after all", actor=support_user)

    assert not set(action_item_overdue_list(today=date(2026, 3, 9))) & set(items.values())


def test_each_owner_gets_one_digest_per_week(items, support_user, clock):
    clock.move_to("2026-03-09 09:00+09:00")  # Monday
    assert action_items_chase() == 2
    assert action_items_chase() == 2  # a re-run writes nothing new
    digests = Delivery.objects.filter(topic="postmortem.action_items")
    assert digests.count() == 2
    mine = digests.get(recipient=support_user)
    # The unowned item is chased with the post-mortem's owner (support_user).
    for title in ("Add disk alerts", "Runbook for failover", "Review quotas"):
        assert title in mine.body
    assert "Capacity plan" not in mine.body
    assert "Restart" not in mine.body
    assert "Later" not in mine.body
    clock.move_to("2026-03-16 09:00+09:00")  # the next Monday: a new digest
    action_items_chase()
    assert digests.filter(recipient=support_user).count() == 2


def test_the_weekly_task_is_scheduled_on_monday_morning():
    from config.celery import app

    entry = app.conf.beat_schedule["postmortems-chase-action-items"]
    assert entry["task"] == "postmortems.chase_overdue_action_items"
    assert entry["schedule"].day_of_week == {1}
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({9}, {0})
