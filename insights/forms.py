"""The filter of the metrics pages: customer, severity and a period of whole months."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.models import Severity
from insights.selectors import MAX_MONTHS, MetricsFilter, default_filter
from retainer.models import Customer
from retainer.reports.monthly import parse_month
from retainer.rules import add_months

NO_MONTH = date(1, 1, 1)


class MonthInput(forms.TextInput):
    input_type = "month"


class MetricsFilterForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.only("name").order_by("name"),
        required=False,
        empty_label=_("All customers"),
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=[("", _("All severities")), *Severity.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = forms.CharField(label=_("From"), widget=MonthInput, required=False)
    end = forms.CharField(label=_("To"), widget=MonthInput, required=False)

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default_filter(now=now)
        self.fields["start"].initial = f"{self.default.first_month:%Y-%m}"
        self.fields["end"].initial = f"{self.default.last_month:%Y-%m}"

    def _month(self, name: str, default: date) -> date:
        value = self.cleaned_data.get(name)
        if not value:
            return default
        month = parse_month(value, default=NO_MONTH)
        if month == NO_MONTH:
            raise forms.ValidationError({name: _("Enter a month as YYYY-MM.")})
        return month

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first = self._month("start", self.default.first_month)
        last = self._month("end", self.default.last_month)
        if first > last:
            raise forms.ValidationError(_("The period must start before it ends."))
        if add_months(first, MAX_MONTHS) <= last:
            raise forms.ValidationError(
                _("Choose at most %(months)s months.") % {"months": MAX_MONTHS}
            )
        cleaned["period"] = (first, last)
        return cleaned

    def metrics_filter(self) -> MetricsFilter:
        """Return the filter asked for, or the default one when the form is not valid."""
        if not self.is_valid():
            return self.default
        customer, (first, last) = self.cleaned_data["customer"], self.cleaned_data["period"]
        return MetricsFilter(
            first_month=first,
            last_month=last,
            customer_id=customer.pk if customer else None,
            severity=self.cleaned_data["severity"],
        )
