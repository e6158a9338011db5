"""Regular diagnostics (seed 002 §4.2): the milestone plan from the on-site dates, reminders.

plan agreed          on-site start - 1 month
materials collected  on-site start - 2 weeks
on-site diagnostic   on-site start .. on-site end (1-2 weeks)
report due           on-site end + 1 week
follow-up            report due + 4 weeks (advice while improvements are made)
"""

import calendar
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from retainer.models import DiagnosticEngagement, Milestone
from retainer.services.common import local_date, period_errors, record_actor

ENGAGEMENT_FIELDS = (
    "contract",
    "title",
    "scope",
    "lead",
    "onsite_starts_on",
    "onsite_ends_on",
    "status",
    "report_delivered_on",
)
DATE_FIELDS = ("onsite_starts_on", "onsite_ends_on", "report_delivered_on")
MAX_ONSITE_DAYS = 14
REMIND_DAYS_AHEAD = 3  # a reminder three days before each milestone


def _month_before(day: date) -> date:
    """Return the same day one month earlier (31 March → 28/29 February)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def milestone_plan(onsite_starts_on: date, onsite_ends_on: date) -> dict[str, date]:
    """Return each milestone's due date computed from the on-site dates."""
    report_due = onsite_ends_on + timedelta(weeks=1)
    return {
        Milestone.Kind.PLAN: _month_before(onsite_starts_on),
        Milestone.Kind.MATERIALS: onsite_starts_on - timedelta(weeks=2),
        Milestone.Kind.ONSITE: onsite_ends_on,
        Milestone.Kind.REPORT: report_due,
        Milestone.Kind.FOLLOW_UP: report_due + timedelta(weeks=4),
    }


def _validate(
    engagement: DiagnosticEngagement, *, changed: Collection[str] = ENGAGEMENT_FIELDS
) -> None:
    """Validate the engagement; the date window applies to the dates given or changed."""
    errors: dict[str, list[Any]] = period_errors(
        engagement,
        start="onsite_starts_on",
        end="onsite_ends_on",
        checked=[name for name in DATE_FIELDS if name in changed],
    )
    # A field in error stays out of full_clean: its check constraint adds no second,
    # untranslated message ('Constraint "engagement_onsite_period_valid" is violated.').
    try:
        engagement.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    days = (engagement.onsite_ends_on - engagement.onsite_starts_on).days + 1
    if not 1 <= days <= MAX_ONSITE_DAYS:
        raise ValidationError(
            {"onsite_ends_on": _("The on-site diagnostic takes one day to two weeks.")}
        )


def _replan(engagement: DiagnosticEngagement) -> None:
    """Create or move the milestones; a moved milestone will be reminded again."""
    plan = milestone_plan(engagement.onsite_starts_on, engagement.onsite_ends_on)
    existing = {m.kind: m for m in engagement.milestones.all()}
    for kind, due in plan.items():
        milestone = existing.get(kind) or Milestone(engagement=engagement, kind=kind)
        if milestone.pk and milestone.due_on == due:
            continue
        milestone.due_on, milestone.reminded_at = due, None
        milestone.save()


@transaction.atomic
def engagement_create(*, actor: Any, **fields: Any) -> DiagnosticEngagement:
    """Plan a diagnostic engagement and its milestones."""
    engagement = DiagnosticEngagement(**fields)
    _validate(engagement)
    record_actor(engagement, actor)
    engagement.save(force_insert=True)
    _replan(engagement)
    return engagement


@transaction.atomic
def engagement_update(
    *, engagement: DiagnosticEngagement, actor: Any, data: dict[str, Any]
) -> DiagnosticEngagement:
    """Change an engagement; new on-site dates move the milestones."""
    locked = DiagnosticEngagement.objects.select_for_update().get(pk=engagement.pk)
    changed = set()
    for name, value in data.items():
        if name not in ENGAGEMENT_FIELDS:
            raise TypeError(f"not an editable engagement field: {name}")
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.add(name)
    if locked.report_delivered_on and locked.status != DiagnosticEngagement.Status.CANCELLED:
        locked.status = DiagnosticEngagement.Status.REPORTED
    _validate(locked, changed=changed)
    record_actor(locked, actor)
    locked.save()
    _replan(locked)
    _mark_report_milestone(locked)
    engagement.refresh_from_db()
    return engagement


def _mark_report_milestone(engagement: DiagnosticEngagement) -> None:
    if engagement.report_delivered_on is None:
        return
    milestone = engagement.milestones.filter(kind=Milestone.Kind.REPORT).first()
    if milestone is not None and milestone.done_on != engagement.report_delivered_on:
        milestone.done_on = engagement.report_delivered_on
        milestone.save(update_fields=["done_on"])


def milestones_due_for_reminder(
    *, now: datetime | None = None, days_ahead: int = REMIND_DAYS_AHEAD
) -> QuerySet[Milestone]:
    """Return open milestones due within ``days_ahead`` days that were not reminded yet."""
    today = local_date(clock.resolve(now))
    return (
        Milestone.objects.filter(
            done_on__isnull=True,
            reminded_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=days_ahead),
        )
        .exclude(engagement__status=DiagnosticEngagement.Status.CANCELLED)
        .select_related("engagement__contract__account_manager", "engagement__lead")
    )


def _reminder_recipients(milestone: Milestone) -> list[str]:
    engagement = milestone.engagement
    people = (engagement.lead, engagement.contract.account_manager)
    return sorted({p.email for p in people if p is not None and p.email})


@transaction.atomic
def milestone_remind(*, milestone: Milestone, now: datetime | None = None) -> bool:
    """E-mail the lead engineer and the account manager once before a milestone is due."""
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.reminded_at is not None or locked.done_on is not None:
        return False
    recipients = _reminder_recipients(milestone)
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "milestone": locked.get_kind_display(),
            "title": milestone.engagement.title,
            "due": locked.due_on.isoformat(),
        }
        subject = _("[Diagnostic] %(milestone)s due %(due)s: %(title)s") % values
        body = _("%(milestone)s of the diagnostic engagement %(title)s is due on %(due)s.") % values
    if recipients:
        send_mail(subject, body, None, recipients)
    locked.reminded_at = clock.resolve(now)
    locked.save(update_fields=["reminded_at"])
    return True
