"""Writes on the outbox: create, send once, retry with back-off, re-enqueue, cancel, resend.

Sending happens in a Celery task that locks the row (``skip_locked``), re-checks that it is
still open and due, and records the outcome in the same transaction, so a retried, duplicated
or re-enqueued task never sends a message twice. Due times live in the database; the beat job
``deliveries_requeue`` re-enqueues what is due or was lost with a flushed broker.
"""

import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core import clock
from core.notifications import channels
from core.notifications.models import OPEN_STATUSES, Delivery, WebhookEndpoint

logger = logging.getLogger(__name__)

Status = Delivery.Status
# Redis serves lower numbers first: the timer sweep (priority 0) never waits behind a backlog.
DELIVERY_PRIORITY = 5

OutcomeHandler = Callable[[Delivery, str], None]
_handlers: dict[str, OutcomeHandler] = {}


def register_outcome_handler(topic: str, handler: OutcomeHandler) -> None:
    """Call ``handler(delivery, status)`` after each attempt on a delivery of ``topic``.

    The handler runs in the attempt's transaction (e.g. to write a timeline entry).
    """
    _handlers[topic] = handler


@dataclass(frozen=True)
class Message:
    """A message to write to the outbox; ``idempotency_key`` makes writing it twice a no-op."""

    idempotency_key: str
    topic: str
    channel: str
    recipient_label: str
    subject: str
    body: str
    language: str
    address: str = ""
    recipient: Any = None
    endpoint: WebhookEndpoint | None = None
    object_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    link_nonce: str = ""


def new_link_nonce() -> str:
    """Return a fresh one-time nonce for a signed link carried by a message."""
    return secrets.token_urlsafe(16)


def deliveries_create(
    messages: Sequence[Message], *, now: datetime | None = None
) -> list[Delivery]:
    """Write the messages (keys already in the outbox are skipped) and send them after commit.

    Returns the outbox rows of every key, new or not. Call it inside the caller's transaction.
    """
    now = clock.resolve(now)
    rows = [
        Delivery(
            topic=m.topic,
            object_id=m.object_id,
            idempotency_key=m.idempotency_key,
            recipient=m.recipient,
            recipient_label=m.recipient_label[:150],
            endpoint=m.endpoint,
            channel=m.channel,
            address=m.address,
            language=m.language,
            subject=m.subject[:255],
            body=m.body,
            payload=m.payload,
            data=m.data,
            link_nonce=m.link_nonce,
            next_attempt_at=now,
            enqueued_at=now,
        )
        for m in messages
    ]
    # A concurrent writer of the same key wins; ours is skipped by the unique index.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [m.idempotency_key for m in messages]
    found = list(Delivery.objects.filter(idempotency_key__in=keys).order_by("id"))
    enqueue_on_commit([d.pk for d in found if d.status == Status.PENDING])
    return found


def enqueue_on_commit(ids: Iterable[int]) -> None:
    """Enqueue one send task per delivery once the transaction commits.

    ``robust``: a broker that is down must not undo a committed page; the re-enqueue job
    picks the row up again.
    """
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(ids: list[int]) -> None:
    from core.notifications.tasks import deliver

    for pk in ids:
        deliver.apply_async((pk,), priority=DELIVERY_PRIORITY)


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try after ``attempts`` failed tries (doubling, capped)."""
    base = settings.HOTLINE_DELIVERY_BACKOFF_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.HOTLINE_DELIVERY_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _record_failure(delivery: Delivery, error: Exception, now: datetime) -> None:
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= settings.HOTLINE_DELIVERY_MAX_ATTEMPTS:
        delivery.status = Status.DEAD
        logger.error("Delivery %s is dead: %s", delivery.idempotency_key, delivery.last_error)
        return
    delivery.status = Status.FAILED
    delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.enqueued_at = None  # the re-enqueue job sends it when the back-off is over
    logger.warning("Delivery %s failed: %s", delivery.idempotency_key, delivery.last_error)


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str | None:
    """Send one open, due delivery and record the outcome; return its new status.

    Returns None when the row is gone, closed, not due, or being sent by another worker.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status__in=OPEN_STATUSES)
            .first()
        )
        now = clock.resolve(now)
        if delivery is None or delivery.next_attempt_at > now:
            return None
        delivery.attempts += 1
        try:
            channels.send(delivery)
        except Exception as exc:  # every failure is recorded and retried, never lost
            _record_failure(delivery, exc, now)
        else:
            delivery.status = Status.SENT
            delivery.sent_at = now
            delivery.last_error = ""
        delivery.save()
        handler = _handlers.get(delivery.topic)
        if handler is not None:
            handler(delivery, delivery.status)
        return delivery.status


@transaction.atomic
def deliveries_requeue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Enqueue open deliveries that are due and not enqueued recently; return how many.

    This sends retries once their back-off is over and recovers tasks lost with the broker.
    """
    now = clock.resolve(now)
    stale = now - timedelta(seconds=settings.HOTLINE_DELIVERY_STALE_SECONDS)
    ids = list(
        Delivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale))
        .order_by("next_attempt_at")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
        enqueue_on_commit(ids)
    return len(ids)


@transaction.atomic
def deliveries_cancel(*, topic: str, object_id: int) -> int:
    """Cancel the open deliveries of one subject (a row being sent right now still goes)."""
    ids = list(
        Delivery.objects.filter(topic=topic, object_id=object_id, status__in=OPEN_STATUSES)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    return Delivery.objects.filter(pk__in=ids).update(status=Status.CANCELLED)


@transaction.atomic
def delivery_resend(*, delivery: Delivery, actor: Any, now: datetime | None = None) -> Delivery:
    """Send a delivery again (an operator's decision): reopen it and enqueue it now."""
    now = clock.resolve(now)
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    locked.status = Status.PENDING
    locked.next_attempt_at = now
    locked.enqueued_at = now
    locked.save(update_fields=["status", "next_attempt_at", "enqueued_at", "updated_at"])
    logger.info("Delivery %s resent by %s", locked.idempotency_key, actor)
    enqueue_on_commit([locked.pk])
    return locked
