"""App config for on-call."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OncallConfig(AppConfig):
    name = "oncall"
    verbose_name = _("On-call")
