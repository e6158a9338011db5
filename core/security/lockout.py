"""Login lockout (django-axes): refuse a user name from an address after repeated failures.

Failures are counted per user name *and* client address (``core.security.net.client_ip``, which
ignores a forged X-Forwarded-For), so an attacker can neither reset the counter by inventing
addresses nor lock the real user out of their own network. The per-name rate limit in
``core.security.limits`` slows guessing spread over many addresses.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped for authentication outside any HTTP request.

    Every login page and the API token endpoint pass the request. A call without one (a shell,
    a management command, Django's test client ``login()``) has no address to count against,
    so it is left to the next backend instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
