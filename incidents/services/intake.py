"""Intake: create an incident from the hotline form, the API, a phone call or an alert."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import cache as read_cache
from core import clock, timewindow
from core.access import customer_id_for, is_staff_member
from core.inserts import InsertBatch
from core.logging import bind_incident
from core.people import person_name
from incidents.escalation import services as timers
from incidents.models import Channel, Incident, Severity, TimelineEntry
from incidents.services.attachments import attachment_add, validate_upload
from incidents.services.keys import format_key, next_incident_number
from incidents.services.timeline import acting_user, record_actor, timeline_add
from retainer.models import Contract, Customer, Product, Service
from retainer.selectors import contract_active_for

CONTRACT_SCOPE = "active-contract"


def active_contract(*, customer_id: int, on: date) -> Contract | None:
    """Return ``contract_active_for``, kept in the read cache (``core.cache``) per customer and day.

    Every intake asks; contracts change a few times a year. Any saved or deleted contract makes
    all entries stale (``connect``).
    """
    return read_cache.get_or_build(
        CONTRACT_SCOPE,
        f"contract:{customer_id}:{on.isoformat()}",
        lambda: contract_active_for(customer_id=customer_id, on=on),
    )


def _contract_changed(sender: Any, **kwargs: Any) -> None:
    read_cache.invalidate(CONTRACT_SCOPE)


def connect() -> None:
    """Make the cached active contracts stale whenever a contract is saved or deleted."""
    uid = "incidents.intake.contract"
    post_save.connect(_contract_changed, sender=Contract, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_contract_changed, sender=Contract, dispatch_uid=f"{uid}.deleted")


def response_due(*, reported_at: datetime, severity: int, contract: Contract | None) -> datetime:
    """Return when the response SLO expires for an incident reported at ``reported_at``."""
    if contract is not None:
        return reported_at + contract.response_target(severity)
    return reported_at + timedelta(minutes=settings.HOTLINE_DEFAULT_RESPONSE_MINUTES)


def _validate_summary(errors: dict[str, list[str]], summary: str | None) -> None:
    summary = (summary or "").strip()
    limit = Incident._meta.get_field("summary").max_length or 0
    if not summary:
        errors["summary"] = [_("Say in one line what the emergency is.")]
    elif len(summary) > limit:
        errors["summary"] = [
            _("Keep the summary to %(limit)d characters or fewer.") % {"limit": limit}
        ]


def _validate_times(
    errors: dict[str, list[str]],
    *,
    impact_started_at: datetime | None,
    detected_at: datetime | None,
    now: datetime,
) -> None:
    for field, value in (("impact_started_at", impact_started_at), ("detected_at", detected_at)):
        if value is not None and timezone.is_naive(value):
            errors.setdefault(field, []).append(_("Give the time with its time zone."))
        elif value is not None and not timewindow.within(value):
            errors.setdefault(field, []).append(str(timewindow.MESSAGE))
        elif value is not None and value > now + timedelta(minutes=5):
            errors.setdefault(field, []).append(_("This time is in the future."))
    if (
        impact_started_at
        and detected_at
        # A naive time is refused above; comparing it with an aware one would raise TypeError.
        and timezone.is_aware(impact_started_at)
        and timezone.is_aware(detected_at)
        and detected_at < impact_started_at
    ):
        errors.setdefault("detected_at", []).append(
            _("Detection cannot be earlier than the start of the impact.")
        )


def _validate_catalogue(
    errors: dict[str, list[str]],
    *,
    customer: Customer,
    service: Service | None,
    products: Sequence[Product],
    contract: Contract | None,
) -> None:
    if service is not None and service.customer_id not in (None, customer.pk):
        errors.setdefault("service", []).append(_("This service belongs to another customer."))
    if any(product.customer_id != customer.pk for product in products):
        errors.setdefault("products", []).append(_("A product belongs to another customer."))
    if contract is not None and contract.customer_id != customer.pk:
        errors.setdefault("contract", []).append(_("This contract belongs to another customer."))


def _validate(fields: dict[str, Any], *, now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    _validate_summary(errors, fields["summary"])
    if fields["severity"] not in Severity.values:
        errors["severity"] = [_("Choose a severity from 1 (critical) to 4 (low).")]
    if fields["channel"] not in Channel.values:
        errors["channel"] = [_("Unknown intake channel.")]
    if fields["customer"] is None:
        errors["customer"] = [_("Choose the customer.")]
    else:
        _validate_catalogue(
            errors,
            customer=fields["customer"],
            service=fields["service"],
            products=fields["products"],
            contract=fields["contract"],
        )
        if customer_id_for(fields["reporter"]) not in (None, fields["customer"].pk):
            errors["reporter"] = [_("The reporter belongs to another customer.")]
    _validate_times(
        errors,
        impact_started_at=fields["impact_started_at"],
        detected_at=fields["detected_at"],
        now=now,
    )
    if errors:
        raise ValidationError(errors)


def _default_reporter(actor: Any, *, contact_given: bool) -> Any:
    """Return the reporter when the caller named no reporter user.

    A customer files for itself; an engineer who types in a caller's details is taking the
    call on someone's behalf and is not the reporter (nor the receipt's recipient).
    """
    user = acting_user(actor)
    if user is None or (contact_given and is_staff_member(user)):
        return None
    return user


@transaction.atomic
def incident_create(
    *,
    actor: Any,
    customer: Customer | None,
    summary: str,
    severity: int,
    channel: str,
    description: str = "",
    service: Service | None = None,
    products: Iterable[Product] = (),
    contract: Contract | None = None,
    reporter: Any = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    impact_started_at: datetime | None = None,
    detected_at: datetime | None = None,
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Incident:
    """Validate everything, then create the incident, its first timeline entry and files.

    Nothing is written when any field is invalid. The contract defaults to the customer's
    active contract at reporting time; the response SLO deadline is fixed here.
    """
    now = clock.resolve(now)
    products = list(products)
    if reporter is None:
        contact_given = bool(reporter_name or reporter_phone or reporter_email)
        reporter = _default_reporter(actor, contact_given=contact_given)
    fields = {
        "summary": summary,
        "severity": severity,
        "channel": channel,
        "customer": customer,
        "service": service,
        "products": products,
        "contract": contract,
        "reporter": reporter,
        "impact_started_at": impact_started_at,
        "detected_at": detected_at,
    }
    _validate(fields, now=now)
    if customer is None:  # _validate refused it already; this narrows the type
        raise ValidationError({"customer": _("Choose the customer.")})
    for upload in attachments:
        validate_upload(upload)
    if len(attachments) > settings.HOTLINE_ATTACHMENT_MAX_COUNT:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(count)d files.")
                % {"count": settings.HOTLINE_ATTACHMENT_MAX_COUNT}
            }
        )
    if contract is None:
        # Contract periods are dates in the firm's zone, whatever zone the request activated.
        today = timezone.localdate(now, timezone.get_default_timezone())
        contract = active_contract(customer_id=customer.pk, on=today)
    if reporter is not None:
        reporter_name = reporter_name or person_name(reporter)
        reporter_email = reporter_email or reporter.email
    number = next_incident_number()
    incident = Incident(
        number=number,
        key=format_key(number),
        summary=summary.strip(),
        description=description.strip(),
        severity=severity,
        customer=customer,
        contract=contract,
        service=service,
        channel=channel,
        reporter=reporter,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        impact_started_at=impact_started_at,
        detected_at=detected_at or now,
        reported_at=now,
        response_due_at=response_due(reported_at=now, severity=severity, contract=contract),
    )
    record_actor(incident, actor)
    # Every row of the new incident goes in one statement (core/inserts.py).
    batch = InsertBatch()
    batch.add(incident)
    # The links of a brand-new incident: nothing to diff against, no m2m signals (as before).
    batch.add(*(Incident.products.through(incident=incident, product=p) for p in products))
    timeline_add(
        batch=batch,
        incident=incident,
        kind=TimelineEntry.Kind.CREATED,
        actor=actor,
        at=now,
        visibility=TimelineEntry.Visibility.CUSTOMER,
        text=_("Reported via %(channel)s: %(summary)s")
        % {"channel": Channel(channel).label, "summary": incident.summary},
        data={
            "severity": severity,
            "channel": channel,
            "service": str(service) if service else "",
            "products": [str(p) for p in products],
        },
    )
    _flag_if_no_contract(incident, now=now, batch=batch)
    timers.incident_timers_start(incident=incident, now=now, batch=batch)
    batch.flush()
    bind_incident(incident.key)  # the request's or task's log lines carry the key from here on
    for upload in attachments:
        attachment_add(incident=incident, upload=upload, actor=actor, now=now, validated=True)
    if reporter_email:
        _send_receipt_on_commit(incident.pk)
    return incident


def _flag_if_no_contract(incident: Incident, *, now: datetime, batch: InsertBatch) -> None:
    """Accept the report (the hotline turns no one away) but flag it for the account manager."""
    if incident.contract_id is not None:
        return
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.ENTITLEMENT,
        at=now,
        text=_("No active contract: the account manager checks the entitlement."),
        data={"flag": "no_active_contract"},
        batch=batch,
    )


def _send_receipt_on_commit(incident_id: int) -> None:
    from incidents.tasks import send_intake_receipt

    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: send_intake_receipt.delay(incident_id, language))
