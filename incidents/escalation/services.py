"""Writes on timers and escalations: start at intake, stop at acknowledge or cancel, move with
the severity, and the post-mortem clock for the post-mortem workflow.

Callers hold the incident row lock (``select_for_update``) where they change its state, so
these run serialized with the sweep, which locks the same row.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from core import clock
from core.inserts import InsertBatch
from core.notifications.services import deliveries_cancel
from incidents.escalation.acklinks import PAGE_TOPIC
from incidents.escalation.models import IncidentEscalation, SloKind, SloTimer, Timer
from incidents.escalation.plans import build_plan, default_policy
from incidents.models import Incident

WARNING_PERCENTS = (50, 75)
POSTMORTEM_DUE = timedelta(hours=72)

Kind = Timer.Kind
TimerState = Timer.State
SloState = SloTimer.State


def _slo_timers(slo: SloTimer, incident: Incident | None = None) -> list[Timer]:
    """The clock's checkpoints (for a new clock, pass its unsaved ``incident``)."""
    span = slo.due_at - slo.started_at
    owner: dict[str, Any] = {"incident": incident} if incident else {"incident_id": slo.incident_id}
    timers = [
        Timer(
            **owner,
            kind=Kind.SLO_WARNING,
            slo_kind=slo.kind,
            step=percent,
            due_at=slo.started_at + span * percent / 100,
        )
        for percent in WARNING_PERCENTS
    ]
    timers.append(Timer(**owner, kind=Kind.SLO_BREACH, slo_kind=slo.kind, due_at=slo.due_at))
    return timers


def slo_timer_start(
    *, incident: Incident, kind: str, started_at: datetime, due_at: datetime
) -> SloTimer:
    """Start an SLO clock with its 50 % and 75 % warnings and its breach (once per kind)."""
    slo, created = SloTimer.objects.get_or_create(
        incident=incident, kind=kind, defaults={"started_at": started_at, "due_at": due_at}
    )
    if created:
        Timer.objects.bulk_create(_slo_timers(slo), ignore_conflicts=True)
    return slo


def _escalation_start(
    *, incident: Incident, now: datetime
) -> tuple[IncidentEscalation | None, list[Timer]]:
    """Copy the default policy onto the incident; return it and its step timers (all unsaved)."""
    policy = default_policy()
    if policy is None:
        return None, []
    plan = build_plan(policy, severity=incident.severity)
    escalation = IncidentEscalation(
        incident=incident, policy_id=policy.id, policy_name=policy.name, plan=plan, started_at=now
    )
    timers = [
        Timer(
            incident=incident,
            kind=Kind.ESCALATION,
            step=step["index"],
            due_at=incident.reported_at + timedelta(seconds=step["delay"]),
        )
        for step in plan
        if not step["skipped"]
    ]
    return escalation, timers


def incident_timers_start(
    *, incident: Incident, now: datetime | None = None, batch: InsertBatch | None = None
) -> None:
    """Start the response SLO clock and the escalation of a newly reported incident.

    The incident is new, so nothing can exist yet: the clock, the plan and their timers are
    queued on ``batch`` (the intake's, written with the incident) without the lookup of
    ``slo_timer_start``; without a batch they are written here, in one statement on PostgreSQL.
    """
    now = clock.resolve(now)
    own = batch is None
    batch = InsertBatch() if batch is None else batch
    slo = SloTimer(
        incident=incident,
        kind=SloKind.RESPONSE,
        started_at=incident.reported_at,
        due_at=incident.response_due_at,
    )
    escalation, steps = _escalation_start(incident=incident, now=now)
    batch.add(slo)
    if escalation is not None:
        batch.add(escalation)
    batch.add(*_slo_timers(slo, incident), *steps)
    if own:
        batch.flush()


def _stop_slo(slo: SloTimer, *, now: datetime, met: bool) -> None:
    """Stop a clock: met or breached by the time; a cancellation before the due time is not
    counted, but one after it stays a breach (the promise was broken before anyone cancelled)."""
    slo.stopped_at = now
    if not met and now <= slo.due_at and slo.breached_at is None:
        slo.state = SloState.CANCELLED
    elif met and now <= slo.due_at:
        slo.state = SloState.MET
    else:
        slo.state = SloState.BREACHED
        slo.breached_at = slo.breached_at or slo.due_at
    slo.save(update_fields=["state", "stopped_at", "breached_at"])


def _stop_escalation(incident: Incident, *, reason: str, now: datetime) -> None:
    escalation = IncidentEscalation.objects.select_for_update().filter(incident=incident).first()
    if escalation is None or escalation.state != IncidentEscalation.State.ACTIVE:
        return
    escalation.state = IncidentEscalation.State.STOPPED
    escalation.stopped_at = now
    escalation.stop_reason = reason
    escalation.save(update_fields=["state", "stopped_at", "stop_reason"])


