"""The incident status workflow (DESIGN §2): every transition locks, checks, saves, records.

    new -acknowledge-> acknowledged -mitigate-> mitigated
    acknowledged|mitigated -resolve-> resolved -close-> closed
    resolved -reopen-> acknowledged;   new -cancel(reason)-> cancelled

Anything else is refused with a ValidationError and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.access import is_support
from core.logging import bind_incident
from incidents.escalation import services as timers
from incidents.models import CancelReason, Incident, Status, TimelineEntry
from incidents.services.timeline import acting_user, record_actor, timeline_add
from retainer.services import ledger_sync_incident


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: Any


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "acknowledge", frozenset({Status.NEW}), Status.ACKNOWLEDGED, gettext_lazy("Acknowledge")
        ),
        Transition(
            "mitigate", frozenset({Status.ACKNOWLEDGED}), Status.MITIGATED, gettext_lazy("Mitigate")
        ),
        Transition(
            "resolve",
            frozenset({Status.ACKNOWLEDGED, Status.MITIGATED}),
            Status.RESOLVED,
            gettext_lazy("Resolve"),
        ),
        Transition(
            "reopen", frozenset({Status.RESOLVED}), Status.ACKNOWLEDGED, gettext_lazy("Reopen")
        ),
        Transition("close", frozenset({Status.RESOLVED}), Status.CLOSED, gettext_lazy("Close")),
        Transition("cancel", frozenset({Status.NEW}), Status.CANCELLED, gettext_lazy("Cancel")),
    )
}

# Transitions that settle the incident's M/M deduction (DESIGN §5): posted at resolution,
# nothing when cancelled; a reopen keeps what was posted until the next resolution.
LEDGER_TRANSITIONS = frozenset({"resolve", "cancel", "reopen"})
# Transitions that stop the response SLO clock and the escalation (DESIGN §3).
CLOCK_STOPPING_TRANSITIONS = frozenset({"acknowledge", "cancel"})

# Called as hook(incident=, actor=, now=) after a resolution, in its transaction: apps that
# depend on incidents (post-mortems) register here at ready() so incidents never imports them.
RESOLVE_HOOKS: list[Callable[..., Any]] = []


def register_resolve_hook(hook: Callable[..., Any]) -> None:
    """Call ``hook`` after every resolution (registered once, at app ready)."""
    if hook not in RESOLVE_HOOKS:
        RESOLVE_HOOKS.append(hook)


# Called as guard(incident=) before a close, the incident row locked; a guard raises
# ValidationError to refuse (post-mortems: a required one must be delivered or cancelled).
CLOSE_GUARDS: list[Callable[..., None]] = []


def register_close_guard(guard: Callable[..., None]) -> None:
    """Ask ``guard`` before every close (registered once, at app ready)."""
    if guard not in CLOSE_GUARDS:
        CLOSE_GUARDS.append(guard)


# Texts the customer sees on its timeline for each transition.
CUSTOMER_TEXT = {
    "acknowledge": gettext_lazy("An expert engineer has started the analysis."),
    "mitigate": gettext_lazy("The impact has been mitigated; work on a full fix continues."),
    "resolve": gettext_lazy("Service has been restored."),
    "reopen": gettext_lazy("The incident was reopened."),
    "close": gettext_lazy("The incident is closed."),
    "cancel": gettext_lazy("The incident was cancelled."),
}


def allowed_transitions(incident: Incident) -> list[str]:
    """Return the names of the transitions the incident's current status allows."""
    return [t.name for t in TRANSITIONS.values() if incident.status in t.sources]


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _check(locked: Incident, transition: Transition) -> None:
    if locked.status not in transition.sources:
        raise ValidationError(
            _("Cannot %(action)s incident %(key)s: it is %(status)s.")
            % {
                "action": str(transition.label).lower(),
                "key": locked.key,
                "status": locked.get_status_display().lower(),
            },
            code="invalid_transition",
        )


def _apply(
    incident: Incident,
    name: str,
    *,
    actor: Any,
    now: datetime | None,
    note: str = "",
    changes: Callable[[Incident, datetime], list[str]] | None = None,
) -> Incident:
    """Lock, check, change, save, and record one transition."""
    transition = TRANSITIONS[name]
    now = clock.resolve(now)
    locked = _lock(incident)
    bind_incident(locked.key)  # the request's or task's log lines carry the key
    _check(locked, transition)
    if name == "close":
        for guard in CLOSE_GUARDS:
            guard(incident=locked)
    previous = locked.status
    locked.status = transition.target
    fields = ["status", "updated_at", *(changes(locked, now) if changes else [])]
    record_actor(locked, actor)
    locked.save(update_fields=fields)
    text = str(CUSTOMER_TEXT[name])
    if note:
        text = f"{text}\n{note.strip()}"
    timeline_add(
        incident=locked,
        kind=TimelineEntry.Kind.STATUS,
        actor=actor,
        at=now,
        text=text,
        visibility=TimelineEntry.Visibility.CUSTOMER,
        data={"transition": name, "from": previous, "to": transition.target},
    )
    if name in LEDGER_TRANSITIONS:
        ledger_sync_incident(incident=locked, actor=actor, now=now)
    if name in CLOCK_STOPPING_TRANSITIONS:
        # Same transaction, incident row locked: a step not yet claimed by the sweep never pages.
        timers.incident_timers_stop(incident=locked, transition=name, actor=actor, now=now)
    if name == "resolve":
        for hook in RESOLVE_HOOKS:
            hook(incident=locked, actor=actor, now=now)
    # Keep the caller's object in step with the database.
    incident.refresh_from_db()
    return incident


