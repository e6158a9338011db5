"""The timer sweep (a beat job) and its watchdog.

Each batch claims due timers together with their incidents' rows
(``FOR UPDATE OF timer, incident SKIP LOCKED``, read through the partial index on pending due
times), acts on them, marks them done and writes the pages to the outbox, all in one
transaction; the pages are enqueued after commit. Because ``incident_acknowledge`` locks the
incident row and cancels pending timers in its own transaction, either the acknowledgement
commits first (the timer is cancelled, or the sweep sees the acknowledged incident and pages
nobody) or the step was claimed first (it pages, and the acknowledgement stops the rest).
A second beat, a re-run or a killed worker cannot fire a timer twice: it is pending in exactly
one committed state.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core import clock
from core.logging import incident_context
from core.notifications.models import NotificationChannel
from core.notifications.services import Message, deliveries_create
from incidents.escalation import messages, targets
from incidents.escalation.heartbeat import sweep_heartbeat_record
from incidents.escalation.models import IncidentEscalation, SloKind, SloTimer, Timer
from incidents.escalation.plans import step_label
from incidents.models import Status, TimelineEntry
from incidents.services.timeline import timeline_add

logger = logging.getLogger(__name__)

Kind = Timer.Kind

# Called as hook(now=) after each sweep: apps above incidents keep their own due times (the
# post-mortem reminders) and are swept by this beat job without incidents importing them.
# Each hook claims and fires its own rows in its own transactions; it returns how many.
SWEEP_HOOKS: list[Callable[..., int]] = []


def register_sweep_hook(hook: Callable[..., int]) -> None:
    """Call ``hook(now=)`` after every timer sweep (registered once, at app ready)."""
    if hook not in SWEEP_HOOKS:
        SWEEP_HOOKS.append(hook)


def _run_sweep_hooks(now: datetime) -> None:
    for hook in SWEEP_HOOKS:
        try:
            hook(now=now)
        except Exception:
            # The pages are already committed; one app's failure must not fail the sweep.
            logger.exception("Sweep hook %s failed.", getattr(hook, "__name__", hook))


def claim_query(now: datetime, size: int) -> QuerySet[Timer]:
    """Return the claim of up to ``size`` due timers with their incidents, skipping locked rows.

    A range scan of the partial index ``timer_pending_due_idx``: idle and finished timers are
    never read.
    """
    return (
        Timer.objects.filter(state=Timer.State.PENDING, due_at__lte=now)
        .select_related("incident__customer")
        .order_by("due_at")
        .select_for_update(skip_locked=True, of=("self", "incident"))[:size]
    )


def _page_step(timer: Timer, escalation: IncidentEscalation | None, now: datetime) -> bool:
    """Page the recipients of one plan step; False when there is nothing to do any more."""
    incident = timer.incident
    if incident.status != Status.NEW or escalation is None:
        return False
    if escalation.state != IncidentEscalation.State.ACTIVE or timer.step >= len(escalation.plan):
        return False
    step = escalation.plan[timer.step]
    found = targets.resolve(step["targets"], incident=incident, at=now)
    outbox: list[Message] = []
    for recipient in found.recipients:
        routes = targets.routes_for(
            recipient, step_channels=step["channels"], severity=incident.severity, at=now
        )
        outbox.extend(messages.page_message(incident, step, recipient, r) for r in routes)
    deliveries = deliveries_create(outbox, now=now)
    paged = sorted({d.recipient_label for d in deliveries})
    if paged:
        values = {"step": step_label(step), "names": ", ".join(paged)}
        text = _("Escalation %(step)s: paging %(names)s.") % values
    else:
        text = _("Escalation %(step)s: nobody could be paged.") % {"step": step_label(step)}
    if found.notes:
        text = f"{text}\n" + "\n".join(found.notes)
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.ESCALATION,
        at=now,
        text=text,
        data={
            "step": timer.step,
            "position": step["position"],
            "deliveries": [d.pk for d in deliveries],
        },
    )
    logger.info("Escalation step %s paged %d recipient(s).", step["position"], len(paged))
    return True


def _slo_text(timer: Timer, slo: SloTimer) -> str:
    local = slo.due_at.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")
    values = {"name": slo.get_kind_display(), "percent": timer.step, "due": local}
    if timer.kind == Kind.SLO_WARNING:
        return _("%(name)s: %(percent)s%% of the time is used; due at %(due)s.") % values
    return _("%(name)s breached: it was due at %(due)s.") % values


def _slo_event(timer: Timer, slo: SloTimer | None, now: datetime) -> bool:
    """Record an SLO warning or breach; False when the clock already stopped."""
    if slo is None or slo.stopped_at is not None:
        return False
    if timer.slo_kind == SloKind.RESPONSE and timer.incident.status != Status.NEW:
        return False
    if timer.kind == Kind.SLO_BREACH:
        slo.state, slo.breached_at = SloTimer.State.BREACHED, slo.due_at
        slo.save(update_fields=["state", "breached_at"])
    timeline_add(
        incident=timer.incident,
        kind=TimelineEntry.Kind.SLO,
        at=now,
        text=_slo_text(timer, slo),
        data={"slo": slo.kind, "event": timer.kind, "percent": timer.step},
    )
    return True


@transaction.atomic
def _sweep_batch(now: datetime, size: int) -> int:
    timers = list(claim_query(now, size))
    if not timers:
        return 0
    incident_ids = {t.incident_id for t in timers}
    escalations = {
        e.incident_id: e for e in IncidentEscalation.objects.filter(incident_id__in=incident_ids)
    }
    slos = {
        (s.incident_id, s.kind): s for s in SloTimer.objects.filter(incident_id__in=incident_ids)
    }
    done, cancelled = [], []
    for timer in timers:
        with incident_context(timer.incident.key):  # log lines carry the incident key
            if timer.kind == Kind.ESCALATION:
                fired = _page_step(timer, escalations.get(timer.incident_id), now)
            else:
                fired = _slo_event(timer, slos.get((timer.incident_id, timer.slo_kind)), now)
        (done if fired else cancelled).append(timer.pk)
    Timer.objects.filter(pk__in=done).update(state=Timer.State.DONE, fired_at=now)
    Timer.objects.filter(pk__in=cancelled).update(state=Timer.State.CANCELLED, fired_at=now)
    return len(timers)


def timers_sweep(*, now: datetime | None = None, budget: float | None = None) -> int:
    """Fire every due timer, batch after batch, for at most ``budget`` seconds; return how many.

    Each batch is its own transaction, so an acknowledgement waits for at most one batch.
    The registered sweep hooks run afterwards (their rows are not counted).
    """
    size = settings.HOTLINE_SWEEP_BATCH_SIZE
    budget = settings.HOTLINE_SWEEP_INTERVAL_SECONDS * 3 if budget is None else budget
    started, total = time.monotonic(), 0
    while True:
        claimed = _sweep_batch(clock.resolve(now), size)
        total += claimed
        if claimed < size or time.monotonic() - started > budget:
            break
    _run_sweep_hooks(clock.resolve(now))
    sweep_heartbeat_record()  # /healthz and /metrics report the age of the last sweep
    return total


def _ops_addresses() -> list[str]:
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    return sorted(set(settings.HOTLINE_OPS_EMAILS) | set(admins.values_list("email", flat=True)))


@transaction.atomic
def timers_watchdog(*, now: datetime | None = None) -> int:
    """Alert when timers are overdue by more than the grace period; return how many are.

    Overdue pending work means nothing swept it: the worker or beat is down or stuck. One
    alert per ten minutes at most (the idempotency key carries the ten-minute bucket).
    """
    now = clock.resolve(now)
    grace = timedelta(seconds=settings.HOTLINE_WATCHDOG_GRACE_SECONDS)
    overdue = Timer.objects.filter(state=Timer.State.PENDING, due_at__lte=now - grace)
    oldest = overdue.order_by("due_at").values_list("due_at", flat=True).first()
    if oldest is None:
        return 0
    count = overdue.count()
    logger.error("Timer sweep stalled: %s timers overdue, oldest due at %s.", count, oldest)
    subject, body = messages.watchdog_text(count, oldest)
    bucket = now.strftime("%Y%m%d%H") + str(now.minute // 10)
    deliveries_create(
        [
            Message(
                idempotency_key=f"ops:watchdog:{bucket}:{address}",
                topic="ops.watchdog",
                channel=NotificationChannel.EMAIL,
                recipient_label=address,
                address=address,
                subject=subject,
                body=body,
                language=settings.LANGUAGE_CODE,
                data={"overdue": count},
            )
            for address in _ops_addresses()
        ],
        now=now,
    )
    return count
