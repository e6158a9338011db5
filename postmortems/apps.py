"""App config for post-mortems."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = _("Post-mortems")

    def ready(self) -> None:
        from incidents.services.workflow import register_resolve_hook
        from postmortems.services import postmortem_on_resolve

        # Incidents never import post-mortems: a resolution calls this hook instead.
        register_resolve_hook(postmortem_on_resolve)
