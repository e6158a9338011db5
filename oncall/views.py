"""Calendar feeds at secret-token URLs: whoever holds the URL may read the shifts, no login.

A token is compared in the database (unique, 43 random URL-safe characters); an unknown token
answers 404 so the URL gives nothing away. Rotating the token revokes the old URL.
"""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from oncall.exports.ical import person_feed, schedule_feed
from oncall.models import NotificationProfile, Schedule

CALENDAR = "text/calendar; charset=utf-8"
MIN_TOKEN_LENGTH = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,128}")  # secrets.token_urlsafe's alphabet


def _token_shaped(token: str) -> bool:
    """Tell whether ``token`` can be a feed token (URL-safe, long enough) before any query.

    A NUL would otherwise reach PostgreSQL, which refuses it (a 500 for anyone).
    """
    return len(token) >= MIN_TOKEN_LENGTH and TOKEN_SHAPE.fullmatch(token) is not None


def _feed(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR)
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def schedule_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a schedule's final shifts as iCalendar."""
    if not _token_shaped(token):
        raise Http404
    schedule = Schedule.objects.filter(ical_token=token).first()
    if schedule is None:
        raise Http404
    return _feed(schedule_feed(schedule), f"oncall-{schedule.pk}")


@require_GET
def person_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """Serve one engineer's final shifts as iCalendar."""
    if not _token_shaped(token):
        raise Http404
    profile = NotificationProfile.objects.select_related("user").filter(ical_token=token).first()
    if profile is None or not profile.user.is_active:
        raise Http404
    return _feed(person_feed(profile.user), f"oncall-{profile.user.get_username()}")
