"""Filter building blocks for API lists: ids that reveal nothing, times the database can store.

``IdFilterBackend`` is the API's default filter backend: filtersets generated from
``filterset_fields`` name related rows by plain id and take times as ISO 8601 in any offset.
"""

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """Match a whole-number id (NumberFilter alone would accept decimals)."""

    field_class = forms.IntegerField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time turned into UTC: PostgreSQL refuses offsets beyond ±15:59."""

    default_error_messages = {"invalid": _("Enter a valid date and time (ISO 8601).")}

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:  # year 9999 with a negative offset
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class IdOnlyFilterSet(django_filters.FilterSet):
    """Generated filters: related rows by plain id, times in UTC.

    django-filter's default for a foreign key is a model choice over *every* row, which answers
    "no such choice" (400) for an id that does not exist and an empty list for another company's:
    a customer could tell which ids exist. A plain id filter answers both with an empty list.
    """

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.ManyToManyField: {"filter_class": IdFilter},
        models.DateTimeField: {"filter_class": UtcIsoDateTimeFilter},
    }


class IdFilterBackend(DjangoFilterBackend):
    """The API's filter backend: generated filtersets use IdOnlyFilterSet."""

    filterset_base = IdOnlyFilterSet
