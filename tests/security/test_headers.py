"""Security headers on every response, and no inline script or style in any rendered page.

The pages come from walking every route (``routes.py``) as each role, so a page added later is
checked too. The CSP forbids inline code; these tests prove the pages do not need it.
"""

import re

import pytest
from django.test import Client

from tests.security.conftest import client_as
from tests.security.matrix import MATRIX
from tests.security.routes import all_routes, build_url
from tests.security.test_route_matrix import is_admin, samples, values_for  # noqa: F401

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def assert_security_headers(response, where: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", where
    # Pages with a secret in their URL (signed links) may be stricter still.
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer"), where
    if response.get("Content-Type", "").startswith("text/html"):
        assert response["X-Frame-Options"] == "DENY", where
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, where
        assert "style-src 'self'" in policy, where
        assert "unsafe-inline" not in policy, where
        assert "unsafe-eval" not in policy, where
        assert "frame-ancestors 'none'" in policy, where
        assert "object-src 'none'" in policy, where


def inline_code(html: str) -> list[str]:
    """Return the inline code a strict CSP would block, with a little context."""
    found = []
    for pattern in (INLINE_SCRIPT, STYLE_ELEMENT, STYLE_ATTRIBUTE, EVENT_HANDLER, JAVASCRIPT_URL):
        found += [html[max(m.start() - 40, 0) : m.end() + 60] for m in pattern.finditer(html)]
    return found


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client):
    response = client.get("/hotline/login/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"


@pytest.mark.parametrize("role", ["anonymous", "customer_a", "support"])
def test_every_page_has_the_headers_and_no_inline_code(role, users, samples):  # noqa: F811
    """GET every route as the role; every HTML page must work under the strict CSP."""
    client = client_as(users[role])
    problems, pages = [], 0
    for route in all_routes():
        if not (is_admin(route) or route.id in MATRIX):
            continue  # the route matrix reports routes without an entry
        url = build_url(route, values_for(route, samples))
        response = client.get(url)
        assert_security_headers(response, url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        problems += [f"{url}: {snippet!r}" for snippet in inline_code(response.content.decode())]
    assert pages > 10
    assert not problems, "Inline code the CSP blocks:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/hotline/incidents/HOT-999999/", "/api/v1/no-such-endpoint/"]
)
def test_error_responses_carry_the_headers(users, path):
    response = client_as(users["customer_a"]).get(path)

    assert response.status_code == 404
    assert_security_headers(response, path)


def test_the_api_docs_load_their_script_from_a_file(client: Client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/", {"script": ""})

    assert page.status_code == 200
    assert not inline_code(page.content.decode())
    assert 'src="/api/docs/?script="' in page.content.decode()
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
