"""The admin's two-factor pages: set up an authenticator app, and enter its code after login.

The QR code is an inline SVG built on the server (no script, nothing loaded from elsewhere), so
the page works under the site's Content-Security-Policy.
"""

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import SecurityEvent
from core.security.audit import security_event_record
from core.security.twofactor import is_verified, needs_second_factor

PENDING_NAME = "pending"
DEVICE_NAME = "authenticator"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("Enter the code your app shows.")},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _render(request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "next": _next_url(request), **context},
    )


def _staff_only(request: HttpRequest) -> None:
    if not needs_second_factor(request.user):
        raise PermissionDenied


def _qr_svg(device: TOTPDevice) -> str:
    """Return the device's otpauth:// URL as an inline SVG (drawn by the server, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # Built from our own URL by the qrcode library, so it carries nothing a user typed.
    return mark_safe(svg.replace("<svg ", '<svg class="hl-qr" role="img" ', 1))  # noqa: S308


def _pending_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=PENDING_NAME).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=PENDING_NAME)


@sensitive_post_parameters("token")
@never_cache
@login_required(login_url="admin:login")
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator secret as a QR code; confirm it with one code from the app."""
    _staff_only(request)
    user = request.user
    has_device = any(devices_for_user(user, confirmed=True))
    if has_device and not is_verified(user):
        # Replacing a device needs the old one first; otherwise a password alone would do.
        return redirect(f"{reverse('twofactor:verify')}?{urlencode({'next': _next_url(request)})}")
    device = _pending_device(user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            _confirm(device)
            otp_login(request, device)
            security_event_record(kind=SecurityEvent.Kind.OTP_SETUP, request=request, user=user)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect(_next_url(request))
        security_event_record(kind=SecurityEvent.Kind.OTP_FAILED, request=request, user=user)
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return _render(
        request,
        "admin/twofactor/setup.html",
        title=_("Set up two-factor authentication"),
        form=form,
        qr_svg=_qr_svg(device),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        replacing=has_device,
    )


@transaction.atomic
def _confirm(device: TOTPDevice) -> None:
    """Make the new device the user's only one."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = DEVICE_NAME
    device.save()


@sensitive_post_parameters("token")
@never_cache
@login_required(login_url="admin:login")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of the user's authenticator after the password login."""
    _staff_only(request)
    user = request.user
    if is_verified(user):
        return redirect(_next_url(request))
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('twofactor:setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = _matching_device(devices, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            security_event_record(kind=SecurityEvent.Kind.OTP_VERIFIED, request=request, user=user)
            return redirect(_next_url(request))
        security_event_record(kind=SecurityEvent.Kind.OTP_FAILED, request=request, user=user)
        form.add_error(
            "token",
            _("That code is not right, or there were too many tries: wait a moment and retry."),
        )
    return _render(request, "admin/twofactor/verify.html", title=_("Two-factor check"), form=form)


def _matching_device(devices: list[Any], token: str) -> Any:
    for device in devices:
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            return device
    return None
