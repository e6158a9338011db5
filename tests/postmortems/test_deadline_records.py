"""The post-mortem deadline counts from the final recovery, a breach stays on the record, and
an incident whose report is still owed cannot be closed (DESIGN §2, §6; seed 002: "복구 후 3일
내")."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from incidents.escalation.models import SloKind, SloTimer, Timer
from incidents.models import Status
from incidents.services import incident_close, incident_reopen, incident_resolve
from postmortems.models import PostMortem, Reminder
from postmortems.services import postmortem_cancel, postmortem_transition
from tests.postmortems.conftest import DUE, RESOLVED

SloState = SloTimer.State


def _clock(incident) -> SloTimer:
    return SloTimer.objects.get(incident=incident, kind=SloKind.POSTMORTEM)


def test_the_deadline_moves_to_three_days_after_the_final_recovery(
    draft, sev2_incident, support_user, clock
):
    incident = sev2_incident
    clock.move_to(RESOLVED + timedelta(hours=1))
    incident_reopen(incident=incident, actor=support_user)
    final = RESOLVED + timedelta(hours=48)
    clock.move_to(final)
    incident_resolve(incident=incident, actor=support_user)
    draft.refresh_from_db()
    assert draft.due_at == final + timedelta(hours=72)
    slo = _clock(incident)
    assert (slo.started_at, slo.due_at, slo.state) == (
        final,
        final + timedelta(hours=72),
        "running",
    )
    breach = Timer.objects.get(incident=incident, slo_kind=SloKind.POSTMORTEM, kind="slo_breach")
    assert (breach.due_at, breach.state) == (final + timedelta(hours=72), "pending")
    reminders = dict(draft.reminders.values_list("kind", "due_at"))
    assert reminders[Reminder.Kind.DUE_24H] == final + timedelta(hours=48)

    # Published 80 h after the first resolution, 32 h after the real recovery: on time.
    draft.reviewers.set([support_user])
    clock.move_to(RESOLVED + timedelta(hours=80))
    for name in ("submit", "approve", "publish"):
        postmortem_transition(postmortem=draft, name=name, actor=support_user)
    assert _clock(incident).state == SloState.MET


def test_a_delivered_report_keeps_its_deadline_after_a_reopen(
    draft, sev2_incident, support_user, clock
):
    draft.reviewers.set([support_user])
    for name in ("submit", "approve", "publish"):
        postmortem_transition(postmortem=draft, name=name, actor=support_user)
    clock.move_to(RESOLVED + timedelta(hours=5))
    incident_reopen(incident=sev2_incident, actor=support_user)
    incident_resolve(incident=sev2_incident, actor=support_user)
    draft.refresh_from_db()
    assert draft.due_at == DUE
    assert _clock(sev2_incident).state == SloState.MET


def test_cancelling_after_the_deadline_keeps_the_breach(draft, sev2_incident, support_user, clock):
    clock.move_to(DUE + timedelta(hours=28))
    postmortem_cancel(postmortem=draft, reason="Not needed after all", actor=support_user)
    assert _clock(sev2_incident).state == SloState.BREACHED


def test_cancelling_in_time_is_not_counted(draft, sev2_incident, support_user, clock):
    postmortem_cancel(postmortem=draft, reason="Monitoring noise", actor=support_user)
    assert _clock(sev2_incident).state == SloState.CANCELLED


@pytest.mark.parametrize("status", ["draft", "in_review", "approved"])
def test_an_incident_whose_report_is_owed_cannot_be_closed(
    draft, sev2_incident, support_user, status
):
    draft.reviewers.set([support_user])
    path = {"draft": [], "in_review": ["submit"], "approved": ["submit", "approve"]}[status]
    for name in path:
        postmortem_transition(postmortem=draft, name=name, actor=support_user)
    with pytest.raises(ValidationError) as refused:
        incident_close(incident=sev2_incident, actor=support_user)
    assert refused.value.code == "postmortem_owed"
    sev2_incident.refresh_from_db()
    assert sev2_incident.status == Status.RESOLVED


@pytest.mark.parametrize("settle", ["publish", "cancel"])
def test_closing_once_the_report_is_delivered_or_not_needed(
    draft, sev2_incident, support_user, settle
):
    if settle == "publish":
        draft.reviewers.set([support_user])
        for name in ("submit", "approve", "publish"):
            postmortem_transition(postmortem=draft, name=name, actor=support_user)
    else:
        postmortem_cancel(postmortem=draft, reason="No customer impact", actor=support_user)
    incident_close(incident=sev2_incident, actor=support_user)
    assert sev2_incident.status == Status.CLOSED
    assert PostMortem.objects.get(incident=sev2_incident).status != "draft"


def test_a_reminder_reads_in_seoul_time(draft):
    reminder = draft.reminders.get(kind=Reminder.Kind.DUE_24H)
    assert str(reminder).endswith("@ 2026-03-04 11:00")  # due 2026-03-05 11:00 KST minus 24 h
