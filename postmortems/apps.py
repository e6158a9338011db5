"""App config for post-mortems."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = _("Post-mortems")

    def ready(self) -> None:
        from incidents.escalation.sweep import register_sweep_hook
        from incidents.services.workflow import register_close_guard, register_resolve_hook
        from postmortems.reminders import reminders_sweep
        from postmortems.services import postmortem_close_guard, postmortem_on_resolve

        # Incidents never import post-mortems: a resolution calls this hook instead, and the
        # timer sweep (beat) sends the due post-mortem reminders through its own hook.
        register_resolve_hook(postmortem_on_resolve)
        register_close_guard(postmortem_close_guard)  # DESIGN: closed = delivered or not required
        register_sweep_hook(reminders_sweep)
