"""The post-mortem deadline as an SLO: reminders before the due time, escalation when overdue.

Each post-mortem gets three ``Reminder`` rows when it is opened: 24 h and 4 h before its due time
(to the owner) and at the due time (overdue: to the owner and their manager, see
``escalation_recipients``). The incidents timer sweep (a beat job) calls ``reminders_sweep``
through its hook registry; a batch claims due rows ``FOR UPDATE SKIP LOCKED``, writes the
messages to the outbox (idempotency key per reminder, recipient and channel) and marks the rows
sent in one transaction, so a re-run, a second beat or a killed worker never sends one twice.
Publishing or cancelling the post-mortem cancels what is still pending.

The met/breached record itself is the incident's post-mortem ``SloTimer`` (stopped at publish).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from core.notifications.services import Message, deliveries_create
from core.people import person_name
from incidents.models import TimelineEntry
from incidents.services import timeline_add
from postmortems.mail import email_to
from postmortems.models import PostMortem, Reminder

REMINDER_TOPIC = "postmortem.reminder"
BATCH_SIZE = 100
Kind = Reminder.Kind
State = Reminder.State
# How long before the due time each reminder fires (the overdue one fires at the due time).
OFFSETS = {
    Kind.DUE_24H: timedelta(hours=24),
    Kind.DUE_4H: timedelta(hours=4),
    Kind.OVERDUE: timedelta(0),
}
UNDELIVERED = (
    PostMortem.Status.DRAFT,
    PostMortem.Status.IN_REVIEW,
    PostMortem.Status.APPROVED,
)


def reminders_schedule(*, postmortem: PostMortem) -> None:
    """Write the post-mortem's reminder due times (once; an existing row is kept)."""
    for kind, offset in OFFSETS.items():
        Reminder.objects.get_or_create(
            post_mortem=postmortem, kind=kind, defaults={"due_at": postmortem.due_at - offset}
        )


def reminders_reschedule(*, postmortem: PostMortem) -> None:
    """Move the reminders to the post-mortem's new due time; those already sent go again."""
    for kind, offset in OFFSETS.items():
        Reminder.objects.update_or_create(
            post_mortem=postmortem,
            kind=kind,
            defaults={
                "due_at": postmortem.due_at - offset,
                "state": State.PENDING,
                "sent_at": None,
            },
        )


def reminders_cancel(*, postmortem: PostMortem) -> None:
    """Cancel the pending reminders of a delivered or cancelled post-mortem."""
    for reminder in Reminder.objects.select_for_update().filter(
        post_mortem=postmortem, state=State.PENDING
    ):
        reminder.state = State.CANCELLED
        reminder.save(update_fields=["state"])


def escalation_recipients(postmortem: PostMortem) -> list[Any]:
    """Return who hears of an overdue post-mortem: its owner and the owner's manager.

    The manager is the account manager of the incident's contract (else of its customer): the
    report is owed to that customer, and they answer for it. Without one, the active
    superusers (the firm's management) are told, so an overdue report never goes unnoticed.
    """
    incident = postmortem.incident
    manager = getattr(incident.contract, "account_manager", None) or getattr(
        incident.customer, "account_manager", None
    )
    people = [postmortem.owner, manager]
    if manager is None:
        people += list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    unique: dict[int, Any] = {}
    for person in people:
        if person is not None and person.is_active:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def _recipients(reminder: Reminder) -> list[Any]:
    postmortem = reminder.post_mortem
    if reminder.kind == Kind.OVERDUE or postmortem.owner is None:
        return escalation_recipients(postmortem)
    return [postmortem.owner]


