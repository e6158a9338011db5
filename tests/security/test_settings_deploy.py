"""Production settings: `check --deploy` is clean, and the hardening is on without being asked.

Each test starts a fresh Python with a production-like environment (no DEBUG, no test flag), as
gunicorn would, since settings are read once per process.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PROBE = """
import json, django
from django.conf import settings as s
django.setup()
print(json.dumps({
    "hashers": s.PASSWORD_HASHERS,
    "require_2fa": s.HOTLINE_REQUIRE_2FA,
    "ratelimit": s.RATELIMIT_ENABLE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "proxy_header": s.SECURE_PROXY_SSL_HEADER,
    "hsts": s.SECURE_HSTS_SECONDS,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "renderers": s.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"],
    "axes_backend_first": s.AUTHENTICATION_BACKENDS[0],
}))
"""


def production_env(tmp_path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HOTLINE_", "SECURE_", "CELERY_TASK_ALWAYS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="hotline.example.com",
        CACHE_URL="redis://127.0.0.1:6379/15",
        HOTLINE_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_zero_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_offline_commands_run_in_a_bare_checkout_without_a_secret_key(tmp_path):
    """A developer's `makemigrations --check` needs no configuration; it signs nothing."""
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = run(["manage.py", "makemigrations", "--check", "--dry-run"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    result = run(["-c", PROBE], production_env(tmp_path_factory.mktemp("var")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_hashes_passwords_with_argon2(production):
    assert production["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_enforces_two_factor_and_rate_limits(production):
    assert production["require_2fa"] is True
    assert production["ratelimit"] is True
    assert production["axes_backend_first"] == "core.security.lockout.LockoutBackend"


def test_production_is_https_only_behind_the_proxy(production):
    assert production["ssl_redirect"] is True
    assert production["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["hsts"] >= 31536000
    assert production["session_secure"] is True
    assert production["csrf_secure"] is True


def test_production_api_speaks_json_only(production):
    assert production["renderers"] == ["rest_framework.renderers.JSONRenderer"]


def test_debug_keeps_the_demo_usable(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    del env["SECRET_KEY"]

    result = run(["-c", PROBE], env)

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["require_2fa"] is False
    assert found["ssl_redirect"] is False
