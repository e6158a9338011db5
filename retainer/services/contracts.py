"""Contracts: create, change, activate and renew; the ledger's allotment follows each change."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from retainer.models import Contract, LedgerEntry
from retainer.services.common import record_actor
from retainer.services.ledger import contract_lock, ledger_sync_allotment

EDITABLE = (
    "customer",
    "code",
    "starts_on",
    "ends_on",
    "status",
    "account_manager",
    "contracted_mm",
    "hours_per_mm",
    "carry_over_cap_percent",
    "previous_contract",
    "postmortem_policy",
    "response_minutes_sev1",
    "response_minutes_sev2",
    "response_minutes_sev3",
    "response_minutes_sev4",
)
# What cannot change once M/M has been granted or used against the contract (the previous
# contract only once M/M was carried in from it).
FROZEN_ONCE_POSTED = ("customer", "hours_per_mm", "starts_on")


def _validate(contract: Contract) -> None:
    contract.full_clean(exclude=["previous_contract"] if contract.pk is None else None)
    previous = contract.previous_contract
    if previous is None:
        return
    if previous.customer_id != contract.customer_id:
        raise ValidationError({"previous_contract": _("A renewal is for the same customer.")})
    if previous.pk == contract.pk or previous.ends_on >= contract.starts_on:
        raise ValidationError(
            {"previous_contract": _("The renewal must start after the previous contract ends.")}
        )


@transaction.atomic
def contract_create(*, actor: Any, now: datetime | None = None, **fields: Any) -> Contract:
    """Create a contract; an active one is granted its contracted M/M at once."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    contract = Contract(**fields)
    _validate(contract)
    record_actor(contract, actor)
    contract.save(force_insert=True)
    ledger_sync_allotment(contract=contract, actor=actor, now=now)
    return contract


@transaction.atomic
def contract_update(
    *, contract: Contract, actor: Any, data: dict[str, Any], now: datetime | None = None
) -> Contract:
    """Change a contract; a change of contracted M/M posts an allotment delta."""
    locked = contract_lock(contract.pk)
    posted = locked.ledger.exists()
    carried_in = locked.ledger.filter(kind=LedgerEntry.Kind.CARRY_IN).exists()
    if carried_in and data.get("previous_contract", locked.previous_contract) != (
        locked.previous_contract
    ):
        raise ValidationError(
            {"previous_contract": _("M/M was carried in from it; this cannot change.")}
        )
    for name, value in data.items():
        if name not in EDITABLE:
            raise TypeError(f"not an editable contract field: {name}")
        if posted and name in FROZEN_ONCE_POSTED and getattr(locked, name) != value:
            raise ValidationError(
                {name: _("This cannot change once the ledger has entries; renew instead.")}
            )
        setattr(locked, name, value)
    _validate(locked)
    record_actor(locked, actor)
    locked.save()
    ledger_sync_allotment(contract=locked, actor=actor, now=now)
    contract.refresh_from_db()
    return contract


def contract_activate(*, contract: Contract, actor: Any, now: datetime | None = None) -> Contract:
    """Activate a draft contract and grant its contracted M/M."""
    if contract.status != Contract.Status.DRAFT:
        raise ValidationError(_("Only a draft contract can be activated."))
    return contract_update(
        contract=contract, actor=actor, data={"status": Contract.Status.ACTIVE}, now=now
    )


def contract_renew(
    *, contract: Contract, actor: Any, code: str, contracted_mm: Decimal | None = None, **extra: Any
) -> Contract:
    """Create next year's draft contract: same terms, starting the day after this one ends."""
    starts = contract.ends_on + timedelta(days=1)
    length = contract.ends_on - contract.starts_on
    fields = {name: getattr(contract, name) for name in EDITABLE}
    fields.update(
        code=code,
        starts_on=starts,
        ends_on=starts + length,
        status=Contract.Status.DRAFT,
        previous_contract=contract,
        contracted_mm=contracted_mm if contracted_mm is not None else contract.contracted_mm,
        **extra,
    )
    return contract_create(actor=actor, **fields)
