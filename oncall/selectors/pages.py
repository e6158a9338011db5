"""Pages a person received: the seam the fairness report reads.

A page is an incident paging step that reached the person: the sent outbox deliveries of the
incident paging topic addressed to them, one per (incident, step) however many channels
carried it, at the time the first of them was sent.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.notifications.models import Delivery
from core.notifications.topics import INCIDENT_PAGE


def pages_received(
    users: Iterable[Any], start: datetime, end: datetime
) -> dict[int, list[datetime]]:
    """Return, per user id, when each page in ``[start, end)`` reached them (one query)."""
    ids = [user.pk for user in users]
    rows = (
        Delivery.objects.filter(
            topic=INCIDENT_PAGE,
            recipient_id__in=ids,
            status=Delivery.Status.SENT,
            sent_at__gte=start,
            sent_at__lt=end,
        )
        .order_by("sent_at")
        .values_list("recipient_id", "object_id", "data__step", "sent_at")
    )
    seen: set[tuple[Any, ...]] = set()
    found: dict[int, list[datetime]] = {pk: [] for pk in ids}
    for user_id, object_id, step, sent_at in rows:
        if (user_id, object_id, step) not in seen:
            seen.add((user_id, object_id, step))
            found[user_id].append(sent_at)
    return found


def pages_received_by(user: Any, start: datetime, end: datetime) -> list[datetime]:
    """Return when each page in ``[start, end)`` reached ``user``, oldest first."""
    return sorted(pages_received([user], start, end)[user.pk])
