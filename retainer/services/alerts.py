"""Utilisation alerts: tell the account manager once per contract year at 80 % and 100 %."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from retainer.models import Contract, UtilisationAlert
from retainer.selectors import contract_balance

THRESHOLDS = (80, 100)


def _utilisation_ceiling() -> Decimal:
    """Return the largest utilisation the alert's column holds (999999.9 for (7, 1))."""
    field = UtilisationAlert._meta.get_field("utilisation")
    places = Decimal(1).scaleb(-field.decimal_places)
    return Decimal(1).scaleb(field.max_digits - field.decimal_places) - places


# Use on a tiny grant can pass any column (1 M/M used of 0.0001 granted is 1,000,000 %): the
# alert is raised all the same and records the utilisation capped here.
UTILISATION_CEILING = _utilisation_ceiling()


def alerts_check(*, contract: Contract, now: datetime) -> list[UtilisationAlert]:
    """Raise each threshold the contract's utilisation has reached for the first time.

    Called by the posting services with the contract row locked, so two postings cannot both
    raise the same alert; the unique constraint is the second guard.
    """
    utilisation = contract_balance(contract_id=contract.pk).utilisation
    if utilisation is None:
        return []
    utilisation = min(utilisation, UTILISATION_CEILING)
    reached = [t for t in THRESHOLDS if utilisation >= t]
    known = set(
        UtilisationAlert.objects.filter(contract=contract, threshold__in=reached).values_list(
            "threshold", flat=True
        )
    )
    raised = []
    for threshold in reached:
        if threshold in known:
            continue
        alert = UtilisationAlert.objects.create(
            contract=contract, threshold=threshold, utilisation=utilisation, created_at=now
        )
        transaction.on_commit(lambda pk=alert.pk: _enqueue(pk))
        raised.append(alert)
    return raised


def _enqueue(alert_id: int) -> None:
    from retainer.tasks import send_utilisation_alert

    send_utilisation_alert.delay(alert_id)


def alert_recipient(contract: Contract) -> str:
    """Return the e-mail of the contract's account manager (or the customer's), or ''."""
    manager = contract.account_manager or contract.customer.account_manager
    return manager.email if manager is not None else ""


@transaction.atomic
def utilisation_alert_send(*, alert: UtilisationAlert, now: datetime | None = None) -> bool:
    """E-mail the account manager about the alert unless it was sent already."""
    locked = (
        UtilisationAlert.objects.select_for_update(of=("self",))
        .select_related("contract__customer", "contract__account_manager")
        .get(pk=alert.pk)
    )
    recipient = alert_recipient(locked.contract)
    if locked.sent_at is not None or not recipient:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "code": locked.contract.code,
            "customer": locked.contract.customer.name,
            "threshold": locked.threshold,
            "utilisation": locked.utilisation,
        }
        subject = _("[M/M] %(code)s reached %(threshold)s%% utilisation") % values
        body = (
            _(
                "Contract %(code)s of %(customer)s has used %(utilisation)s%% of its M/M. "
                "Work continues; anything beyond 100%% is shown as overage in the monthly report."
            )
            % values
        )
    send_mail(subject, body, None, [recipient])
    locked.sent_at = clock.resolve(now)
    locked.save(update_fields=["sent_at"])
    return True
