"""A policy copied into a plain plan: steps in firing order, repeats unrolled, targets frozen.

The plan is stored on the incident (``IncidentEscalation.plan``), so editing the policy later
does not change an escalation that is already running.
"""

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from incidents.escalation.models import EscalationPolicy, EscalationTarget, TargetKind
from incidents.models import Severity


def default_policy() -> EscalationPolicy | None:
    """Return the policy new incidents escalate by, with its steps and targets loaded."""
    return (
        EscalationPolicy.objects.filter(is_default=True)
        .prefetch_related(
            "steps__targets__schedule",
            "steps__targets__user",
            "steps__targets__group",
            "steps__targets__endpoint",
        )
        .first()
    )


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def target_snapshot(target: EscalationTarget) -> dict[str, Any]:
    """Freeze one target: ids to resolve later, names to show."""
    snapshot: dict[str, Any] = {"kind": target.kind}
    if target.kind == TargetKind.LAYER:
        snapshot.update(
            schedule_id=target.schedule_id,
            schedule=target.schedule.name if target.schedule else "",
            layer_position=target.layer_position,
            fall_through=target.fall_through,
        )
    elif target.kind == TargetKind.USER and target.user:
        snapshot.update(user_id=target.user_id, name=_person(target.user))
    elif target.kind == TargetKind.GROUP and target.group:
        snapshot.update(group_id=target.group_id, name=target.group.name)
    elif target.kind == TargetKind.ENDPOINT and target.endpoint:
        snapshot.update(endpoint_id=target.endpoint_id, name=target.endpoint.name)
    return snapshot


def build_plan(policy: EscalationPolicy, *, severity: int) -> list[dict[str, Any]]:
    """Return the plan of ``policy`` for an incident of ``severity``.

    Each entry: index, position, pass, delay (seconds since reporting), channels, targets and
    ``skipped`` (steps a severity 1 incident jumps over). The start step of severity 1 runs at
    once; the following steps keep their own delays.
    """
    steps = sorted(policy.steps.all(), key=lambda s: s.position)
    if not steps:
        return []
    start = policy.sev1_start_step if severity == Severity.CRITICAL else None
    cycle = steps[-1].delay + policy.repeat_interval
    plan: list[dict[str, Any]] = []
    for number in range(policy.repeat_count + 1):
        for step in steps:
            delay = step.delay + number * cycle
            if number == 0 and start is not None and step.position == start:
                delay = timedelta(0)
            plan.append(
                {
                    "index": len(plan),
                    "position": step.position,
                    "pass": number + 1,
                    "delay": int(delay.total_seconds()),
                    "channels": list(step.channels),
                    "targets": [target_snapshot(t) for t in step.targets.all()],
                    "skipped": start is not None and step.position < start,
                }
            )
    return plan


def target_label(snapshot: dict[str, Any]) -> str:
    """Describe a frozen target in the current language."""
    kind = snapshot.get("kind")
    if kind == TargetKind.LAYER:
        values = {
            "layer": snapshot.get("layer_position"),
            "schedule": snapshot.get("schedule") or _("every schedule"),
        }
        return _("on call on layer %(layer)s (%(schedule)s)") % values
    if kind == TargetKind.ACCOUNT_MANAGER:
        return _("the account manager")
    if kind == TargetKind.GROUP:
        return _("group %(name)s") % {"name": snapshot.get("name", "?")}
    return str(snapshot.get("name", "?"))


def step_label(step: dict[str, Any]) -> str:
    """Describe a plan step: its position, and its pass when the policy repeats."""
    if step.get("pass", 1) > 1:
        return _("step %(position)s, repeat %(repeat)s") % {
            "position": step["position"],
            "repeat": step["pass"] - 1,
        }
    return _("step %(position)s") % {"position": step["position"]}
