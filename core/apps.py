"""App config for the shared core package."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import history
        from core.security import audit, backends

        history.install()  # one manager class per history descriptor, not one per access
        audit.connect()
        backends.connect()  # the cached signed-in user goes stale when it changes
