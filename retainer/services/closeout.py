"""Close-out of a contract year: carry over (capped), expire the rest, end the contract.

Safe to re-run: each of the three amounts is a stream brought to its target, so a second run
posts nothing, and a run after late postings (effort logged after the year ended, a renewal
created later) posts only the corrections.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core import clock
from retainer import rules
from retainer.models import Contract, LedgerEntry
from retainer.rules import ZERO
from retainer.selectors import contract_balance
from retainer.services.common import local_date, record_actor
from retainer.services.ledger import Stream, contract_lock, stream_sync

Kind = LedgerEntry.Kind


@dataclass(frozen=True)
class CloseOutResult:
    contract: Contract
    split: rules.CloseOut
    entries: list[LedgerEntry]


def _streams(contract: Contract, renewal: Contract | None) -> dict[str, Stream]:
    streams = {
        "carry_out": Stream(
            f"carry-out:{contract.pk}",
            Q(contract_id=contract.pk, kind=Kind.CARRY_OUT),
            Kind.CARRY_OUT,
            Kind.CARRY_OUT,
        ),
        "expiry": Stream(
            f"expiry:{contract.pk}",
            Q(contract_id=contract.pk, kind=Kind.EXPIRY),
            Kind.EXPIRY,
            Kind.EXPIRY,
        ),
    }
    if renewal is not None:
        streams["carry_in"] = Stream(
            f"carry-in:{renewal.pk}",
            Q(contract_id=renewal.pk, kind=Kind.CARRY_IN),
            Kind.CARRY_IN,
            Kind.CARRY_IN,
        )
    return streams


def _split(contract: Contract) -> rules.CloseOut:
    """Return the close-out split from the ledger (entries other than close-out's own)."""
    balance = contract_balance(contract_id=contract.pk)
    return rules.close_out(
        contracted=balance.allotment,
        carry_in=balance.carry_in,
        used=balance.used,
        cap_percent=contract.carry_over_cap_percent,
    )


def _renewal(contract: Contract) -> Contract | None:
    renewal = Contract.objects.filter(previous_contract=contract).first()
    return contract_lock(renewal.pk) if renewal is not None else None


def _targets(split: rules.CloseOut, renewal: Contract | None) -> dict[str, Any]:
    carry = split.carry_over if renewal is not None else ZERO
    expiry = split.expired + (split.carry_over - carry)
    return {"carry_out": -carry, "expiry": -expiry, "carry_in": carry}


@transaction.atomic
def contract_close_out(
    *, contract: Contract, actor: Any, now: datetime | None = None
) -> CloseOutResult:
    """Close the contract year that ended: carry over to the renewal, expire the rest."""
    now = clock.resolve(now)
    locked = contract_lock(contract.pk)
    if local_date(now) <= locked.ends_on:
        raise ValidationError(
            _("Contract %(code)s runs until %(date)s; close it out after that.")
            % {"code": locked.code, "date": locked.ends_on.isoformat()}
        )
    renewal = _renewal(locked)
    split = _split(locked)
    targets = _targets(split, renewal)
    entries = []
    for name, stream in _streams(locked, renewal).items():
        target_contract = renewal if name == "carry_in" else locked
        day = renewal.starts_on if name == "carry_in" and renewal else locked.ends_on
        entry = stream_sync(
            stream,
            contract=target_contract,
            target=targets[name],
            effective_on=day,
            actor=actor,
            now=now,
            related_contract=locked if name == "carry_in" else renewal,
        )
        if entry is not None:
            entries.append(entry)
    _mark_ended(locked, actor=actor, now=now)
    return CloseOutResult(contract=locked, split=split, entries=entries)


def _mark_ended(contract: Contract, *, actor: Any, now: datetime) -> None:
    contract.status = Contract.Status.ENDED
    contract.closed_out_at = now
    record_actor(contract, actor)
    contract.save(update_fields=["status", "closed_out_at", "updated_at"])


def contracts_due_for_close_out(
    *, now: datetime | None = None, days: int = 90
) -> QuerySet[Contract]:
    """Return contracts that ended within ``days`` (re-run daily: late postings get settled)."""
    today = local_date(clock.resolve(now))
    since = today - timedelta(days=days)
    return Contract.objects.filter(ends_on__lt=today, ends_on__gte=since).exclude(
        status=Contract.Status.DRAFT
    )
