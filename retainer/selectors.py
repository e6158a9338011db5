"""Reads for customers, their catalogue, contracts and the M/M ledger.

Balance, used, remaining and utilisation come only from the ledger: sums of its entries.
Tenant scoping for contracts happens here (``contract_list_for``) and nowhere else.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from core.access import is_staff_member
from core.tenancy import scope_to_customer
from retainer import rules
from retainer.models import (
    Contract,
    Customer,
    DiagnosticEngagement,
    LedgerEntry,
    Product,
    Service,
    WorkLog,
)
from retainer.rules import ZERO

Kind = LedgerEntry.Kind


def contract_active_for(*, customer_id: int, on: date) -> Contract | None:
    """Return the customer's active contract on ``on`` (the latest-starting one), or None."""
    return (
        Contract.objects.filter(
            customer_id=customer_id,
            status=Contract.Status.ACTIVE,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-starts_on", "-id")
        .first()
    )


def service_list_for_customer(*, customer_id: int | None) -> QuerySet[Service]:
    """Return the active services a customer can name as faulty (its own plus shared ones)."""
    return Service.objects.filter(
        Q(customer_id=customer_id) | Q(customer__isnull=True), is_active=True
    ).order_by("customer_id", "name")


def product_list_for_customer(*, customer_id: int | None) -> QuerySet[Product]:
    """Return the customer's active products."""
    return Product.objects.filter(customer_id=customer_id, is_active=True).order_by("name")


def customer_list() -> QuerySet[Customer]:
    """Return active customers."""
    return Customer.objects.filter(is_active=True)


# --- contracts ---------------------------------------------------------------------------------


def contract_list_for(user: Any) -> QuerySet[Contract]:
    """Return the contracts ``user`` may see: all for staff, its company's for a customer."""
    base = Contract.objects.select_related("customer", "account_manager")
    visible = scope_to_customer(base, user)
    if is_staff_member(user):
        return visible
    return visible.exclude(status=Contract.Status.DRAFT)


def contract_get_for(user: Any, *, pk: Any) -> Contract:
    """Return one visible contract, or raise Http404 (another company's id is not a hint)."""
    try:
        contract = contract_list_for(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        contract = None
    if contract is None:
        raise Http404
    return contract


def ledger_for(contract: Contract) -> QuerySet[LedgerEntry]:
    """Return the contract's entries in posting order with what explains each."""
    return (
        LedgerEntry.objects.filter(contract=contract)
        .select_related("incident", "engagement", "work_log__engineer", "work_log__engagement")
        .select_related("author")
        .order_by("effective_on", "id")
    )


def engagement_list_for(user: Any) -> QuerySet[DiagnosticEngagement]:
    """Return the diagnostic engagements ``user`` may see, with milestones and logged hours.

    Staff see all; a customer sees its company's, except those under a draft contract.
    """
    base = (
        DiagnosticEngagement.objects.select_related("contract__customer", "lead")
        .prefetch_related("milestones")
        .annotate(logged_hours=Sum("work_logs__hours", default=ZERO))
    )
    visible = scope_to_customer(base, user, via="contract__customer")
    if is_staff_member(user):
        return visible
    return visible.exclude(contract__status=Contract.Status.DRAFT)


def work_log_list_for(user: Any) -> QuerySet[WorkLog]:
    """Return the work logs ``user`` may see: all for staff, its company's for a customer."""
    base = WorkLog.objects.select_related("engineer", "contract", "incident", "engagement")
    return scope_to_customer(base, user, via="contract__customer")


# --- balances ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """A contract's M/M position, summed from the ledger."""

    allotment: Decimal = ZERO
    carry_in: Decimal = ZERO
    used: Decimal = ZERO  # deductions and their corrections, as a positive number
    expired: Decimal = ZERO
    carried_out: Decimal = ZERO
    balance: Decimal = ZERO  # the sum of every entry

    @property
    def granted(self) -> Decimal:
        return self.allotment + self.carry_in

    @property
    def remaining(self) -> Decimal:
        """What is left on this contract (zero after close-out moved or expired it)."""
        return self.balance

    @property
    def overage(self) -> Decimal:
        """M/M used beyond what was granted: shown, never blocked."""
        return max(ZERO, -self.balance)

    @property
    def utilisation(self) -> Decimal | None:
        return rules.utilisation_percent(self.used, self.granted)


def _sum(kinds: tuple[str, ...], extra: Q | None = None) -> Sum:
    condition = Q(kind__in=kinds) if extra is None else Q(kind__in=kinds) & extra
    return Sum("amount", filter=condition, default=ZERO)


BALANCE_SUMS = {
    "allotment": (Kind.ALLOTMENT,),
    "carry_in": (Kind.CARRY_IN,),
    "used": (Kind.DEDUCTION, Kind.ADJUSTMENT),
    "expired": (Kind.EXPIRY,),
    "carried_out": (Kind.CARRY_OUT,),
}


def balance_from_row(row: dict[str, Any]) -> Balance:
    """Build a Balance from an aggregate row of BALANCE_SUMS sums (signs made positive)."""
    return Balance(
        allotment=row["allotment"],
        carry_in=row["carry_in"],
        used=-row["used"],
        expired=-row["expired"],
        carried_out=-row["carried_out"],
        balance=row["allotment"]
        + row["carry_in"]
        + row["used"]
        + row["expired"]
        + row["carried_out"],
    )


def balance_annotations(extra: Q | None = None) -> dict[str, Sum]:
    """Return the aggregate expressions of a Balance, optionally limited by ``extra``."""
    return {name: _sum(kinds, extra) for name, kinds in BALANCE_SUMS.items()}


def contract_balance(*, contract_id: int, as_of: date | None = None) -> Balance:
    """Return the contract's balance from its ledger (up to ``as_of`` inclusive), one query."""
    entries = LedgerEntry.objects.filter(contract_id=contract_id)
    if as_of is not None:
        entries = entries.filter(effective_on__lte=as_of)
    return balance_from_row(entries.aggregate(**balance_annotations()))


def contract_balances(*, contract_ids: list[int]) -> dict[int, Balance]:
    """Return the balance of each contract in one grouped query."""
    rows = (
        LedgerEntry.objects.filter(contract_id__in=contract_ids)
        .values("contract_id")
        .annotate(**balance_annotations())
        .order_by()
    )
    found = {row["contract_id"]: balance_from_row(row) for row in rows}
    return {pk: found.get(pk, Balance()) for pk in contract_ids}
