"""The client's address, as far as it can be trusted.

``X-Forwarded-For`` is written by whoever sent the request, so only the entries appended by our
own proxies count: with ``HOTLINE_TRUSTED_PROXY_COUNT = n`` the client is the n-th address from
the right; with 0 (no proxy) the header is ignored and ``REMOTE_ADDR`` is the client. A client
that adds made-up addresses to the header only adds entries to the left of the trusted ones.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP address; None when even REMOTE_ADDR is unusable."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    trusted = int(getattr(settings, "HOTLINE_TRUSTED_PROXY_COUNT", 0))
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < trusted:
        # Fewer hops than proxies we run: the request did not come through all of them.
        return remote
    return _valid(forwarded[-trusted]) or remote
