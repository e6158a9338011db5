"""The API token endpoint: a user name and password, plus a two-factor code for staff.

DRF's stock ``obtain_auth_token`` would hand a staff token out for the password alone, which
would make the API a way around the admin's two-factor login. This view authenticates with the
real HTTP request (so django-axes counts failures and locks out), is rate limited like the login
pages, and records the login as a security event.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import SecurityEvent
from core.security.audit import security_event_record
from core.security.limits import TokenLoginThrottle
from core.security.twofactor import needs_second_factor, required


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text=_("Staff accounts: the current code of their authenticator app."),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as 'Authorization: Token <token>'."))


def _code_matches(user: Any, code: str) -> bool:
    code = "".join(str(code or "").split())
    if not code:
        return False
    for device in devices_for_user(user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return True
    return False


class TokenView(APIView):
    """Exchange a user name and password (and, for staff, a two-factor code) for an API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenLoginThrottle]

    @extend_schema(
        tags=["auth"],
        summary=_("Get an API token"),
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description=_("Wrong credentials or two-factor code.")),
            429: OpenApiResponse(description=_("Too many attempts: wait and try again.")),
        },
    )
    def post(self, request: Request) -> Response:
        """Return the user's API token."""
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The Django request, not DRF's wrapper: django-axes flags a lockout on it.
        user = authenticate(
            request=request._request, username=data["username"], password=data["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"detail": _("Unable to log in with the given user name and password.")}
            )
        if required() and needs_second_factor(user):
            if not _code_matches(user, data.get("otp_token", "")):
                security_event_record(
                    kind=SecurityEvent.Kind.OTP_FAILED, request=request, user=user
                )
                raise serializers.ValidationError(
                    {"otp_token": _("Staff accounts need the current two-factor code.")}
                )
            security_event_record(kind=SecurityEvent.Kind.OTP_VERIFIED, request=request, user=user)
        security_event_record(kind=SecurityEvent.Kind.LOGIN, request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
