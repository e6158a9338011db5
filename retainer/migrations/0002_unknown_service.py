"""Create the shared "unknown" service customers pick when they are not sure what broke."""

from django.db import migrations


def create_unknown(apps, schema_editor):
    Service = apps.get_model("retainer", "Service")
    Service.objects.get_or_create(
        customer=None, code="unknown",
        defaults={"name": "알 수 없음 / Unknown", "description": "Faulty service not known yet."},
    )


class Migration(migrations.Migration):
    dependencies = [("retainer", "0001_initial")]
    operations = [migrations.RunPython(create_unknown, migrations.RunPython.noop)]
