"""Settings for the test suite: the local PostgreSQL and Redis, eager Celery, fast hashing."""

import os

os.environ.setdefault("HOTLINE_TESTING", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("HOTLINE_VAR_DIR", "/tmp/hotline-test-var")  # noqa: S108

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_EAGER_PROPAGATES = True
