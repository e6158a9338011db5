"""Give the staff groups their rights on the ledger, work logs and diagnostics."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "support": {
        "worklog": "vacd",
        "ledgerentry": "v",
        "diagnosticengagement": "vac",
        "milestone": "vac",
        "utilisationalert": "v",
    },
    "account_manager": {
        "worklog": "v",
        "ledgerentry": "va",  # add = a manual adjustment; entries are never changed
        "diagnosticengagement": "vac",
        "milestone": "vac",
        "utilisationalert": "v",
        "reportdispatch": "v",
    },
}
ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def assign(apps):
    """Give the groups their retainer permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            codenames = [f"{ACTIONS[a]}_{model}" for a in actions]
            group.permissions.add(*Permission.objects.filter(
                content_type__app_label="retainer", codename__in=codenames))


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    assign(apps)


class Migration(migrations.Migration):
    dependencies = [("retainer", "0004_ledger_append_only"), ("core", "0001_staff_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
