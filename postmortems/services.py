"""Writes on post-mortems: creation at resolution, the review workflow, publication.

    draft -submit-> in_review -approve-> approved -publish-> published -acknowledge-> acknowledged

Every transition locks the post-mortem, checks it, saves, and writes an entry on the incident's
timeline (customer-visible for publication and acknowledgement). Anything else is refused.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from incidents.escalation.services import (
    POSTMORTEM_DUE,
    postmortem_timer_start,
    postmortem_timer_stop,
)
from incidents.models import Incident, TimelineEntry
from incidents.services import timeline_add
from incidents.services.timeline import acting_user, record_actor
from postmortems.models import PostMortem

Status = PostMortem.Status
Visibility = TimelineEntry.Visibility


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: Any
    text: Any
    customer: bool = False


TRANSITIONS = {
    "submit": Transition(
        Status.DRAFT,
        Status.IN_REVIEW,
        gettext_lazy("Submit for review"),
        gettext_lazy("The post-mortem was submitted for review."),
    ),
    "approve": Transition(
        Status.IN_REVIEW,
        Status.APPROVED,
        gettext_lazy("Approve"),
        gettext_lazy("The post-mortem was approved."),
    ),
    "publish": Transition(
        Status.APPROVED,
        Status.PUBLISHED,
        gettext_lazy("Publish"),
        gettext_lazy("The post-mortem report is published."),
        customer=True,
    ),
    "acknowledge": Transition(
        Status.PUBLISHED,
        Status.ACKNOWLEDGED,
        gettext_lazy("Acknowledge"),
        gettext_lazy("The customer acknowledged the post-mortem report."),
        customer=True,
    ),
}


def postmortem_required(incident: Incident) -> bool:
    """Tell whether the incident needs a post-mortem (severity 1-2, or the contract says all)."""
    if incident.contract is not None:
        return incident.contract.requires_postmortem(incident.severity)
    return int(incident.severity) <= 2


def timeline_prefill(incident: Incident) -> str:
    """Return the incident's customer-visible timeline as text lines to start from."""
    entries = incident.timeline.filter(visibility=Visibility.CUSTOMER).order_by("at", "pk")
    lines = []
    for entry in entries:
        at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M")
        text = " ".join(entry.text.split())
        lines.append(f"- {at} {text}")
    return "\n".join(lines)


@transaction.atomic
def postmortem_create_for(
    *, incident: Incident, actor: Any = None, now: datetime | None = None
) -> PostMortem | None:
    """Open the post-mortem of a resolved incident that needs one; keep an existing one."""
    existing = PostMortem.objects.filter(incident=incident).first()
    if existing is not None or not postmortem_required(incident):
        return existing
    now = clock.resolve(now)
    resolved = incident.resolved_at or now
    postmortem = PostMortem(
        incident=incident,
        owner=incident.incident_manager,
        due_at=resolved + POSTMORTEM_DUE,
        summary=incident.summary,
        timeline_text=timeline_prefill(incident),
    )
    record_actor(postmortem, actor)
    postmortem.save(force_insert=True)
    postmortem_timer_start(incident=incident, now=now)
    return postmortem


def postmortem_on_resolve(*, incident: Incident, actor: Any, now: datetime) -> None:
    """The incidents resolve-hook: create the post-mortem when the incident needs one."""
    postmortem_create_for(incident=incident, actor=actor, now=now)


def _transition(postmortem: PostMortem, name: str, *, actor: Any, now: datetime | None) -> Any:
    transition = TRANSITIONS[name]
    now = clock.resolve(now)
    locked = PostMortem.objects.select_for_update().select_related("incident").get(pk=postmortem.pk)
    if locked.status != transition.source:
        raise ValidationError(
            _("Cannot %(action)s the post-mortem of %(key)s: it is %(status)s.")
            % {
                "action": str(transition.label).lower(),
                "key": locked.incident.key,
                "status": locked.get_status_display().lower(),
            },
            code="invalid_transition",
        )
    locked.status = transition.target
    fields = ["status", "updated_at"]
    if name == "publish":
        locked.delivered_at = now
        fields.append("delivered_at")
    elif name == "acknowledge":
        locked.acknowledged_at = now
        fields.append("acknowledged_at")
    record_actor(locked, actor)
    locked.save(update_fields=fields)
    timeline_add(
        incident=locked.incident,
        kind=TimelineEntry.Kind.COMMUNICATION if transition.customer else TimelineEntry.Kind.NOTE,
        actor=acting_user(actor),
        at=now,
        text=str(transition.text),
        visibility=Visibility.CUSTOMER if transition.customer else Visibility.INTERNAL,
        data={"postmortem": locked.pk, "transition": name, "to": transition.target},
    )
    if name == "publish":
        postmortem_timer_stop(incident=locked.incident, now=now)
    postmortem.refresh_from_db()
    return postmortem


@transaction.atomic
def postmortem_submit(*, postmortem: PostMortem, actor: Any, now: datetime | None = None) -> Any:
    """Send a draft post-mortem for review."""
    return _transition(postmortem, "submit", actor=actor, now=now)


@transaction.atomic
def postmortem_approve(*, postmortem: PostMortem, actor: Any, now: datetime | None = None) -> Any:
    """Approve a reviewed post-mortem for publication."""
    return _transition(postmortem, "approve", actor=actor, now=now)


@transaction.atomic
def postmortem_publish(*, postmortem: PostMortem, actor: Any, now: datetime | None = None) -> Any:
    """Publish to the customer: the post-mortem is delivered and its SLO clock stops."""
    return _transition(postmortem, "publish", actor=actor, now=now)


@transaction.atomic
def postmortem_acknowledge(
    *, postmortem: PostMortem, actor: Any, now: datetime | None = None
) -> Any:
    """Record that the customer read and acknowledged the published post-mortem."""
    return _transition(postmortem, "acknowledge", actor=actor, now=now)


def postmortem_transition(*, postmortem: PostMortem, name: str, actor: Any) -> Any:
    """Run the transition called ``name`` (used by the admin buttons)."""
    handlers = {
        "submit": postmortem_submit,
        "approve": postmortem_approve,
        "publish": postmortem_publish,
        "acknowledge": postmortem_acknowledge,
    }
    if name not in handlers:
        raise ValidationError(_("Unknown transition %(name)s.") % {"name": name})
    return handlers[name](postmortem=postmortem, actor=actor)
