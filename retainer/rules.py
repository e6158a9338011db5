"""The M/M rules of DESIGN §5 / seed 002 as pure Decimal functions (no database, never float).

- incident response: total billable effort ÷ hours per M/M, rounded UP to a multiple of
  0.5 M/M, at least 0.5 M/M; nothing when every hour logged on it is non-billable;
- diagnostic (and advisory) work: actual effort ÷ hours per M/M, rounded half-up to 0.01 M/M,
  once for a whole engagement or a contract's advisory month, never per work log
  (``services/usage.py``);
- close-out: use consumes carried-in M/M first; unused contracted M/M carries over up to the
  cap (20 % of the year's contracted M/M by default); everything else unused expires.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

ZERO = Decimal("0")
HALF = Decimal("0.5")
CENT = Decimal("0.01")
MM_PLACES = Decimal("0.0001")  # the ledger's precision (DecimalField decimal_places=4)
HOUR_PLACES = Decimal("0.01")
# Division needs more digits than the default 28 only for absurd inputs; 40 keeps it exact
# for anything a DecimalField(9, 4) / (6, 2) can hold before the final rounding.
_CONTEXT = Context(prec=40)


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("M/M arithmetic refuses float; pass Decimal, int or str.")
    return Decimal(value)


def hours_to_mm(hours: Decimal, hours_per_mm: Decimal) -> Decimal:
    """Return the unrounded M/M that ``hours`` of effort stand for."""
    per = _decimal(hours_per_mm)
    if per <= 0:
        raise ValueError("hours per M/M must be positive")
    return _CONTEXT.divide(_decimal(hours), per)


def incident_mm(
    billable_hours: Decimal, hours_per_mm: Decimal, *, non_billable_hours: Decimal = ZERO
) -> Decimal:
    """Return the deduction for one incident: ceil to 0.5 M/M, minimum 0.5 M/M.

    1 h → 0.5; 90 h at 160 h/M/M → 0.5625 → 1.0; 80 h → 0.5; 81 h → 1.0.
    An incident whose logged work is all non-billable (the fault was ours) deducts nothing.
    """
    billable = _decimal(billable_hours)
    if billable <= 0 and _decimal(non_billable_hours) > 0:
        return ZERO
    halves = (hours_to_mm(billable, hours_per_mm) / HALF).to_integral_value(ROUND_CEILING)
    return max(HALF, halves * HALF).quantize(MM_PLACES)


def effort_mm(hours: Decimal, hours_per_mm: Decimal) -> Decimal:
    """Return the deduction for diagnostic or advisory work: actual effort, half-up to 0.01.

    100 h at 160 h/M/M → 0.625 → 0.63; 1 h → 0.00625 → 0.01; 0.5 h → 0.003125 → 0.00.
    ``hours`` is a whole unit's effort (an engagement, an advisory month): rounding each log
    on its own would deduct eight 1 h logs as 0.08 instead of 0.05.
    """
    mm = hours_to_mm(hours, hours_per_mm).quantize(CENT, rounding=ROUND_HALF_UP)
    return mm.quantize(MM_PLACES)


def hours_between(started: datetime, ended: datetime) -> Decimal:
    """Return the hours from ``started`` to ``ended`` (datetimes), half-up to 0.01 h."""
    seconds = int((ended - started).total_seconds())
    return (Decimal(seconds) / Decimal(3600)).quantize(HOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CloseOut:
    """How a contract year's unused M/M splits at close-out."""

    carry_over: Decimal  # moves to the renewal contract
    expired_carry_in: Decimal  # carried-in M/M left unused: expires
    lapsed: Decimal  # unused contracted M/M above the cap: expires

    @property
    def expired(self) -> Decimal:
        return self.expired_carry_in + self.lapsed


def carry_over_cap(contracted: Decimal, cap_percent: Decimal) -> Decimal:
    """Return the most M/M that may carry over: ``cap_percent`` of contracted, rounded down."""
    cap = _CONTEXT.multiply(_decimal(contracted), _decimal(cap_percent)) / Decimal(100)
    return cap.quantize(MM_PLACES, rounding=ROUND_DOWN)


def close_out(
    *, contracted: Decimal, carry_in: Decimal, used: Decimal, cap_percent: Decimal
) -> CloseOut:
    """Split a year's unused M/M; use consumes the carried-in M/M first.

    12 M/M contracted, 8 used, nothing carried in, cap 20 % → carry 2.4, lapse 1.6.
    """
    used = max(ZERO, _decimal(used))
    carry_in = max(ZERO, _decimal(carry_in))
    contracted = max(ZERO, _decimal(contracted))
    from_carry_in = min(used, carry_in)
    unused_contracted = max(ZERO, contracted - (used - from_carry_in))
    carry = min(unused_contracted, carry_over_cap(contracted, cap_percent))
    return CloseOut(
        carry_over=carry,
        expired_carry_in=carry_in - from_carry_in,
        lapsed=unused_contracted - carry,
    )


def utilisation_percent(used: Decimal, granted: Decimal) -> Decimal | None:
    """Return used ÷ granted as a percentage with one decimal (None when nothing granted)."""
    if granted <= 0:
        return None
    return (_CONTEXT.divide(used * 100, granted)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """Return the first of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# A projection further away than this says nothing about a contract year, and a tiny burn
# (0.0001 M/M a month against 12 M/M left is 120,000 months) would run past ``date``'s year
# 9999: such a run-out is reported as "not at the current rate" (None).
RUN_OUT_HORIZON_MONTHS = 1200  # a century


def projected_run_out(*, month: date, remaining: Decimal, burn_per_month: Decimal) -> date | None:
    """Return the month the remaining M/M runs out at ``burn_per_month`` (None: never).

    The month itself when nothing remains; 3 M/M left at 1 M/M a month after March → June;
    None as well when the run-out lies more than a century ahead.
    """
    if remaining <= 0:
        return month.replace(day=1)
    if burn_per_month <= 0:
        return None
    months = _CONTEXT.divide(remaining, burn_per_month).to_integral_value(ROUND_CEILING)
    if months > RUN_OUT_HORIZON_MONTHS:
        return None
    return add_months(month, int(months))
