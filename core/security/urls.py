"""The two-factor pages, mounted under /admin/2fa/ (before the admin's own routes)."""

from django.urls import path

from core.security import twofactor_views

app_name = "twofactor"
urlpatterns = [
    path("setup/", twofactor_views.setup, name="setup"),
    path("verify/", twofactor_views.verify, name="verify"),
]
