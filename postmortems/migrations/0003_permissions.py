"""Give the staff groups their rights on post-mortems, action items and reminders."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    # Support engineers write the report (never add or delete one: resolution opens it).
    "support": {"postmortem": "vc", "actionitem": "vacd", "reminder": "v"},
    # Account managers follow the deadline (they hear of overdue reports) and read the report.
    "account_manager": {"postmortem": "v", "actionitem": "v", "reminder": "v"},
}
ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def assign(apps):
    """Give the groups their post-mortem permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            codenames = [f"{ACTIONS[a]}_{model}" for a in actions]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="postmortems", codename__in=codenames
                )
            )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    assign(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("postmortems", "0002_template_reviewers_cancel_reminders"),
        ("core", "0001_staff_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
