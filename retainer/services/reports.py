"""The monthly M/M report e-mail: to the account manager and opted-in customer users, once.

Customer users opt in or out themselves on /hotline/reports/ (staff can also set it in the admin).
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from retainer.models import Contract, CustomerUser, ReportDispatch
from retainer.reports.detail import monthly_report
from retainer.reports.exports import month_text, report_filename, summary_items
from retainer.reports.monthly import contracts_in_month
from retainer.reports.pdf import report_pdf
from retainer.services.common import record_actor


def report_recipients(contract: Contract) -> list[str]:
    """Return the account manager's address and those of customer users who opted in."""
    manager = contract.account_manager or contract.customer.account_manager
    addresses = [manager.email] if manager is not None and manager.email else []
    customers = CustomerUser.objects.filter(
        customer_id=contract.customer_id, receives_mm_reports=True, user__is_active=True
    ).values_list("user__email", flat=True)
    return sorted({*addresses, *(email for email in customers if email)})


@transaction.atomic
def report_subscription_set(*, customer_user: CustomerUser, receives: bool, actor: Any) -> bool:
    """Opt a customer user in to (or out of) the monthly report e-mail; return the new choice."""
    locked = CustomerUser.objects.select_for_update().get(pk=customer_user.pk)
    if locked.receives_mm_reports != receives:
        locked.receives_mm_reports = receives
        record_actor(locked, actor)
        locked.save(update_fields=["receives_mm_reports", "updated_at"])
    customer_user.receives_mm_reports = receives
    return receives


def _message(contract: Contract, month: date, recipients: list[str]) -> EmailMessage:
    report = monthly_report(contract=contract, month=month)
    subject = _("[M/M] %(customer)s %(code)s report for %(month)s") % {
        "customer": contract.customer.name,
        "code": contract.code,
        "month": month_text(month),
    }
    body = "\n".join(f"{label}: {value}" for label, value in summary_items(report))
    message = EmailMessage(subject, body, None, recipients)
    message.attach(report_filename(report, "pdf"), report_pdf(report), "application/pdf")
    return message


@transaction.atomic
def monthly_report_send(*, contract: Contract, month: date, now: datetime | None = None) -> bool:
    """E-mail the contract's report for ``month`` unless it was sent already."""
    month = month.replace(day=1)
    dispatch, created = ReportDispatch.objects.get_or_create(
        contract=contract, month=month, defaults={"sent_at": clock.resolve(now)}
    )
    recipients = report_recipients(contract)
    if not created or not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        _message(contract, month, recipients).send()
    dispatch.recipients = ", ".join(recipients)
    dispatch.save(update_fields=["recipients"])
    return True


def monthly_reports_send(*, month: date, now: datetime | None = None) -> int:
    """Send every contract's report for ``month``; returns how many e-mails went out."""
    contracts = contracts_in_month(month)
    return sum(monthly_report_send(contract=c, month=month, now=now) for c in contracts)
