from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """The operations dashboard, the metrics pages and the portal's own health and metrics.

    It sits on top of the other apps: it reads them through their selectors and nothing
    depends on it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = _("Operations")
