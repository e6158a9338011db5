"""Template filters for the M/M report: amounts without exponent, the translated summary."""

from decimal import Decimal
from typing import Any

from django import template

from retainer.reports import exports

register = template.Library()


@register.filter
def mm(value: Decimal | None) -> str:
    """Show an M/M or hours amount as 0.5, 12, -0.63."""
    return exports.mm(value)


@register.filter
def summary(report: Any) -> list[tuple[str, str]]:
    """Return the report's headline figures as (label, value) pairs."""
    return exports.summary_items(report)


@register.filter
def percent(value: Decimal | None) -> str:
    return exports.percent_text(value)
