"""The REST API under /api/v1/: each app contributes its own routes."""

from django.urls import include, path

from core.security.tokens import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("incidents.api.urls")),
    path("", include("oncall.api.urls")),
    path("", include("retainer.api.urls")),
    path("", include("postmortems.api.urls")),
]