def _text(reminder: Reminder, recipient: Any) -> tuple[str, str]:
    postmortem = reminder.post_mortem
    incident = postmortem.incident
    values = {
        "key": incident.key,
        "summary": incident.summary,
        "due": timezone.localtime(postmortem.due_at).strftime("%Y-%m-%d %H:%M"),
        "status": postmortem.get_status_display(),
        "owner": person_name(postmortem.owner) if postmortem.owner else _("nobody"),
        "link": settings.SITE_URL
        + reverse("admin:postmortems_postmortem_change", args=[postmortem.pk]),
    }
    if reminder.kind == Kind.OVERDUE:
        subject = _("[%(key)s] The post-mortem is overdue") % values
        body = _(
            "The post-mortem of %(key)s (%(summary)s) was due at %(due)s and is not published "
            "yet (status: %(status)s, owner: %(owner)s). The customer is owed this report; "
            "please help the owner finish it.\n\n%(link)s"
        )
    else:
        values["hours"] = int(OFFSETS[reminder.kind].total_seconds() // 3600)
        subject = _("[%(key)s] The post-mortem is due in %(hours)s hours") % values
        body = _(
            "The post-mortem of %(key)s (%(summary)s) is due at %(due)s (status: %(status)s). "
            "Publish it to the customer by then.\n\n%(link)s"
        )
    return subject, body % values


def _messages(reminder: Reminder, recipients: list[Any]) -> list[Message]:
    messages = (
        email_to(
            user,
            # The due time is part of the key: a deadline moved by a new resolution reminds again.
            key=(
                f"postmortem:{reminder.post_mortem_id}:{reminder.kind}:{user.pk}"
                f":{int(reminder.due_at.timestamp())}"
            ),
            topic=REMINDER_TOPIC,
            compose=lambda user=user: _text(reminder, user),
            object_id=reminder.post_mortem_id,
            data={"postmortem": reminder.post_mortem_id, "reminder": reminder.kind},
        )
        for user in recipients
    )
    return [message for message in messages if message is not None]


def _still_owed(reminder: Reminder, now: datetime) -> bool:
    postmortem = reminder.post_mortem
    if postmortem.status not in UNDELIVERED or postmortem.delivered_at is not None:
        return False
    # A "before" reminder the sweep reaches only after the due time is superseded by "overdue".
    return reminder.kind == Kind.OVERDUE or now < postmortem.due_at


def _fire(reminder: Reminder, now: datetime) -> None:
    if not _still_owed(reminder, now):
        reminder.state = State.CANCELLED
        reminder.save(update_fields=["state"])
        return
    recipients = _recipients(reminder)
    deliveries = deliveries_create(_messages(reminder, recipients), now=now)
    names = sorted({d.recipient_label for d in deliveries})
    reminder.state, reminder.sent_at, reminder.recipients = State.SENT, now, names
    reminder.save(update_fields=["state", "sent_at", "recipients"])
    overdue = reminder.kind == Kind.OVERDUE
    # The timeline is written once for everyone: in the site language, not the sweeper's.
    with translation.override(settings.LANGUAGE_CODE):
        values = {"names": ", ".join(names) or _("nobody")}
        if overdue:
            text = _("The post-mortem is overdue: escalated to %(names)s.") % values
        else:
            values["hours"] = int(OFFSETS[reminder.kind].total_seconds() // 3600)
            text = _("Post-mortem reminder (due in %(hours)s hours) sent to %(names)s.") % values
    timeline_add(
        incident=reminder.post_mortem.incident,
        kind=TimelineEntry.Kind.ESCALATION if overdue else TimelineEntry.Kind.SLO,
        at=now,
        text=text,
        data={"postmortem": reminder.post_mortem_id, "reminder": reminder.kind},
    )


@transaction.atomic
def _sweep_batch(now: datetime, size: int) -> int:
    reminders = list(
        Reminder.objects.filter(state=State.PENDING, due_at__lte=now)
        .select_related(
            "post_mortem__owner",
            "post_mortem__incident__contract__account_manager",
            "post_mortem__incident__customer__account_manager",
        )
        .order_by("due_at")
        .select_for_update(skip_locked=True, of=("self",))[:size]
    )
    for reminder in reminders:
        _fire(reminder, now)
    return len(reminders)


def reminders_sweep(*, now: datetime | None = None) -> int:
    """Send every due reminder once, batch after batch; return how many were handled."""
    now = clock.resolve(now)
    total = 0
    while True:
        handled = _sweep_batch(now, BATCH_SIZE)
        total += handled
        if handled < BATCH_SIZE:
            return total
