"""Hotline URLs (placeholder until the hotline pages land)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "hotline"
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="home"),
    path("login/", TemplateView.as_view(template_name="base.html"), name="login"),
    path("incidents/<str:key>/", TemplateView.as_view(template_name="base.html"), name="incident"),
]
