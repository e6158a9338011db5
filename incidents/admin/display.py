"""Colour-coded badges and value formatting shared by the incident admin pages."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from incidents.models import Attachment, Severity, SloState, Status, TimelineEntry
from retainer.models import Product, Service

# CSS classes live in incidents/static/incidents/admin.css; markup carries no inline styles.
SEVERITY_CLASSES = {
    Severity.CRITICAL: "hl-sev-1",
    Severity.HIGH: "hl-sev-2",
    Severity.MEDIUM: "hl-sev-3",
    Severity.LOW: "hl-sev-4",
}
STATUS_CLASSES = {
    Status.NEW: "hl-status-new",
    Status.ACKNOWLEDGED: "hl-status-acknowledged",
    Status.MITIGATED: "hl-status-mitigated",
    Status.RESOLVED: "hl-status-resolved",
    Status.CLOSED: "hl-status-closed",
    Status.CANCELLED: "hl-status-cancelled",
}
SLO_CLASSES = {
    SloState.RUNNING: "hl-slo-running",
    SloState.MET: "hl-slo-met",
    SloState.BREACHED: "hl-slo-breached",
    SloState.NOT_APPLICABLE: "hl-slo-na",
}
VISIBILITY_CLASSES = {
    TimelineEntry.Visibility.INTERNAL: "hl-vis-internal",
    TimelineEntry.Visibility.CUSTOMER: "hl-vis-customer",
}


def badge(css_class: str, label: Any) -> SafeString:
    """Return a coloured label; the text is escaped."""
    return format_html('<span class="hl-badge {}">{}</span>', css_class, label)


def severity_badge(severity: int) -> SafeString:
    return badge(
        SEVERITY_CLASSES.get(severity, "hl-unknown"), dict(Severity.choices).get(severity, severity)
    )


def status_badge(status: str) -> SafeString:
    return badge(STATUS_CLASSES.get(status, "hl-unknown"), dict(Status.choices).get(status, status))


def slo_badge(state: str) -> SafeString:
    return badge(SLO_CLASSES.get(state, "hl-unknown"), dict(SloState.choices).get(state, state))


def visibility_badge(visibility: str) -> SafeString:
    return badge(
        VISIBILITY_CLASSES.get(visibility, "hl-unknown"),
        dict(TimelineEntry.Visibility.choices).get(visibility, visibility),
    )


def format_duration(value: timedelta | None) -> str | None:
    """Return a duration as "1 d 2 h 05 min" (None stays None so the admin shows its dash)."""
    if value is None:
        return None
    sign = "-" if value < timedelta(0) else ""
    days, minutes = divmod(int(abs(value).total_seconds()) // 60, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        text = _("%(days)d d %(hours)d h %(minutes)02d min") % {
            "days": days,
            "hours": hours,
            "minutes": minutes,
        }
    else:
        text = _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return sign + text


def service_label(service: Service) -> str:
    """Name a service with its customer, since two customers may both have "Payments"."""
    if service.customer_id is None:
        return _("%(name)s (shared)") % {"name": service.name}
    return f"{service.customer} / {service.name}"


def product_label(product: Product) -> str:
    return f"{product.customer} / {product.name}"


def attachment_link(admin_site_name: str, attachment: Attachment) -> SafeString:
    """Link to the staff download view of an attachment, named by its original file name."""
    url = reverse(
        f"{admin_site_name}:incidents_incident_attachment",
        args=[attachment.incident_id, attachment.pk],
    )
    return format_html('<a href="{}" download>{}</a>', url, attachment.original_name)
