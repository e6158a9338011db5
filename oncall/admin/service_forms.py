"""Admin forms that write through the services while they validate (like the incident admin).

The admin treats ``is_valid()`` as the last word before it reports success, so the service
runs there: its ValidationError becomes form errors and the admin never saves the model itself.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.access import STAFF_GROUPS
from oncall.models import NotificationProfile, Override, SwapRequest
from oncall.services import (
    override_create,
    override_update,
    profile_update,
    swap_request_create,
)
from oncall.services.profiles import PROFILE_FIELDS


def engineers() -> QuerySet:
    """Return the users who may be on call (active staff)."""
    wanted = Q(is_active=True) & (Q(is_superuser=True) | Q(groups__name__in=STAFF_GROUPS))
    return get_user_model().objects.filter(wanted).distinct().order_by("username")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        known = field in form.fields or field == NON_FIELD_ERRORS
        form.add_error(field if known and field != NON_FIELD_ERRORS else None, errors)


class ServiceForm(forms.ModelForm):
    """A ModelForm whose validation ends by calling the service that writes."""

    actor: Any = None  # set per request by the model admin

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors or not hasattr(self, "cleaned_data"):
            return
        try:
            self.instance = self.commit()
        except ValidationError as exc:
            add_service_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or _("You may not do this."))

    def commit(self) -> Any:
        raise NotImplementedError


class OverrideForm(ServiceForm):
    class Meta:
        model = Override
        fields = ("layer", "user", "start", "end", "reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = engineers()

    def commit(self) -> Override:
        data = self.cleaned_data
        if self.instance.pk is None:
            return override_create(
                layer=data["layer"],
                user=data["user"],
                start=data["start"],
                end=data["end"],
                reason=data.get("reason", ""),
                actor=self.actor,
            )
        changes = {name: data[name] for name in self.changed_data if name != "layer"}
        return override_update(override=self.instance, actor=self.actor, **changes)

    def _post_clean(self) -> None:
        # The service validates and saves; keep the model's own checks off the unsaved copy.
        pass


class SwapRequestForm(ServiceForm):
    class Meta:
        model = SwapRequest
        fields = ("layer", "requester", "covering", "start", "end", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("requester", "covering"):
            if name in self.fields:
                self.fields[name].queryset = engineers()

    def commit(self) -> SwapRequest:
        data = self.cleaned_data
        return swap_request_create(
            layer=data["layer"],
            requester=data["requester"],
            covering=data["covering"],
            start=data["start"],
            end=data["end"],
            note=data.get("note", ""),
            actor=self.actor,
        )

    def _post_clean(self) -> None:
        pass


class ProfileForm(ServiceForm):
    class Meta:
        model = NotificationProfile
        fields = ("user", *PROFILE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = engineers()

    def commit(self) -> NotificationProfile:
        user = self.cleaned_data.get("user") or self.instance.user
        changes = {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
        return profile_update(user=user, actor=self.actor, **changes)

    def _post_clean(self) -> None:
        pass
