"""Celery discovers ``<app>.tasks``; core's tasks live with the notification outbox."""

from core.notifications.tasks import deliver, requeue_deliveries

__all__ = ["deliver", "requeue_deliveries"]
