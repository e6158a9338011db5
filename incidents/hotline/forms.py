"""Forms of the customer hotline: the incident intake form and the customer comment form.

Choices are scoped to the reporting customer here, and the intake service checks them again;
attachment rules live in ``incidents.services.attachments`` and are only called from here.
"""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.timewindow import FormDateTimeField
from incidents.hotline.catalogue import catalogue_for
from incidents.models import Severity
from incidents.services import validate_upload
from incidents.services.timeline import NOTE_MAX_LENGTH
from retainer.models import Service

# Plain-language explanation of each severity (DESIGN §2, seeds 001/004).
SEVERITY_HELP = {
    Severity.CRITICAL: _("Service is down for everyone, data is lost, or security is breached."),
    Severity.HIGH: _("Service is down for some users, or a core function is badly hurt."),
    Severity.MEDIUM: _("A minor problem: a workaround exists, or performance is degraded."),
    Severity.LOW: _("A question or a small issue with little impact on the business."),
}

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the browser pick several files at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field whose cleaned value is a list of uploads (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        uploads = data if isinstance(data, list | tuple) else [data]
        return [single_clean(item, initial) for item in uploads if item]


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects loaded once by the form; cleans to the object.

    ModelChoiceField queries its queryset again to render and again to validate; the intake
    form is the hotline's hottest page, so it loads the customer's catalogue once instead.
    """

    def set_objects(self, objects: list[Any]) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(str(obj.pk), str(obj)) for obj in objects]

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.objects.get(key) if key not in self.empty_values else None


class ObjectMultipleChoiceField(forms.TypedMultipleChoiceField):
    """Several objects among those loaded once by the form; cleans to a list of objects."""

    def set_objects(self, objects: list[Any]) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(str(obj.pk), str(obj)) for obj in objects]

    def clean(self, value: Any) -> list[Any]:
        return [self.objects[key] for key in super().clean(value)]


class IncidentForm(forms.Form):
    """Report an incident for the customer the form was built for."""

    summary = forms.CharField(
        label=_("What is the emergency?"),
        max_length=200,
        help_text=_("One line, e.g. “Payment API returns errors for all orders”."),
        error_messages={"required": _("Say in one line what the emergency is.")},
    )
    description = forms.CharField(
        label=_("Customer impact and contact details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Who and what is affected, error messages, what changed recently, "
            "and who else we can contact."
        ),
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a severity from 1 (critical) to 4 (low)."),
            "invalid_choice": _("Choose a severity from 1 (critical) to 4 (low)."),
        },
    )
    service = ObjectChoiceField(
        label=_("Faulty service"),
        help_text=_("Choose “unknown” if you are not sure."),
        error_messages={"invalid_choice": _("Choose one of your services.")},
    )
    products = ObjectMultipleChoiceField(
        label=_("Affected products"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only your own products.")},
    )
    impact_started_at = FormDateTimeField(
        label=_("Impact started"),
        required=False,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        help_text=_("Your best guess is fine; leave empty if unknown."),
    )
    contact_phone = forms.CharField(
        label=_("Phone number to call you back"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Give a phone number our engineer can call.")},
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Logs, screenshots or PDFs (optional)."),
    )

    def __init__(self, *args: Any, customer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services, products = catalogue_for(customer_id)
        self.fields["service"].set_objects(services)
        self.fields["products"].set_objects(products)
        if not self.is_bound:
            unknown = next((s for s in services if s.code == Service.UNKNOWN_CODE), None)
            self.initial.setdefault("service", unknown.pk if unknown else None)

    def severity_options(self) -> list[dict[str, Any]]:
        """Return each severity radio button with its plain-language explanation."""
        return [
            {
                "radio": radio,
                "value": radio.data["value"],
                "help": SEVERITY_HELP[radio.data["value"]],
            }
            for radio in self["severity"]
        ]

    def clean_attachments(self) -> list[UploadedFile]:
        """Check every upload with the intake rules, reporting all bad files at once."""
        uploads = self.cleaned_data.get("attachments") or []
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.extend(ValidationError(message) for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields (others on top)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class CommentForm(forms.Form):
    """A message from the customer, added to the customer-visible timeline."""

    text = forms.CharField(
        label=_("Add a comment"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something before sending.")},
    )


# Django's own message reads "%(username)s와/과" in Korean (a particle it cannot choose); the
# portal says it plainly, in both languages, on the hotline's and the admin's login pages.
INVALID_LOGIN = _("Enter a correct user name and password. Both are case-sensitive.")


class LoginForm(AuthenticationForm):
    """The hotline's login form: Django's, with a message that reads well in Korean."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login form, with the same message."""

    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}
