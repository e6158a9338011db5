"""Admin forms. Incident forms save through the services; so do notes and transitions."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.access import STAFF_GROUPS
from incidents.admin.display import product_label, service_label
from incidents.models import CancelReason, Incident, TimelineEntry
from incidents.services import incident_create, incident_update
from incidents.services.editing import EDITABLE_FIELDS, ROLE_FIELDS
from retainer.models import Product, Service

UPDATABLE_FIELDS = frozenset((*EDITABLE_FIELDS, *ROLE_FIELDS, "products"))


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields or field == NON_FIELD_ERRORS:
            form.add_error(field if field in form.fields else None, errors)
            continue
        label = _field_label(field)
        form.add_error(
            None,
            [
                ValidationError("%(field)s: %(message)s", params={"field": label, "message": m})
                for error in errors
                for m in error.messages
            ],
        )


def _field_label(name: str) -> str:
    try:
        return str(Incident._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def staff_users(*keep: int | None) -> QuerySet:
    """Return the users who may hold an incident role, plus the current holders in ``keep``."""
    wanted = Q(is_active=True) & (Q(is_superuser=True) | Q(groups__name__in=STAFF_GROUPS))
    ids = [pk for pk in keep if pk is not None]
    if ids:
        wanted |= Q(pk__in=ids)
    return get_user_model().objects.filter(wanted).distinct().order_by("username")


class ServiceBackedForm(forms.ModelForm):
    """A ModelForm whose validation ends by calling the service that writes.

    The admin treats ``is_valid()`` as the last word before it reports success, so the service
    runs there: its ValidationError becomes form errors (the service's own transaction undoes
    any partial write) and the admin never saves the model itself.
    """

    actor: Any = None  # set per request by IncidentAdmin.get_form

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors or not hasattr(self, "cleaned_data"):
            return
        try:
            self.instance = self.commit()
        except ValidationError as exc:
            add_service_errors(self, exc)

    def commit(self) -> Incident:
        raise NotImplementedError


class IncidentAddForm(ServiceBackedForm):
    """A staff member takes an incident (usually by phone) and files it through intake."""

    class Meta:
        model = Incident
        fields = [
            "customer",
            "channel",
            "summary",
            "description",
            "severity",
            "service",
            "products",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "impact_started_at",
            "detected_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "service" in self.fields:
            self.fields["service"].queryset = Service.objects.filter(is_active=True).select_related(
                "customer"
            )
            self.fields["service"].label_from_instance = service_label
        if "products" in self.fields:
            self.fields["products"].queryset = Product.objects.filter(
                is_active=True
            ).select_related("customer")
            self.fields["products"].label_from_instance = product_label

    def commit(self) -> Incident:
        data = self.cleaned_data
        return incident_create(
            actor=self.actor,
            customer=data["customer"],
            channel=data["channel"],
            summary=data["summary"],
            description=data.get("description", ""),
            severity=data["severity"],
            service=data.get("service"),
            products=list(data.get("products") or []),
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_email=data.get("reporter_email", ""),
            impact_started_at=data.get("impact_started_at"),
            detected_at=data.get("detected_at"),
        )


class IncidentChangeForm(ServiceBackedForm):
    """Edit an incident's fields and roles through incident_update (only what changed)."""

    class Meta:
        model = Incident
        fields = sorted(UPDATABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        incident = self.instance
        if "service" in self.fields:
            self.fields["service"].queryset = Service.objects.filter(
                Q(customer_id=incident.customer_id, is_active=True)
                | Q(customer__isnull=True, is_active=True)
                | Q(pk=incident.service_id)
            )
        if "products" in self.fields:
            self.fields["products"].queryset = Product.objects.filter(
                customer_id=incident.customer_id
            )
        for role in ROLE_FIELDS:
            if role in self.fields:
                self.fields[role].queryset = staff_users(getattr(incident, f"{role}_id"))

    def commit(self) -> Incident:
        changed = [name for name in self.changed_data if name in UPDATABLE_FIELDS]
        if not changed:
            return self.instance
        data = {name: self.cleaned_data[name] for name in changed}
        if "products" in data:
            data["products"] = list(data["products"])
        return incident_update(incident=self.instance, actor=self.actor, data=data)


class NoteForm(forms.Form):
    """A note on the timeline: internal, or a communication the customer sees."""

    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=TimelineEntry.Visibility.choices,
        initial=TimelineEntry.Visibility.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_("A customer-visible note is a communication the customer reads."),
    )


class TransitionForm(forms.Form):
    """Confirm a workflow transition, with an optional note for the timeline."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the timeline entry, which the customer can see."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class CancelForm(TransitionForm):
    """Cancelling needs a reason; "other" needs a note as well."""

    field_order = ["reason", "note"]

    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "---------"), *CancelReason.choices]
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data["note"]}
