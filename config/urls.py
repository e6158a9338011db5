"""Top-level URLs: the admin, the customer hotline, the REST API and its docs."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from incidents.hotline.forms import StaffLoginForm

admin.site.site_header = _("24/7 Expert Hotline")
admin.site.site_title = _("Expert Hotline")
admin.site.login_form = StaffLoginForm  # Django's wrong-password message reads badly in Korean

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="hotline:home", permanent=False)),
    # /livez, /healthz and /metrics for probes and the internal scraper (README "Operations").
    path("", include("insights.urls_ops")),
    # Before the admin's own routes, which would take any /admin/<app>/ path.
    path("admin/2fa/", include("core.security.urls")),
    # The dashboard's live endpoint and the metrics pages (admin login, staff only).
    path("admin/insights/", include("insights.urls")),
    path("admin/", admin.site.urls),
    path("hotline/reports/", include("retainer.hotline.urls")),
    path("hotline/postmortems/", include("postmortems.urls")),
    path("hotline/", include("incidents.hotline.urls")),
    # The signed one-click acknowledge link of a page (the recipient may not be logged in).
    path("ack/", include("incidents.escalation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
