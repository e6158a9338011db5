"""The span of times the portal accepts from people: the years 2000 to 2099.

Every time here is about a support contract: when an impact started, when work was done, a
shift, an override. A time outside this span is a typo (a year of 0001 or 9999), and some of
them do real harm beyond being wrong: Asia/Seoul's offset in year 1 is +08:27:52 (local mean
time), so 0001-01-01 00:00 in Seoul is a date before the common era in UTC. PostgreSQL stores
it, and then psycopg cannot read the row back ("timestamp too small"), so every page that lists
it fails. Near the other end, adding an offset to 9999-12-31 overflows Python's datetime.

``check`` is the rule; the form and serializer fields below apply it to every time typed into
the hotline, the admin and the API (``CoreConfig.ready`` maps the model field to them).
"""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MESSAGE = _("Give a time between the years 2000 and 2099.")


def within(value: datetime) -> bool:
    """Tell whether an aware time lies in the accepted span (a naive one is read as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return EARLIEST <= value < LATEST
    except OverflowError:  # comparing shifts it to UTC, which can leave datetime's range
        return False


def check(value: datetime | None) -> None:
    """Raise ``ValidationError`` for a time outside the accepted span."""
    if value is not None and not within(value):
        raise ValidationError(MESSAGE, code="out_of_range")


def _checked(parse: Any, value: Any) -> datetime | None:
    """Return ``parse(value)``, refused when out of the span or when applying its zone
    overflows (Python's datetime ends at year 9999)."""
    try:
        result = parse(value)
    except OverflowError as exc:
        raise ValidationError(MESSAGE, code="out_of_range") from exc
    check(result)
    return result


class FormDateTimeField(forms.DateTimeField):
    """A form time within the span."""

    def to_python(self, value: Any) -> datetime | None:
        return _checked(super().to_python, value)


class FormSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date + time pair, within the span."""

    def compress(self, data_list: Any) -> datetime | None:
        return _checked(super().compress, data_list)


class DateTimeField(serializers.DateTimeField):
    """DRF's time field, within the span.

    DRF turns an overflow into a 400 for a time with an offset but not for a naive one, whose
    ambiguity check does date arithmetic (``OverflowError``, a 500) near year 1.
    """

    default_error_messages = {"out_of_range": MESSAGE, "overflow": MESSAGE}

    def enforce_timezone(self, value: datetime) -> datetime:
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("out_of_range")

    def to_internal_value(self, value: Any) -> datetime:
        result = super().to_internal_value(value)
        if not within(result):
            self.fail("out_of_range")
        return result