def incident_timers_stop(*, incident: Incident, transition: str, actor: Any, now: datetime) -> None:
    """Stop the response clock and escalation on acknowledge or cancel (incident row locked).

    Pending escalation steps and SLO checkpoints are cancelled and open pages withdrawn in the
    caller's transaction: a step the sweep has not claimed yet never pages.
    """
    Timer.objects.filter(incident=incident, state=TimerState.PENDING).exclude(
        slo_kind=SloKind.POSTMORTEM
    ).update(state=TimerState.CANCELLED)
    slo = SloTimer.objects.filter(
        incident=incident, kind=SloKind.RESPONSE, state__in=(SloState.RUNNING, SloState.BREACHED)
    ).first()
    if slo is not None and slo.stopped_at is None:
        _stop_slo(slo, now=now, met=transition == "acknowledge")
    reason = "acknowledged" if transition == "acknowledge" else "cancelled"
    # The transition's own timeline entry says why; the plan on the incident page shows the rest.
    _stop_escalation(incident, reason=reason, now=now)
    deliveries_cancel(topic=PAGE_TOPIC, object_id=incident.pk)


def response_timer_reschedule(*, incident: Incident, now: datetime | None = None) -> None:
    """Move the response clock to the incident's new deadline (a severity change)."""
    now = clock.resolve(now)
    slo = SloTimer.objects.filter(incident=incident, kind=SloKind.RESPONSE).first()
    if slo is None or slo.stopped_at is not None or slo.breached_at or slo.due_at <= now:
        # A breach is a fact of the past: lowering the severity afterwards does not undo it.
        return
    slo.due_at = incident.response_due_at
    if slo.due_at > now:
        slo.state, slo.breached_at = SloState.RUNNING, None
    slo.save(update_fields=["due_at", "state", "breached_at"])
    for timer in _slo_timers(slo):
        defaults: dict[str, Any] = {"due_at": timer.due_at}
        if timer.due_at > now:  # re-arm a checkpoint the new deadline puts back in the future
            defaults.update(state=TimerState.PENDING, fired_at=None)
        Timer.objects.update_or_create(
            incident=incident,
            kind=timer.kind,
            slo_kind=timer.slo_kind,
            step=timer.step,
            defaults=defaults,
        )


@transaction.atomic
def postmortem_timer_start(*, incident: Incident, now: datetime | None = None) -> SloTimer:
    """Start the post-mortem clock: due 72 hours after resolution (DESIGN §3)."""
    started = incident.resolved_at or clock.resolve(now)
    return slo_timer_start(
        incident=incident,
        kind=SloKind.POSTMORTEM,
        started_at=started,
        due_at=started + POSTMORTEM_DUE,
    )


@transaction.atomic
def postmortem_timer_restart(*, incident: Incident, now: datetime | None = None) -> SloTimer:
    """Count the post-mortem clock again from the incident's latest resolution.

    The report is due three days after recovery; an incident reopened and resolved again
    recovered at its last resolution. Called only while no post-mortem was delivered, so a
    breach counted from a recovery that did not hold is withdrawn with it.
    """
    now = clock.resolve(now)
    started = incident.resolved_at or now
    slo = (
        SloTimer.objects.select_for_update()
        .filter(incident=incident, kind=SloKind.POSTMORTEM)
        .first()
    )
    if slo is None:
        return postmortem_timer_start(incident=incident, now=now)
    slo.started_at, slo.due_at = started, started + POSTMORTEM_DUE
    slo.state, slo.breached_at, slo.stopped_at = SloState.RUNNING, None, None
    slo.save(update_fields=["started_at", "due_at", "state", "breached_at", "stopped_at"])
    for timer in _slo_timers(slo):
        Timer.objects.update_or_create(
            incident=incident,
            kind=timer.kind,
            slo_kind=timer.slo_kind,
            step=timer.step,
            defaults={"due_at": timer.due_at, "state": TimerState.PENDING, "fired_at": None},
        )
    return slo


def _postmortem_clock_end(incident: Incident, *, now: datetime, delivered: bool) -> SloTimer | None:
    Incident.objects.select_for_update().filter(pk=incident.pk).first()
    slo = SloTimer.objects.filter(incident=incident, kind=SloKind.POSTMORTEM).first()
    if slo is None or slo.stopped_at is not None:
        return slo
    Timer.objects.filter(
        incident=incident, slo_kind=SloKind.POSTMORTEM, state=TimerState.PENDING
    ).update(state=TimerState.CANCELLED)
    _stop_slo(slo, now=now, met=delivered)
    return slo


@transaction.atomic
def postmortem_timer_stop(*, incident: Incident, now: datetime | None = None) -> SloTimer | None:
    """Stop the post-mortem clock when the post-mortem is delivered: met or breached."""
    return _postmortem_clock_end(incident, now=clock.resolve(now), delivered=True)


@transaction.atomic
def postmortem_timer_cancel(*, incident: Incident, now: datetime | None = None) -> SloTimer | None:
    """Cancel the post-mortem clock when no post-mortem is needed: neither met nor breached,
    unless it was already due (then it stays breached: ``_stop_slo``)."""
    return _postmortem_clock_end(incident, now=clock.resolve(now), delivered=False)
