"""Writes on post-mortems: creation at resolution, the review workflow, publication.

    draft -submit-> in_review -approve-> approved -publish-> published -acknowledge-> acknowledged
    draft | in_review | approved -cancel (with a reason)-> cancelled

Every transition locks the post-mortem, checks it, saves, and writes an entry on the incident's
timeline (customer-visible for publication and acknowledgement). Anything else is refused.
Submitting needs at least one staff reviewer, and only a named reviewer (or a superuser) may
approve: naming reviewers is what makes the review a review. Publishing stops the post-mortem
SLO clock (met or breached) and the reminders; cancelling cancels both (not counted, unless the
report was already due: then it stays breached).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.access import is_staff_member
from core.people import person_name
from incidents.escalation.services import (
    POSTMORTEM_DUE,
    postmortem_timer_cancel,
    postmortem_timer_restart,
    postmortem_timer_start,
    postmortem_timer_stop,
)
from incidents.models import Incident, TimelineEntry
from incidents.services import timeline_add
from incidents.services.timeline import acting_user, record_actor
from postmortems.models import PostMortem
from postmortems.reminders import reminders_cancel, reminders_reschedule, reminders_schedule

Status = PostMortem.Status
# The report is frozen once it reached the customer (or was cancelled).
FROZEN_STATUSES = (Status.PUBLISHED, Status.ACKNOWLEDGED, Status.CANCELLED)
CANCELLABLE_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)
UNDELIVERED_STATUSES = CANCELLABLE_STATUSES  # still owed to the customer
# Template fields the API and admin may edit while the report is not frozen.
EDITABLE_FIELDS = (*PostMortem.REPORT_FIELDS, "impact_duration", "users_affected", "owner")
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


def _whole_seconds(value: timedelta | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=int(value.total_seconds()))


@transaction.atomic
def postmortem_create_for(
    *, incident: Incident, actor: Any = None, now: datetime | None = None
) -> PostMortem | None:
    """Open the post-mortem of a resolved incident that needs one; keep an existing one.

    An existing one not yet delivered (the incident was reopened and is resolved again) is now
    due three days after this, the final, recovery: its clock and reminders move with it.
    """
    now = clock.resolve(now)
    existing = PostMortem.objects.filter(incident=incident).first()
    if existing is not None:
        if existing.status in UNDELIVERED_STATUSES and incident.resolved_at is not None:
            _postmortem_due_again(existing, incident=incident, actor=actor, now=now)
        return existing
    if not postmortem_required(incident):
        return None
    resolved = incident.resolved_at or now
    postmortem = PostMortem(
        incident=incident,
        owner=incident.incident_manager,
        due_at=resolved + POSTMORTEM_DUE,
        summary=incident.summary,
        impact_duration=_whole_seconds(incident.time_to_resolve),
        timeline_text=timeline_prefill(incident),
    )
    record_actor(postmortem, actor)
    postmortem.save(force_insert=True)
    postmortem.products.set(incident.products.all())
    postmortem_timer_start(incident=incident, now=now)
    reminders_schedule(postmortem=postmortem)
    return postmortem


def _postmortem_due_again(
    postmortem: PostMortem, *, incident: Incident, actor: Any, now: datetime
) -> None:
    locked = _lock(postmortem)
    due = incident.resolved_at + POSTMORTEM_DUE
    if locked.due_at == due:
        return
    locked.due_at = due
    record_actor(locked, actor)
    locked.save(update_fields=["due_at", "updated_at"])
    postmortem_timer_restart(incident=incident, now=now)
    reminders_reschedule(postmortem=locked)


def postmortem_close_guard(*, incident: Incident) -> None:
    """Refuse to close an incident whose post-mortem is still owed to the customer."""
    postmortem = PostMortem.objects.filter(incident=incident).first()
    if postmortem is not None and postmortem.status in UNDELIVERED_STATUSES:
        raise ValidationError(
            _(
                "Publish the post-mortem of %(key)s (or cancel it as not needed) before closing "
                "the incident: it is %(status)s."
            )
            % {"key": incident.key, "status": postmortem.get_status_display().lower()},
            code="postmortem_owed",
        )


def postmortem_on_resolve(*, incident: Incident, actor: Any, now: datetime) -> None:
    """The incidents resolve-hook: create the post-mortem when the incident needs one."""
    postmortem_create_for(incident=incident, actor=actor, now=now)


def _lock(postmortem: PostMortem) -> PostMortem:
    """Lock the incident, then its post-mortem: the order every incident transition takes (a
    resolution locks the incident and then opens or moves its post-mortem), so the two never
    wait for each other in a cycle."""
    Incident.objects.select_for_update().filter(pk=postmortem.incident_id).first()
    return (
        PostMortem.objects.select_for_update(of=("self",))
        .select_related("incident")
        .get(pk=postmortem.pk)
    )


def _refuse(locked: PostMortem, label: Any) -> ValidationError:
    return ValidationError(
        _("Cannot %(action)s the post-mortem of %(key)s: it is %(status)s.")
        % {
            "action": str(label).lower(),
            "key": locked.incident.key,
            "status": locked.get_status_display().lower(),
        },
        code="invalid_transition",
    )


def _check_reviewers(locked: PostMortem) -> list[Any]:
    reviewers = list(locked.reviewers.all())
    if not reviewers:
        raise ValidationError(
            _("Name at least one reviewer before submitting the post-mortem for review."),
            code="no_reviewer",
        )
    if not all(is_staff_member(user) for user in reviewers):
        raise ValidationError(_("Reviewers must be staff members."), code="invalid_reviewer")
    return reviewers


def _reviewer_names(reviewers: list[Any]) -> str:
    return ", ".join(person_name(user) for user in reviewers)


def may_approve(postmortem: PostMortem, user: Any) -> bool:
    """Tell whether ``user`` may approve: a named reviewer who is still staff, or a superuser."""
    user = acting_user(user)
    if user is None or not is_staff_member(user):
        return False
    return bool(user.is_superuser or postmortem.reviewers.filter(pk=user.pk).exists())


def _check_approver(locked: PostMortem, actor: Any) -> None:
    if not may_approve(locked, actor):
        raise ValidationError(
            _("Only a named reviewer can approve the post-mortem of %(key)s: %(names)s.")
            % {"key": locked.incident.key, "names": _reviewer_names(list(locked.reviewers.all()))},
            code="not_a_reviewer",
        )


def _transition(postmortem: PostMortem, name: str, *, actor: Any, now: datetime | None) -> Any:
    transition = TRANSITIONS[name]
    now = clock.resolve(now)
    locked = _lock(postmortem)
    if locked.status != transition.source:
        raise _refuse(locked, transition.label)
    text = str(transition.text)
    if name == "submit":
        names = _reviewer_names(_check_reviewers(locked))
        text = _("The post-mortem was submitted for review by %(names)s.") % {"names": names}
    elif name == "approve":
        _check_approver(locked, actor)
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
        text=text,
        visibility=Visibility.CUSTOMER if transition.customer else Visibility.INTERNAL,
        data={"postmortem": locked.pk, "transition": name, "to": transition.target},
    )
    if name == "publish":
        postmortem_timer_stop(incident=locked.incident, now=now)
        reminders_cancel(postmortem=locked)
    postmortem.refresh_from_db()
    return postmortem


@transaction.atomic
def postmortem_set_reviewers(
    *, postmortem: PostMortem, reviewers: list[Any], actor: Any
) -> PostMortem:
    """Name the staff members who review the post-mortem (recorded in its history)."""
    locked = _lock(postmortem)
    if locked.status in FROZEN_STATUSES:
        raise _refuse(locked, gettext_lazy("Name reviewers"))
    if not all(is_staff_member(user) for user in reviewers):
        raise ValidationError(_("Reviewers must be staff members."), code="invalid_reviewer")
    record_actor(locked, actor)
    locked.reviewers.set(reviewers)
    locked.save(update_fields=["updated_at"])  # one history row with the new reviewers
    postmortem.refresh_from_db()
    return postmortem


@transaction.atomic
def postmortem_submit(
    *,
    postmortem: PostMortem,
    actor: Any,
    reviewers: list[Any] | None = None,
    now: datetime | None = None,
) -> Any:
    """Send a draft post-mortem for review by its reviewers (at least one, staff only)."""
    if reviewers is not None:
        postmortem_set_reviewers(postmortem=postmortem, reviewers=reviewers, actor=actor)
    return _transition(postmortem, "submit", actor=actor, now=now)


@transaction.atomic
def postmortem_approve(*, postmortem: PostMortem, actor: Any, now: datetime | None = None) -> Any:
    """Approve a reviewed post-mortem for publication (a named reviewer, or a superuser)."""
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


@transaction.atomic
def postmortem_cancel(
    *, postmortem: PostMortem, reason: str, actor: Any, now: datetime | None = None
) -> PostMortem:
    """Cancel a post-mortem that is not needed (a reason is required); its SLO clock stops."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why no post-mortem is needed.")}, code="reason_required"
        )
    now = clock.resolve(now)
    locked = _lock(postmortem)
    if locked.status not in CANCELLABLE_STATUSES:
        raise _refuse(locked, gettext_lazy("Cancel"))
    locked.status, locked.cancelled_at, locked.cancel_reason = Status.CANCELLED, now, reason
    record_actor(locked, actor)
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    timeline_add(
        incident=locked.incident,
        kind=TimelineEntry.Kind.NOTE,
        actor=acting_user(actor),
        at=now,
        text=_("The post-mortem was cancelled as not needed: %(reason)s") % {"reason": reason},
        data={"postmortem": locked.pk, "transition": "cancel", "to": Status.CANCELLED},
    )
    postmortem_timer_cancel(incident=locked.incident, now=now)
    reminders_cancel(postmortem=locked)
    postmortem.refresh_from_db()
    return postmortem


