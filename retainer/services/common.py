"""Helpers every retainer service shares: the acting user, history attribution, local dates,
and the window of dates a contract, an engagement or a work log may use."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# The dates the retainer accepts. Contracts, engagements and reports compute months around
# them (a month before an on-site start, the burn-rate window, the month after a contract
# ends, next year's renewal), which must stay inside ``date``'s years 1-9999 and the reports'
# month range; this century holds every real contract with decades to spare, and a date
# outside it is a typo (0001-01-01, 9999-12-25).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def acting_user(actor: Any) -> Any:
    """Return the actor when it is a saved user, else None (system jobs, commands)."""
    return actor if getattr(actor, "pk", None) else None


def record_actor(instance: Any, actor: Any) -> None:
    """Attribute the next history record of ``instance`` to the actor (outside requests too)."""
    user = acting_user(actor)
    if user is not None:
        instance._history_user = user


def local_date(moment: datetime) -> date:
    """Return the date of ``moment`` in the firm's zone (contract periods are such dates)."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def outside_window(value: Any) -> bool:
    """Tell whether ``value`` (a date or datetime; None passes) lies outside the window."""
    if isinstance(value, datetime):
        # Its own wall date: converting a datetime near year 1 or 9999 to another zone overflows.
        value = value.date()
    return isinstance(value, date) and not FIRST_DAY <= value <= LAST_DAY


def window_error() -> ValidationError:
    """Return the error of a date outside the window, naming the window."""
    return ValidationError(
        _("Give a date from %(first)s to %(last)s.")
        % {"first": date_format(FIRST_DAY), "last": date_format(LAST_DAY)},
        code="date_out_of_range",
    )


def period_errors(
    instance: Any, *, start: str, end: str, checked: Iterable[str]
) -> dict[str, list[ValidationError]]:
    """Return field errors for the dates of ``checked`` outside the window and an end before
    the start (a clear message instead of the check constraint's "Constraint … is violated")."""
    errors = {name: [window_error()] for name in checked if outside_window(getattr(instance, name))}
    starts, ends = getattr(instance, start), getattr(instance, end)
    if not errors and isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        errors[end] = [
            ValidationError(
                _("The end date must be on or after the start date."), code="period_order"
            )
        ]
    return errors
