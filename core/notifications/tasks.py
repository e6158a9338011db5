"""Outbox tasks: send one delivery; re-enqueue what is due or was lost (beat)."""

from celery import shared_task


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    """Send one delivery if it is still open and due (safe to run twice)."""
    from core.notifications.services import delivery_send

    delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.requeue_deliveries", ignore_result=True)
def requeue_deliveries() -> int:
    """Enqueue retries whose back-off is over and deliveries whose task was lost."""
    from core.notifications.services import deliveries_requeue

    return deliveries_requeue()
