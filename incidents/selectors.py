"""Reads on incidents. Tenant scoping for incidents happens here and nowhere else."""

from typing import Any

from django.db.models import BigIntegerField, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404

from core.access import customer_id_for, is_staff_member
from incidents.models import Attachment, Incident, TimelineEntry

# PostgreSQL's planning time grows exponentially with the number of joins (7 joined relations
# cost ~28 ms to plan a query that runs in 0.7 ms), so lists join at most three relations and
# prefetch the rest: one extra query per relation, constant in the number of rows.
LIST_JOINS = ("customer", "service", "incident_manager")
DETAIL_PREFETCHES = ("products", "contract", "reporter", "tech_lead", "communications_lead")


def incident_list_for(user: Any) -> QuerySet[Incident]:
    """Return the incidents ``user`` may see: all for staff, its company's for a customer."""
    base = Incident.objects.select_related(*LIST_JOINS)
    if is_staff_member(user):
        return base
    customer_id = customer_id_for(user)
    if customer_id is None:
        return base.none()
    return base.filter(customer_id=customer_id)


def incident_list_with_relations(user: Any) -> QuerySet[Incident]:
    """Return visible incidents with every related row loaded (API lists and details)."""
    return incident_list_for(user).prefetch_related(*DETAIL_PREFETCHES)


def incident_get_for(user: Any, *, key: str) -> Incident:
    """Return one visible incident by key, or raise Http404 (never 403: keys are not hints)."""
    incident = incident_list_with_relations(user).filter(key=normalize_key(key)).first()
    if incident is None:
        raise Http404
    return incident


def normalize_key(key: str) -> str:
    """Return the stored form of a key typed by a person (``hot-12 `` → ``HOT-12``)."""
    return str(key).strip().upper()


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
