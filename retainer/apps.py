"""App config for retainer."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetainerConfig(AppConfig):
    name = "retainer"
    verbose_name = _("Retainer contracts")
