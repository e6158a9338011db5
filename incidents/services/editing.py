"""Edit an incident's fields and roles; each change lands on the timeline."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.access import is_staff_member
from incidents.escalation import services as timers
from incidents.models import Incident, Severity, Status, TimelineEntry
from incidents.services.intake import (
    _validate_catalogue,
    _validate_summary,
    _validate_times,
    response_due,
)
from incidents.services.timeline import record_actor, timeline_add

EDITABLE_FIELDS = (
    "summary",
    "description",
    "severity",
    "service",
    "impact_started_at",
    "detected_at",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
)
ROLE_FIELDS = ("incident_manager", "tech_lead", "communications_lead")
FROZEN_STATUSES = (Status.CLOSED, Status.CANCELLED)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _validate_update(locked: Incident, data: dict[str, Any], now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if locked.status in FROZEN_STATUSES:
        raise ValidationError(
            _("Incident %(key)s is %(status)s and can no longer be edited.")
            % {"key": locked.key, "status": locked.get_status_display().lower()}
        )
    if "summary" in data:
        _validate_summary(errors, data["summary"])
    if "severity" in data and data["severity"] not in Severity.values:
        errors["severity"] = [_("Choose a severity from 1 (critical) to 4 (low).")]
    for role in ROLE_FIELDS:
        if data.get(role) is not None and not is_staff_member(data[role]):
            errors.setdefault(role, []).append(_("Only the firm's engineers can hold this role."))
    _validate_catalogue(
        errors,
        customer=locked.customer,
        service=data.get("service", locked.service),
        products=list(data.get("products", [])),
        contract=None,
    )
    _validate_times(
        errors,
        impact_started_at=data.get("impact_started_at", locked.impact_started_at),
        detected_at=data.get("detected_at", locked.detected_at),
        now=now,
    )
    if errors:
        raise ValidationError(errors)


def _record_change(
    locked: Incident, field: str, old: Any, new: Any, actor: Any, now: datetime
) -> None:
    if field == "severity":
        kind, visibility = TimelineEntry.Kind.SEVERITY, TimelineEntry.Visibility.CUSTOMER
        text = _("Severity changed from %(old)s to %(new)s.") % {
            "old": Severity(old).label,
            "new": Severity(new).label,
        }
    elif field in ROLE_FIELDS:
        kind, visibility = TimelineEntry.Kind.ROLE, TimelineEntry.Visibility.INTERNAL
        text = _("%(role)s: %(old)s → %(new)s") % {
            "role": Incident._meta.get_field(field).verbose_name,
            "old": _display(old),
            "new": _display(new),
        }
    else:
        kind, visibility = TimelineEntry.Kind.FIELD, TimelineEntry.Visibility.INTERNAL
        text = _("%(field)s changed.") % {
            "field": str(Incident._meta.get_field(field).verbose_name).capitalize()
        }
    timeline_add(
        incident=locked,
        kind=kind,
        text=text,
        actor=actor,
        visibility=visibility,
        at=now,
        data={"field": field, "old": _display(old), "new": _display(new)},
    )


@transaction.atomic
def incident_update(
    *, incident: Incident, actor: Any, data: dict[str, Any], now: datetime | None = None
) -> Incident:
    """Change editable fields and roles; validate all first, then write and record each."""
    now = clock.resolve(now)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    unknown = set(data) - set(EDITABLE_FIELDS) - set(ROLE_FIELDS) - {"products"}
    if unknown:
        raise ValidationError(
            _("These fields cannot be edited: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    _validate_update(locked, data, now)
    changed: list[str] = []
    for field in (*EDITABLE_FIELDS, *ROLE_FIELDS):
        if field not in data:
            continue
        old, new = getattr(locked, field), data[field]
        if isinstance(new, str):
            new = new.strip()
        if old == new:
            continue
        setattr(locked, field, new)
        changed.append(field)
        _record_change(locked, field, old, new, actor, now)
    # A new severity moves the response deadline only while it lies ahead: once it passed,
    # the breach is a fact, and the monthly report reads it from ``response_due_at``.
    if "severity" in changed and locked.acknowledged_at is None and locked.response_due_at > now:
        locked.response_due_at = response_due(
            reported_at=locked.reported_at, severity=locked.severity, contract=locked.contract
        )
        changed.append("response_due_at")
        timers.response_timer_reschedule(incident=locked, now=now)
    record_actor(locked, actor)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if "products" in data:
        old_products = list(locked.products.all())
        if {p.pk for p in data["products"]} != {p.pk for p in old_products}:
            locked.products.set(data["products"])
            _record_change(
                locked,
                "products",
                ", ".join(map(str, old_products)),
                ", ".join(map(str, data["products"])),
                actor,
                now,
            )
    incident.refresh_from_db()
    return incident
