"""Contracts: create, change, activate and renew; the ledger's allotment follows each change."""

from collections.abc import Collection
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from retainer.models import Contract, LedgerEntry
from retainer.services.common import period_errors, record_actor
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

# Sane terms. A contract below half a man-month cannot cover one incident (the smallest
# deduction, 0.5 M/M) and turns every figure into absurd percentages (0.5 M/M used of a
# 0.0001 M/M grant is 500,000 %); above 1,000 M/M (80-odd engineers for a whole year) it is a
# typo. Zero stays allowed: a contract priced later, or one billed only by overage.
MIN_CONTRACTED_MM = Decimal("0.5")
MAX_CONTRACTED_MM = Decimal("1000")
# A man-month is at least a working week of hours and at most every hour of a 31-day month
# (744 h, the most one work log may hold); outside that, hours-to-M/M conversions explode.
MIN_HOURS_PER_MM = Decimal("40")
MAX_HOURS_PER_MM = Decimal("744")

# The firm promises that a top-grade engineer starts the analysis within two hours (seed 002;
# ``HOTLINE_DEFAULT_RESPONSE_MINUTES``); a contract may promise faster (DESIGN §3: "tighter
# targets"), never slower. 0 would breach at once (the database refuses it too).
RESPONSE_FIELDS = tuple(f"response_minutes_sev{n}" for n in range(1, 5))

# Unique indexes a concurrent request can still hit after the checks (see ``_save``).
RENEWAL_KEY = "retainer_contract_previous_contract_id_key"
CODE_KEY = "retainer_contract_code_key"


def _terms_errors(contract: Contract, checked: Collection[str]) -> dict[str, list[str]]:
    errors = {}
    mm, per = contract.contracted_mm, contract.hours_per_mm
    if (
        "contracted_mm" in checked
        and isinstance(mm, Decimal | int)
        and mm != 0
        and not MIN_CONTRACTED_MM <= mm <= MAX_CONTRACTED_MM
    ):
        errors["contracted_mm"] = [
            _("Give the contracted M/M as 0 or from %(min)s to %(max)s.")
            % {"min": MIN_CONTRACTED_MM, "max": MAX_CONTRACTED_MM}
        ]
    if (
        "hours_per_mm" in checked
        and isinstance(per, Decimal | int)
        and not MIN_HOURS_PER_MM <= per <= MAX_HOURS_PER_MM
    ):
        errors["hours_per_mm"] = [
            _("Give the hours per M/M from %(min)s to %(max)s.")
            % {"min": MIN_HOURS_PER_MM, "max": MAX_HOURS_PER_MM}
        ]
    promise = settings.HOTLINE_DEFAULT_RESPONSE_MINUTES
    for name in RESPONSE_FIELDS:
        minutes = getattr(contract, name)
        in_range = isinstance(minutes, int) and 1 <= minutes <= promise
        if name in checked and isinstance(minutes, int) and not in_range:
            errors[name] = [
                _(
                    "Give a response target from 1 to %(max)s minutes: a contract may promise "
                    "a faster start of the analysis, never a slower one."
                )
                % {"max": promise}
            ]
    return errors


def _validate(contract: Contract, *, changed: Collection[str] = EDITABLE) -> None:
    """Validate the contract; the range checks look only at ``changed`` fields (an update of
    another field of an old contract is not refused for terms it was created with)."""
    errors: dict[str, list[Any]] = {
        **period_errors(contract, start="starts_on", end="ends_on", checked=changed),
        **_terms_errors(contract, changed),
    }
    # Fields already in error stay out of full_clean, so that their check constraint adds no
    # second, untranslated message ('Constraint "contract_period_valid" is violated.').
    # previous_contract is checked below, with a message naming the renewal.
    try:
        contract.full_clean(exclude=[*errors, "previous_contract"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    _validate_previous(contract)


def _validate_previous(contract: Contract) -> None:
    previous = contract.previous_contract
    if previous is None:
        return
    if previous.customer_id != contract.customer_id:
        raise ValidationError({"previous_contract": _("A renewal is for the same customer.")})
    if previous.pk == contract.pk or previous.ends_on >= contract.starts_on:
        raise ValidationError(
            {"previous_contract": _("The renewal must start after the previous contract ends.")}
        )
    renewal = Contract.objects.filter(previous_contract=previous).exclude(pk=contract.pk).first()
    if renewal is not None:
        raise _renewed(previous, renewal)


def _renewed(previous: Contract, renewal: Contract | None) -> ValidationError:
    if renewal is None:  # only if the winner vanished meanwhile
        message = _("Contract %(previous)s has already been renewed.")
    else:
        message = _("Contract %(previous)s has already been renewed by %(renewal)s.")
    values = {"previous": previous.code, "renewal": renewal.code if renewal else ""}
    return ValidationError({"previous_contract": ValidationError(message % values, code="renewed")})


def _save(contract: Contract, **options: Any) -> None:
    """Save; a unique index that a concurrent request won after our checks is a 400 too.

    The savepoint keeps the caller's transaction usable after the IntegrityError, so the
    renewal that won can be named and nothing of this request is written.
    """
    try:
        with transaction.atomic():
            contract.save(**options)
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint == RENEWAL_KEY:
            previous = contract.previous_contract
            renewal = Contract.objects.filter(previous_contract=previous).first()
            raise _renewed(previous, renewal) from exc
        if constraint == CODE_KEY:
            raise ValidationError(
                {"code": contract.unique_error_message(Contract, ("code",))}
            ) from exc
        raise


@transaction.atomic
def contract_create(*, actor: Any, now: datetime | None = None, **fields: Any) -> Contract:
    """Create a contract; an active one is granted its contracted M/M at once."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    contract = Contract(**fields)
    _validate(contract)
    record_actor(contract, actor)
    _save(contract, force_insert=True)
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
    changed = set()
    for name, value in data.items():
        if name not in EDITABLE:
            raise TypeError(f"not an editable contract field: {name}")
        if getattr(locked, name) == value:
            continue
        if posted and name in FROZEN_ONCE_POSTED:
            raise ValidationError(
                {name: _("This cannot change once the ledger has entries; renew instead.")}
            )
        setattr(locked, name, value)
        changed.add(name)
    _validate(locked, changed=changed)
    record_actor(locked, actor)
    _save(locked)
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
