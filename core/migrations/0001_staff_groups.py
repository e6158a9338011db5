"""Create the staff groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "support": {
        "incidents": {"incident": "vac", "timelineentry": "vac", "attachment": "vac"},
        "retainer": {"customer": "v", "customeruser": "v", "service": "v", "product": "v",
                     "contract": "v"},
    },
    "account_manager": {
        "incidents": {"incident": "v", "timelineentry": "v", "attachment": "v"},
        "retainer": {"customer": "vac", "customeruser": "vac", "service": "vac",
                     "product": "vac", "contract": "vac"},
    },
}
ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def assign(apps):
    """Create the groups and give them their permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, apps_perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in apps_perms.items():
            for model, actions in models.items():
                codenames = [f"{ACTIONS[a]}_{model}" for a in actions]
                group.permissions.add(*Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames))


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    assign(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("incidents", "0002_number_sequence"),
        ("retainer", "0002_unknown_service"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
