"""Reading one row of a shift sheet: dates, times, layers and engineers as people type them."""

import re
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from oncall.models import Layer

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
TIME_PATTERN = re.compile(r"^(\d{1,2})(?::|시\s*)?(\d{2})?(?:분)?$")
LABEL_USERNAME = re.compile(r"\(([^()]+)\)\s*$")


class RowError(ValueError):
    """A cell that cannot be read; the message is shown next to the row."""


def parse_date(value: Any) -> date:
    """Read a date cell: a real date, or text like 2024-12-26, 2024/12/26, 2024.12.26."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().rstrip(".")
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise RowError(_("“%(value)s” is not a date (write 2024-12-26).") % {"value": text})


def parse_time(value: Any) -> tuple[time, bool]:
    """Read a time cell: a real time, or text like 09:00, 9, 18시; "24:00" means midnight after.

    Returns the time and whether it is the end of the day (24:00).
    """
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0), False
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0), False
    text = str(value or "").strip()
    match = TIME_PATTERN.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if (hour, minute) == (24, 0):
            return time(0), True
        if hour < 24 and minute < 60:
            return time(hour, minute), False
    raise RowError(_("“%(value)s” is not a time (write 09:00).") % {"value": text})


def find_layer(layers: list[Layer], value: Any) -> Layer:
    """Find a layer by name (any case) or by position number."""
    text = str(value or "").strip()
    for layer in layers:
        if layer.name.casefold() == text.casefold() or str(layer.position) == text:
            return layer
    raise RowError(_("No layer “%(value)s” on this schedule.") % {"value": text})


def find_engineer(value: Any, cache: dict[str, Any]) -> Any:
    """Find an active engineer by username, e-mail, full name or "Name (username)"."""
    text = str(value or "").strip()
    if text not in cache:
        if "\0staff" not in cache:
            cache["\0staff"] = list(get_user_model().objects.filter(is_active=True, is_staff=True))
        cache[text] = _match_engineer(text, cache["\0staff"])
    found = cache[text]
    if isinstance(found, RowError):
        raise found
    return found


def _names(user: Any) -> set[str]:
    full = {f"{user.last_name}{user.first_name}", f"{user.first_name}{user.last_name}"}
    return {user.get_username().casefold(), user.email.casefold()} | {
        name.replace(" ", "").casefold() for name in full if name.strip()
    }


def _match_engineer(text: str, staff: list[Any]) -> Any:
    label = LABEL_USERNAME.search(text)
    wanted = (label.group(1) if label else text).replace(" ", "").casefold()
    matches = [user for user in staff if wanted and wanted in _names(user)]
    if len(matches) == 1:
        return matches[0]
    message = _("No engineer “%(value)s”.") if not matches else _("“%(value)s” is ambiguous.")
    return RowError(message % {"value": text})