@transaction.atomic
def incident_acknowledge(
    *,
    incident: Incident,
    actor: Any,
    incident_manager: Any = None,
    note: str = "",
    now: datetime | None = None,
) -> Incident:
    """Record that an expert started the analysis: stops the response SLO clock.

    Only a support engineer (or a superuser) starts the analysis and is the incident manager:
    an account manager or a manager paged by a late escalation step is informed, and their
    acknowledgement would stop the paging and tell the customer an expert is on it.
    """
    user = acting_user(actor)
    if user is not None and not is_support(user):
        raise ValidationError(
            _("Only a support engineer can start the analysis of %(key)s.") % {"key": incident.key},
            code="not_an_engineer",
        )
    if incident_manager is not None and not is_support(incident_manager):
        raise ValidationError(
            {"incident_manager": _("Only the firm's engineers can hold this role.")}
        )
    manager = incident_manager or user

    def changes(locked: Incident, at: datetime) -> list[str]:
        locked.acknowledged_at = at
        fields = ["acknowledged_at"]
        if manager is not None:
            locked.incident_manager = manager
            fields.append("incident_manager")
        return fields

    return _apply(incident, "acknowledge", actor=actor, now=now, note=note, changes=changes)


@transaction.atomic
def incident_mitigate(
    *, incident: Incident, actor: Any, note: str = "", now: datetime | None = None
) -> Incident:
    """Record that the customer impact is mitigated (a workaround is in place)."""

    def changes(locked: Incident, at: datetime) -> list[str]:
        locked.mitigated_at = at
        return ["mitigated_at"]

    return _apply(incident, "mitigate", actor=actor, now=now, note=note, changes=changes)


@transaction.atomic
def incident_resolve(
    *, incident: Incident, actor: Any, note: str = "", now: datetime | None = None
) -> Incident:
    """Record that service is restored (recovery confirmed): the impact ended."""

    def changes(locked: Incident, at: datetime) -> list[str]:
        locked.resolved_at = at
        return ["resolved_at"]

    return _apply(incident, "resolve", actor=actor, now=now, note=note, changes=changes)


@transaction.atomic
def incident_reopen(
    *, incident: Incident, actor: Any, note: str = "", now: datetime | None = None
) -> Incident:
    """Reopen a resolved incident: the impact is back, work resumes as acknowledged."""

    def changes(locked: Incident, at: datetime) -> list[str]:
        locked.resolved_at = None
        locked.mitigated_at = None
        return ["resolved_at", "mitigated_at"]

    return _apply(incident, "reopen", actor=actor, now=now, note=note, changes=changes)


@transaction.atomic
def incident_close(
    *, incident: Incident, actor: Any, note: str = "", now: datetime | None = None
) -> Incident:
    """Close a resolved incident (post-mortem delivered or not required)."""

    def changes(locked: Incident, at: datetime) -> list[str]:
        locked.closed_at = at
        return ["closed_at"]

    return _apply(incident, "close", actor=actor, now=now, note=note, changes=changes)


@transaction.atomic
def incident_cancel(
    *, incident: Incident, actor: Any, reason: str, note: str = "", now: datetime | None = None
) -> Incident:
    """Cancel a new incident (duplicate, false alarm, not covered); a reason is required."""
    if reason not in CancelReason.values:
        raise ValidationError({"reason": _("Choose why the incident is cancelled.")})
    if reason == CancelReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Explain why the incident is cancelled.")})

    def changes(locked: Incident, at: datetime) -> list[str]:
        locked.cancelled_at = at
        locked.cancel_reason = reason
        locked.cancel_note = note.strip()
        return ["cancelled_at", "cancel_reason", "cancel_note"]

    label = str(CancelReason(reason).label)
    text = f"{label}: {note.strip()}" if note.strip() else label
    return _apply(incident, "cancel", actor=actor, now=now, note=text, changes=changes)


def incident_transition(*, incident: Incident, name: str, actor: Any, **kwargs: Any) -> Incident:
    """Run the transition called ``name`` (used by the admin buttons and API actions)."""
    handlers: dict[str, Callable[..., Incident]] = {
        "acknowledge": incident_acknowledge,
        "mitigate": incident_mitigate,
        "resolve": incident_resolve,
        "reopen": incident_reopen,
        "close": incident_close,
        "cancel": incident_cancel,
    }
    if name not in handlers:
        raise ValidationError(_("Unknown transition %(name)s.") % {"name": name})
    return handlers[name](incident=incident, actor=actor, **kwargs)
