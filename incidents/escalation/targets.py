"""Whom a plan step pages at an instant, and on which channels each person is reached.

Schedule-layer targets ask ``oncall.selectors.oncall_at``; when nobody is on call on the layer
and the target falls through, the next layers of the schedule are tried in order.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.notifications.models import NotificationChannel, WebhookEndpoint
from core.people import person_name
from incidents.escalation.models import TargetKind
from incidents.models import Incident
from oncall.models import Schedule
from oncall.selectors import oncall_at
from oncall.services import channels_for, profile_for

User = get_user_model()


@dataclass(frozen=True)
class Recipient:
    """A person or an endpoint to page; ``key`` is stable for idempotency keys."""

    key: str
    label: str
    user: Any = None
    endpoint: WebhookEndpoint | None = None


@dataclass
class Resolution:
    recipients: list[Recipient] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_user(self, user: Any) -> None:
        key = f"user:{user.pk}"
        if all(r.key != key for r in self.recipients):
            self.recipients.append(Recipient(key=key, label=person_name(user), user=user))

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        key = f"endpoint:{endpoint.pk}"
        if all(r.key != key for r in self.recipients):
            self.recipients.append(Recipient(key=key, label=endpoint.name, endpoint=endpoint))


def _layer(target: dict[str, Any], at: datetime, found: Resolution) -> None:
    schedules = Schedule.objects.prefetch_related("layers")
    if target.get("schedule_id"):
        schedules = schedules.filter(pk=target["schedule_id"])
    else:
        schedules = schedules.filter(is_active=True)
    position = target.get("layer_position") or 1
    for schedule in schedules:
        layers = [layer for layer in schedule.layers.all() if layer.position >= position]
        if not target.get("fall_through", True):
            layers = [layer for layer in layers if layer.position == position]
        for layer in sorted(layers, key=lambda item: item.position):
            answer = oncall_at(schedule=schedule, layer=layer, at=at)
            if answer is not None and answer.user is not None:
                found.add_user(answer.user)
                break
            found.notes.append(_("Nobody is on call on %(layer)s.") % {"layer": layer})
        else:
            found.notes.append(
                _("Nobody to page on %(schedule)s from layer %(position)s on.")
                % {"schedule": schedule, "position": position}
            )


def _account_manager(target: dict[str, Any], incident: Incident, found: Resolution) -> None:
    contract = incident.contract
    manager = contract.account_manager if contract is not None else None
    manager = manager or incident.customer.account_manager
    if manager is not None and manager.is_active:
        found.add_user(manager)
    else:
        found.notes.append(_("The contract has no account manager."))


def _user(target: dict[str, Any], incident: Incident, found: Resolution) -> None:
    for user in User.objects.filter(pk=target.get("user_id"), is_active=True):
        found.add_user(user)


def _group(target: dict[str, Any], incident: Incident, found: Resolution) -> None:
    for user in User.objects.filter(groups=target.get("group_id"), is_active=True):
        found.add_user(user)


def _endpoint(target: dict[str, Any], incident: Incident, found: Resolution) -> None:
    endpoint = WebhookEndpoint.objects.filter(pk=target.get("endpoint_id"), is_active=True).first()
    if endpoint is not None:
        found.add_endpoint(endpoint)


RESOLVERS = {
    TargetKind.USER: _user,
    TargetKind.GROUP: _group,
    TargetKind.ACCOUNT_MANAGER: _account_manager,
    TargetKind.ENDPOINT: _endpoint,
}


def resolve(targets: list[dict[str, Any]], *, incident: Incident, at: datetime) -> Resolution:
    """Return the people and endpoints the frozen ``targets`` page at ``at``."""
    found = Resolution()
    for target in targets:
        if target.get("kind") == TargetKind.LAYER:
            _layer(target, at, found)
        elif target.get("kind") in RESOLVERS:
            RESOLVERS[target["kind"]](target, incident, found)
    return found


@dataclass(frozen=True)
class Route:
    """One channel to one recipient: where the message goes."""

    channel: str
    address: str
    endpoint: WebhookEndpoint | None = None


def slack_endpoint_for_people() -> WebhookEndpoint | None:
    """Return the Slack channel that people who choose Slack are mentioned in."""
    return WebhookEndpoint.objects.filter(
        kind=WebhookEndpoint.Kind.SLACK, pages_people=True, is_active=True
    ).first()


def routes_for(
    recipient: Recipient, *, step_channels: list[str], severity: int, at: datetime
) -> list[Route]:
    """Return the channels a step reaches ``recipient`` on.

    A person gets the step's channels that their profile allows (quiet hours hold back SMS and
    Slack below severity 2); when none is left, e-mail, so a page is never dropped silently.
    """
    if recipient.endpoint is not None:
        return [Route(channel=recipient.endpoint.kind, address="", endpoint=recipient.endpoint)]
    profile = profile_for(recipient.user)
    allowed = set(channels_for(profile, at=at, severity=severity))
    wanted = [c for c in step_channels if c in allowed]
    if not wanted and profile.address:
        wanted = [NotificationChannel.EMAIL]
    routes = []
    for channel in wanted:
        if channel == NotificationChannel.EMAIL:
            routes.append(Route(channel=channel, address=profile.address))
        elif channel == NotificationChannel.SMS:
            routes.append(Route(channel=channel, address=profile.phone))
        elif channel == NotificationChannel.SLACK:
            endpoint = slack_endpoint_for_people()
            if endpoint is not None:
                routes.append(
                    Route(channel=channel, address=profile.slack_member_id, endpoint=endpoint)
                )
    return routes
