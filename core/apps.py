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
        self._accept_times_within_the_span()

    @staticmethod
    def _accept_times_within_the_span() -> None:
        """Give every API model serializer the time field that refuses years outside 2000-2099.

        ``serializer_field_mapping`` is the documented way to choose the field DRF builds for a
        model field; set on ModelSerializer, it holds for every serializer the project declares.
        Declared fields use ``core.timewindow.DateTimeField`` directly, and the admin its form
        field through ``AuditedAdmin.formfield_overrides``.
        """
        from django.db import models
        from rest_framework import serializers

        from core.timewindow import DateTimeField

        serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField
