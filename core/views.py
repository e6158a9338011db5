"""Site-wide views: a translated page for a failed CSRF check."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired form in the user's language instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)
