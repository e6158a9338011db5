"""Reads on incidents. Tenant scoping for incidents happens here and nowhere else."""

from typing import Any

from django.db.models import BigIntegerField, Prefetch, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404

from core.access import customer_id_for, is_staff_member
from incidents.models import Attachment, Incident, TimelineEntry


def incident_list_for(user: Any) -> QuerySet[Incident]:
    """Return the incidents ``user`` may see: all for staff, its company's for a customer."""
    base = Incident.objects.select_related(
        "customer",
        "service",
        "contract",
        "incident_manager",
        "tech_lead",
        "communications_lead",
        "reporter",
    )
    if is_staff_member(user):
        return base
    customer_id = customer_id_for(user)
    if customer_id is None:
        return base.none()
    return base.filter(customer_id=customer_id)


def incident_get_for(user: Any, *, key: str) -> Incident:
    """Return one visible incident by key, or raise Http404 (never 403: keys are not hints)."""
    incident = (
        incident_list_for(user).prefetch_related("products").filter(key__iexact=key.strip()).first()
    )
    if incident is None:
        raise Http404
    return incident


def timeline_for(user: Any, incident: Incident) -> QuerySet[TimelineEntry]:
    """Return the timeline entries ``user`` may see on an incident it can already see."""
    entries = TimelineEntry.objects.filter(incident=incident).select_related("actor")
    if is_staff_member(user):
        return entries
    return entries.filter(visibility=TimelineEntry.Visibility.CUSTOMER)


def attachment_list_for(user: Any, incident: Incident) -> QuerySet[Attachment]:
    """Return the attachments ``user`` may see on an incident it can already see."""
    attachments = Attachment.objects.filter(incident=incident)
    if is_staff_member(user):
        return attachments
    # An attachment has no visibility of its own: the timeline entry that announced it has.
    announced = (
        timeline_for(user, incident)
        .filter(kind=TimelineEntry.Kind.ATTACHMENT)
        .annotate(attachment_id=Cast(KeyTextTransform("attachment", "data"), BigIntegerField()))
        .values("attachment_id")
    )
    return attachments.filter(pk__in=announced)


def attachment_get_for(user: Any, *, key: str, attachment_id: int) -> Attachment:
    """Return an attachment of an incident the user may see, or raise Http404."""
    incident = incident_get_for(user, key=key)
    attachment = attachment_list_for(user, incident).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def incident_list_with_products(user: Any) -> QuerySet[Incident]:
    """Return visible incidents with their products prefetched (API lists)."""
    return incident_list_for(user).prefetch_related(Prefetch("products"))
