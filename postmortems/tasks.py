"""Background work for post-mortems: each task calls one service."""

from celery import shared_task


@shared_task(name="postmortems.chase_overdue_action_items", ignore_result=True)
def chase_overdue_action_items() -> int:
    """Send each owner this week's digest of overdue action items (beat, Mondays 09:00)."""
    from postmortems.chase import action_items_chase

    return action_items_chase()
