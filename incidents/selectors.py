"""Reads on incidents. Tenant scoping for incidents happens here and nowhere else."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, Count, F, FilteredRelation, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404

from core import clock
from core.access import is_staff_member
from core.tenancy import scope_to_customer
from incidents.escalation.models import SloKind, SloTimer
from incidents.models import Attachment, Incident, Status, TimelineEntry

# PostgreSQL's planning time grows exponentially with the number of joins (7 joined relations
# cost ~28 ms to plan a query that runs in 0.7 ms), so lists join at most three relations and
# prefetch the rest: one extra query per relation, constant in the number of rows.
LIST_JOINS = ("customer", "service", "incident_manager")
DETAIL_PREFETCHES = ("products", "contract", "reporter", "tech_lead", "communications_lead")


def incident_list_for(user: Any) -> QuerySet[Incident]:
    """Return the incidents ``user`` may see: all for staff, its company's for a customer."""
    return scope_to_customer(Incident.objects.select_related(*LIST_JOINS), user)


def incident_list_without_contract(user: Any) -> QuerySet[Incident]:
    """Return visible incidents filed with no active contract: entitlement to check."""
    return incident_list_for(user).filter(contract__isnull=True)


def incident_list_with_relations(user: Any) -> QuerySet[Incident]:
    """Return visible incidents with every related row loaded (API lists and details)."""
    return incident_list_for(user).prefetch_related(*DETAIL_PREFETCHES)


def incident_get_for(user: Any, *, key: str) -> Incident:
    """Return one visible incident by key, or raise Http404 (never 403: keys are not hints)."""
    key = normalize_key(key)
    if not KEY_SHAPE.fullmatch(key):  # a NUL: PostgreSQL refuses it in a query (a 500)
        raise Http404
    incident = incident_list_with_relations(user).filter(key=key).first()
    if incident is None:
        raise Http404
    return incident


# A key (``HOT-12``; the prefix is a setting) has no control characters and is short: anything
# else matches nothing, and is not sent to the database.
KEY_SHAPE = re.compile(r"[^\x00-\x1f\x7f]{1,64}")


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


# Post-mortems are read from their SLO clock (``SloTimer`` of kind postmortem): started at
# resolution for incidents that need one, due 72 h later, stopped when the post-mortem is
# published: met when published by the due time, breached otherwise (escalation services).
PM_COUNTED = (SloTimer.State.MET, SloTimer.State.BREACHED, SloTimer.State.RUNNING)


@dataclass(frozen=True)
class IncidentMonthStats:
    """Per contract and period: response SLO attainment and post-mortems on time."""

    slo_met: int = 0
    slo_total: int = 0
    postmortems_on_time: int = 0
    postmortems_due: int = 0


# The response SLO counts every incident but one cancelled before anyone acknowledged it and
# before its deadline (a cancellation after the deadline is a breach: the promise was already
# broken); met = acknowledged within the target. The SLO timer agrees (``_stop_slo``).
SLO_COUNTED = ~Q(
    status=Status.CANCELLED,
    acknowledged_at__isnull=True,
    cancelled_at__lte=F("response_due_at"),
)
SLO_MET = Q(acknowledged_at__lte=F("response_due_at"))


def incident_month_stats(
    *, contract_ids: list[int], start: datetime, end: datetime, now: datetime | None = None
) -> dict[int, IncidentMonthStats]:
    """Return each contract's incident figures for [start, end), in one grouped query.

    SLO: incidents reported in the period, except those cancelled before anyone acknowledged
    and before their deadline; met = acknowledged within the target. Post-mortems due:
    post-mortem clocks (not cancelled) whose due time falls in the period and that are decided
    at ``now``: delivered, or overdue and undelivered (late). A clock still running before its
    due time is not counted yet. On time: the clock was stopped "met", i.e. published by its
    due time.
    """
    now = clock.resolve(now)
    reported = Q(reported_at__gte=start, reported_at__lt=end)
    counted = reported & SLO_COUNTED
    pm_in_period = Q(postmortem_clock__due_at__gte=start, postmortem_clock__due_at__lt=end)
    pm_due = (
        pm_in_period
        & Q(postmortem_clock__state__in=PM_COUNTED)
        & (Q(postmortem_clock__stopped_at__isnull=False) | Q(postmortem_clock__due_at__lte=now))
    )
    rows = (
        Incident.objects.annotate(
            postmortem_clock=FilteredRelation(
                "slo_timers", condition=Q(slo_timers__kind=SloKind.POSTMORTEM)
            )
        )
        .filter(Q(contract_id__in=contract_ids) & (reported | pm_in_period))
        .values("contract_id")
        .annotate(
            slo_total=Count("id", filter=counted),
            slo_met=Count("id", filter=counted & Q(acknowledged_at__lte=F("response_due_at"))),
            postmortems_due=Count("id", filter=pm_due),
            postmortems_on_time=Count(
                "id", filter=pm_due & Q(postmortem_clock__state=SloTimer.State.MET)
            ),
        )
        .order_by()
    )
    return {row.pop("contract_id"): IncidentMonthStats(**row) for row in rows}


# --- response SLO by month (the metrics pages) ------------------------------------------------


def incident_slo_by_month(
    *, incidents: QuerySet[Incident], zone: Any
) -> dict[Any, IncidentMonthStats]:
    """Return response SLO met/total per month of reporting (in ``zone``), one grouped query.

    Counts the way the monthly M/M report does (``incident_month_stats``): incidents under a
    contract, except those cancelled before anyone acknowledged. Keys are first-of-month dates.
    """
    from django.db.models.functions import TruncMonth

    rows = (
        incidents.filter(contract__isnull=False)
        .annotate(month=TruncMonth("reported_at", tzinfo=zone))
        .values("month")
        .annotate(
            slo_total=Count("id", filter=SLO_COUNTED),
            slo_met=Count("id", filter=SLO_COUNTED & SLO_MET),
        )
        .order_by()
    )
    return {
        row["month"].astimezone(zone).date(): IncidentMonthStats(
            slo_met=row["slo_met"], slo_total=row["slo_total"]
        )
        for row in rows
    }
