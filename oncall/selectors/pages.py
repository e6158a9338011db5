"""Pages a person received: the seam the fairness report reads.

Until the notification outbox exists, a page is approximated by an incident the person became
incident manager of (the acknowledger, by default), at the time it was reported. When the
outbox lands, only these functions change.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.apps import apps


def pages_received(
    users: Iterable[Any], start: datetime, end: datetime
) -> dict[int, list[datetime]]:
    """Return, per user id, when each page in ``[start, end)`` reached them (one query)."""
    # Read through the app registry: on-call sits below incidents in the dependency order.
    incident_model = apps.get_model("incidents", "Incident")
    ids = [user.pk for user in users]
    rows = incident_model.objects.filter(
        incident_manager_id__in=ids, reported_at__gte=start, reported_at__lt=end
    ).values_list("incident_manager_id", "reported_at")
    found: dict[int, list[datetime]] = {pk: [] for pk in ids}
    for user_id, reported_at in rows:
        found[user_id].append(reported_at)
    return found


def pages_received_by(user: Any, start: datetime, end: datetime) -> list[datetime]:
    """Return when each page in ``[start, end)`` reached ``user``, oldest first."""
    return sorted(pages_received([user], start, end)[user.pk])