@transaction.atomic
def postmortem_timeline_repull(*, postmortem: PostMortem, actor: Any) -> PostMortem:
    """Replace the timeline section with the incident's current customer-visible timeline."""
    locked = _lock(postmortem)
    if locked.status not in (Status.DRAFT, Status.IN_REVIEW):
        raise _refuse(locked, gettext_lazy("Re-pull the timeline of"))
    locked.timeline_text = timeline_prefill(locked.incident)
    record_actor(locked, actor)
    locked.save(update_fields=["timeline_text", "updated_at"])
    postmortem.refresh_from_db()
    return postmortem


@transaction.atomic
def postmortem_update(*, postmortem: PostMortem, actor: Any, data: dict[str, Any]) -> PostMortem:
    """Change template fields (and reviewers, products) of a report not yet published."""
    locked = _lock(postmortem)
    if locked.status in FROZEN_STATUSES:
        raise _refuse(locked, gettext_lazy("Edit"))
    data = dict(data)
    reviewers, products = data.pop("reviewers", None), data.pop("products", None)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    if products is not None and any(p.customer_id != locked.incident.customer_id for p in products):
        raise ValidationError({"products": _("Choose products of the incident's customer.")})
    if reviewers is not None and not all(is_staff_member(user) for user in reviewers):
        raise ValidationError({"reviewers": _("Reviewers must be staff members.")})
    for name, value in data.items():
        setattr(locked, name, value)
    record_actor(locked, actor)
    if reviewers is not None:
        locked.reviewers.set(reviewers)
    if products is not None:
        locked.products.set(products)
    locked.save(update_fields=[*data, "updated_at"])
    postmortem.refresh_from_db()
    return postmortem


def postmortem_transition(
    *, postmortem: PostMortem, name: str, actor: Any, reason: str = ""
) -> Any:
    """Run the transition called ``name`` (admin buttons and actions, the API)."""
    if name == "cancel":
        return postmortem_cancel(postmortem=postmortem, reason=reason, actor=actor)
    handlers = {
        "submit": postmortem_submit,
        "approve": postmortem_approve,
        "publish": postmortem_publish,
        "acknowledge": postmortem_acknowledge,
    }
    if name not in handlers:
        raise ValidationError(_("Unknown transition %(name)s.") % {"name": name})
    return handlers[name](postmortem=postmortem, actor=actor)
