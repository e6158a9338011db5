"""What the retainer admin pages share: account-manager choices and service-backed forms."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from core.access import ACCOUNT_MANAGER_GROUP

ACCOUNT_MANAGER_FIELDS = ("account_manager",)


def account_managers() -> QuerySet:
    """Return the users who may be a customer's or contract's account manager."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_active=True) & (Q(is_superuser=True) | Q(groups__name=ACCOUNT_MANAGER_GROUP))
        )
        .distinct()
        .order_by("username")
    )


class AccountManagerChoiceMixin:
    """Offer only account managers in the account-manager drop-down."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ACCOUNT_MANAGER_FIELDS:
            kwargs["queryset"] = account_managers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ServiceBackedForm(forms.ModelForm):
    """A ModelForm whose validation ends by calling the service that writes.

    The service's ValidationError becomes form errors (its transaction undoes any partial
    write) and the admin never saves the model itself (``save_model`` does nothing).
    """

    actor: Any = None  # set per request by the admin's get_form

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors or not hasattr(self, "cleaned_data"):
            return
        try:
            self.instance = self.commit()
        except ValidationError as exc:
            add_service_errors(self, exc)

    def _post_clean(self) -> None:
        # The service validates the model; the form only converts the input.
        pass

    def commit(self) -> Any:
        raise NotImplementedError


class ServiceBackedAdmin:
    """Admin mixin: the form's service saved the object; the admin writes nothing itself."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per call, so this stays per request
        return form

    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        """Nothing to do: the service saved the object while the form was validated."""

    def save_related(self, request, form, formsets, change):
        """Nothing to do: the service wrote everything."""


class ReadOnlyInline(admin.TabularInline):
    """An inline that only shows rows; every write goes through the services."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
