"""Create the default escalation policy of DESIGN §3 and let support engineers see the pages.

0 min: primary on-call; 15 min: primary again + secondary; 60 min: L3 specialists;
120 min (the SLO breach): the management group and the contract's account manager.
Severity 1 starts at step 2 at once (primary and secondary together).
"""

from datetime import timedelta

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERSON_CHANNELS = ["email", "sms", "slack"]
STEPS = [
    (1, 0, [("layer", 1)]),
    (2, 15, [("layer", 1), ("layer", 2)]),
    (3, 60, [("layer", 3)]),
    (4, 120, [("group", "management"), ("account_manager", None)]),
]
GRANTS = {
    "support": {
        "core": {"delivery": "vc", "webhookendpoint": "v"},
        "incidents": {"escalationpolicy": "v", "escalationstep": "v", "escalationtarget": "v"},
    },
    "account_manager": {"core": {"delivery": "v"}},
}
ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def create_default_policy(apps, schema_editor=None):
    """Create the default policy (idempotent: nothing happens when a default exists)."""
    Policy = apps.get_model("incidents", "EscalationPolicy")
    Step = apps.get_model("incidents", "EscalationStep")
    Target = apps.get_model("incidents", "EscalationTarget")
    Group = apps.get_model("auth", "Group")
    if Policy.objects.filter(is_default=True).exists():
        return
    management, _ = Group.objects.get_or_create(name="management")
    policy = Policy.objects.create(
        name="Default (DESIGN §3)",
        description="L1 → L2 → L3 → management, as the firm's escalation training teaches.",
        is_default=True,
        sev1_start_step=2,
    )
    for position, minutes, targets in STEPS:
        step = Step.objects.create(
            policy=policy,
            position=position,
            delay=timedelta(minutes=minutes),
            channels=PERSON_CHANNELS,
        )
        for kind, value in targets:
            if kind == "layer":
                Target.objects.create(step=step, kind=kind, layer_position=value)
            elif kind == "group":
                Target.objects.create(step=step, kind=kind, group=management)
            else:
                Target.objects.create(step=step, kind=kind)


def assign(apps):
    """Give the staff groups their permissions on pages and policies (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, apps_perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in apps_perms.items():
            for model, actions in models.items():
                codenames = [f"{ACTIONS[a]}_{model}" for a in actions]
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    assign(apps)
    create_default_policy(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0003_notifications_outbox"),
        ("incidents", "0005_escalation"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
