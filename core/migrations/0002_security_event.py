import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_staff_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, verbose_name="time")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("login", "Login"),
                            ("logout", "Logout"),
                            ("login_failed", "Failed login"),
                            ("locked_out", "Locked out"),
                            ("otp_setup", "Two-factor device set up"),
                            ("otp_verified", "Two-factor check passed"),
                            ("otp_failed", "Two-factor check failed"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="user name")),
                ("is_staff", models.BooleanField(default=False, verbose_name="staff account")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                ("user_agent", models.CharField(blank=True, max_length=300, verbose_name="user agent")),
                ("path", models.CharField(blank=True, max_length=300, verbose_name="path")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "security event",
                "verbose_name_plural": "security events",
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["username", "-at"], name="security_event_username_idx")],
            },
        ),
    ]
