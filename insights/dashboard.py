"""What the operations dashboard shows, for its template and for its live JSON endpoint."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import OPEN_STATUSES, Incident, Status
from insights import selectors
from insights.metrics import PAGES

LIVE_INTERVAL_SECONDS = 15


def _local(moment: datetime) -> str:
    return timezone.localtime(moment, selectors.zone()).strftime("%m-%d %H:%M")


def awaiting_item(incident: Incident, *, now: datetime) -> dict[str, Any]:
    """Describe one incident waiting for acknowledgement (plain JSON values)."""
    return {
        "key": incident.key,
        "url": reverse("admin:incidents_incident_change", args=[incident.pk]),
        "summary": incident.summary,
        "severity": incident.severity,
        "severity_label": incident.get_severity_display(),
        "customer": incident.customer.name,
        "reported_at": incident.reported_at.isoformat(),
        "reported_local": _local(incident.reported_at),
        "due_at": incident.response_due_at.isoformat(),
        "due_local": _local(incident.response_due_at),
        "seconds_left": int((incident.response_due_at - now).total_seconds()),
    }


def live_figures(*, now: datetime, counts: selectors.OpenCounts | None = None) -> dict[str, Any]:
    """Return the parts of the dashboard that change minute by minute (two queries)."""
    counts = counts or selectors.open_incident_counts()
    awaiting = selectors.awaiting_acknowledgement()
    items = [awaiting_item(incident, now=now) for incident in awaiting]
    by_status = counts.by_status()
    return {
        "now": now.isoformat(),
        "open": {
            "total": counts.total,
            "rows": [
                {"severity": row["severity"].value, "counts": row["counts"], "total": row["total"]}
                for row in counts.rows()
            ],
            "by_status": dict(zip([str(s) for s in OPEN_STATUSES], by_status, strict=True)),
        },
        "awaiting": {
            "total": by_status[OPEN_STATUSES.index(Status.NEW)],
            "shown": len(items),
            "breached": sum(1 for item in items if item["seconds_left"] <= 0),
            "items": items,
        },
    }


def dashboard_context(*, now: datetime) -> dict[str, Any]:
    """Return everything the dashboard template shows."""
    counts = selectors.open_incident_counts()
    live = live_figures(now=now, counts=counts)
    picture = selectors.contracts_picture(now=now)
    postmortems, action_items = selectors.overdue_postmortems(now=now)
    return {
        "now": now,
        "live": live,
        "live_url": reverse("insights:dashboard_live"),
        "live_interval": LIVE_INTERVAL_SECONDS,
        "statuses": [Status(s) for s in OPEN_STATUSES],
        "open_rows": counts.rows(),
        "open_by_status": counts.by_status(),
        "open_total": counts.total,
        "awaiting": live["awaiting"],
        "high_utilisation": picture.high_utilisation,
        "utilisation_alert": selectors.UTILISATION_ALERT,
        "slo": picture.slo,
        "overdue_postmortems": postmortems,
        "overdue_action_items": action_items,
        "metric_pages": [(page.title, reverse(f"insights:metrics_{page.slug}")) for page in PAGES],
        "countdown_left": _("%(time)s left"),
        "countdown_overdue": _("%(time)s overdue"),
    }
