"""Posting to the M/M ledger: the one place that inserts entries.

Every posting locks the contract row first (``select_for_update``), so postings for one contract
run one after another and each sees the entries before it. Idempotency has two layers: a
*stream* (an incident, a work log, a contract's allotment, …) is brought to a target total by
posting only the missing delta, so repeating a call posts nothing; and each entry carries a
unique ``source_key`` (``incident:12#2`` = the second entry of incident 12's stream), so even a
bug that raced past the lock could not post the same source twice.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from core import clock
from retainer.models import GRANT_KINDS, Contract, LedgerEntry
from retainer.rules import MM_PLACES, ZERO
from retainer.services.alerts import alerts_check
from retainer.services.common import acting_user, local_date

Kind = LedgerEntry.Kind
REVERSIBLE_KINDS = (Kind.DEDUCTION, Kind.ADJUSTMENT)


def contract_lock(contract_id: int) -> Contract:
    """Lock and return the contract row: the mutex of its ledger."""
    return Contract.objects.select_for_update().get(pk=contract_id)


def _exact(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError("ledger amounts are Decimal")
    if amount.quantize(MM_PLACES) != amount:
        raise ValueError(f"{amount} has more than 4 decimal places")
    return amount.quantize(MM_PLACES)


def entry_post(
    *,
    contract: Contract,
    kind: str,
    amount: Decimal,
    source_key: str,
    effective_on: date,
    actor: Any = None,
    now: datetime,
    **links: Any,
) -> LedgerEntry:
    """Insert one entry dated inside the contract year; the caller holds the contract lock."""
    entry = LedgerEntry(
        contract=contract,
        kind=kind,
        amount=_exact(amount),
        source_key=source_key,
        effective_on=contract.clamp(effective_on),
        author=acting_user(actor),
        created_at=now,
        **links,
    )
    entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class Stream:
    """A run of entries from one source, brought to a target total by delta postings.

    ``existing`` selects every entry the stream holds: at least those posted under ``key``
    and perhaps older ones posted under other keys that it took over (see ``usage.py``).
    """

    key: str  # the source-key prefix: "incident:12"
    existing: Q  # selects the stream's entries
    first_kind: str  # the first entry's kind
    delta_kind: str  # every later correction's kind


def stream_sync(
    stream: Stream,
    *,
    contract: Contract,
    target: Decimal,
    effective_on: date,
    actor: Any,
    now: datetime,
    hours: Decimal | None = None,
    **links: Any,
) -> LedgerEntry | None:
    """Post ``target`` minus what the stream holds (nothing when equal); lock held by caller.

    ``hours`` is the stream's target effort; the entry records the hours it adds or removes.
    """
    prefix = f"{stream.key}#"
    totals = LedgerEntry.objects.filter(stream.existing).aggregate(
        amount=Sum("amount"),
        hours=Sum("hours"),
        count=Count("id"),
        own=Count("id", filter=Q(source_key__startswith=prefix)),
    )
    delta = _exact(target) - (totals["amount"] or ZERO)
    if delta == 0:
        return None
    # Numbered by the entries posted under the stream's own key, which never leave it: an
    # entry it took over may move on to another stream (a work log moved to another month).
    return entry_post(
        contract=contract,
        kind=stream.first_kind if totals["count"] == 0 else stream.delta_kind,
        amount=delta,
        source_key=f"{prefix}{totals['own'] + 1}",
        effective_on=effective_on,
        actor=actor,
        now=now,
        hours=None if hours is None else hours - (totals["hours"] or ZERO),
        **links,
    )


@transaction.atomic
def ledger_sync_allotment(
    *, contract: Contract, actor: Any, now: datetime | None = None
) -> LedgerEntry | None:
    """Grant the contracted M/M of an active or ended contract (a delta when it changed)."""
    now = clock.resolve(now)
    locked = contract_lock(contract.pk)
    target = locked.contracted_mm if locked.status != Contract.Status.DRAFT else ZERO
    stream = Stream(
        key=f"allotment:{locked.pk}",
        existing=Q(contract_id=locked.pk, kind=Kind.ALLOTMENT),
        first_kind=Kind.ALLOTMENT,
        delta_kind=Kind.ALLOTMENT,
    )
    granted = LedgerEntry.objects.filter(stream.existing).exists()
    effective_on = local_date(now) if granted else locked.starts_on
    return stream_sync(
        stream, contract=locked, target=target, effective_on=effective_on, actor=actor, now=now
    )


def _require_memo(memo: str) -> str:
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError({"memo": _("Say why; the customer sees this note.")})
    return memo


# An adjustment corrects a contract year, so it moves at most what the year holds: the M/M
# granted so far (the contracted M/M before the grant) plus a margin of 1 M/M, enough to
# correct an overage. More is a typo (-10000 for -1.0000) that would turn every figure of the
# report absurd; a larger mistake is undone by reversing its entries or fixing the work logs.
ADJUSTMENT_MARGIN = Decimal("1")


def adjustment_limit(contract: Contract) -> Decimal:
    """Return the largest absolute amount one adjustment of ``contract`` may have."""
    granted = LedgerEntry.objects.filter(contract=contract, kind__in=GRANT_KINDS).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]
    return max(granted, contract.contracted_mm) + ADJUSTMENT_MARGIN


def _check_adjustment(contract: Contract, amount: Decimal) -> None:
    limit = adjustment_limit(contract)
    if abs(amount) > limit:
        message = _(
            "An adjustment can move at most %(limit)s M/M on this contract: what it was "
            "granted plus %(margin)s M/M. Reverse entries to undo more."
        ) % {"limit": f"{limit.normalize():f}", "margin": ADJUSTMENT_MARGIN}
        raise ValidationError({"amount": ValidationError(message, code="too_large")})


def _same_adjustment(
    existing: LedgerEntry, *, contract: Contract, amount: Decimal, memo: str, day: date | None
) -> LedgerEntry:
    """Return the entry posted earlier under the same idempotency key if the request repeats
    it; refuse a different adjustment under a key already used (a client bug, not a retry)."""
    same = existing.amount == amount and existing.memo == memo
    if day is not None:
        same = same and existing.effective_on == contract.clamp(day)
    if not same:
        message = _(
            "This key was already used for another adjustment (%(amount)s M/M: %(memo)s); "
            "send a new key for a new adjustment."
        ) % {"amount": f"{existing.amount.normalize():f}", "memo": existing.memo}
        raise ValidationError({"idempotency_key": ValidationError(message, code="key_reused")})
    return existing


@transaction.atomic
def ledger_post_adjustment(
    *,
    contract: Contract,
    amount: Decimal,
    memo: str,
    actor: Any,
    effective_on: date | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> LedgerEntry:
    """Post a manual correction (negative uses M/M, positive gives it back) with a reason."""
    now = clock.resolve(now)
    memo = _require_memo(memo)
    if not isinstance(amount, Decimal) or amount == 0 or amount.quantize(MM_PLACES) != amount:
        raise ValidationError({"amount": _("Give a non-zero amount with at most 4 decimals.")})
    locked = contract_lock(contract.pk)
    key = f"manual:{locked.pk}:{idempotency_key}" if idempotency_key else ""
    if key and (existing := LedgerEntry.objects.filter(source_key=key).first()):
        return _same_adjustment(
            existing, contract=locked, amount=amount, memo=memo, day=effective_on
        )
    _check_adjustment(locked, amount)
    entry = entry_post(
        contract=locked,
        kind=Kind.ADJUSTMENT,
        amount=amount,
        source_key=key or f"manual:{locked.pk}:{uuid.uuid4().hex}",
        effective_on=effective_on or local_date(now),
        actor=actor,
        now=now,
        memo=memo,
    )
    alerts_check(contract=locked, now=now)
    return entry


@transaction.atomic
def ledger_reverse_entry(
    *, entry: LedgerEntry, memo: str, actor: Any, now: datetime | None = None
) -> LedgerEntry:
    """Cancel a deduction or adjustment by posting its opposite (once per entry)."""
    now = clock.resolve(now)
    memo = _require_memo(memo)
    ledger_check_reversible(entry)
    locked = contract_lock(entry.contract_id)
    if LedgerEntry.objects.filter(reverses=entry).exists():  # checked again under the lock
        raise ValidationError(_("This entry has already been reversed."), code="reversed")
    reversal = entry_post(
        contract=locked,
        kind=Kind.ADJUSTMENT,
        amount=-entry.amount,
        source_key=f"reversal:{entry.pk}",
        effective_on=local_date(now),
        actor=actor,
        now=now,
        hours=-entry.hours if entry.hours is not None else None,
        reverses=entry,
        memo=memo,
    )
    alerts_check(contract=locked, now=now)
    return reversal


def ledger_check_reversible(entry: LedgerEntry) -> None:
    """Raise ValidationError unless ``entry`` may be reversed (a read; the lock comes later)."""
    if entry.reverses_id is not None:
        raise ValidationError(
            _("A reversal cannot be reversed; post an adjustment instead."), code="reversal"
        )
    if entry.kind not in REVERSIBLE_KINDS:
        raise ValidationError(
            _("Only deductions and adjustments can be reversed."), code="not_reversible"
        )
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."), code="reversed")
