"""A policy copied into a plain plan: steps in firing order, repeats unrolled, targets frozen.

The plan is stored on the incident (``IncidentEscalation.plan``), so editing the policy later
does not change an escalation that is already running.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connections, router
from django.utils.translation import gettext as _

from core.people import full_name
from incidents.escalation.models import EscalationPolicy, EscalationStep, TargetKind
from incidents.models import Severity

# The default policy, its steps and their targets with the names a snapshot shows: one row per
# target (or per step without targets), read in one statement at every intake.
POLICY_COLUMNS = {
    "policy_id": "policy_id",
    "policy_name": "policy__name",
    "sev1_start_step": "policy__sev1_start_step",
    "repeat_count": "policy__repeat_count",
    "repeat_interval": "policy__repeat_interval",
    "step_id": "id",
    "position": "position",
    "delay": "delay",
    "channels": "channels",
    "kind": "targets__kind",
    "schedule_id": "targets__schedule_id",
    "schedule_name": "targets__schedule__name",
    "layer_position": "targets__layer_position",
    "fall_through": "targets__fall_through",
    "user_id": "targets__user_id",
    "user_first_name": "targets__user__first_name",
    "user_last_name": "targets__user__last_name",
    "user_username": "targets__user__username",
    "group_id": "targets__group_id",
    "group_name": "targets__group__name",
    "endpoint_id": "targets__endpoint_id",
    "endpoint_name": "targets__endpoint__name",
}


@dataclass
class StepCopy:
    """A policy step as the plan needs it: position, delay, channels, frozen targets."""

    position: int
    delay: timedelta
    channels: list[str]
    targets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PolicyCopy:
    """What a plan is built from, detached from the policy rows."""

    id: int
    name: str
    sev1_start_step: int | None
    repeat_count: int
    repeat_interval: timedelta
    steps: list[StepCopy] = field(default_factory=list)


# The statement is compiled once per database: building a six-join query costs the ORM more CPU
# than PostgreSQL spends running it.
_compiled: dict[str, tuple[str, Any]] = {}


def _policy_rows() -> list[tuple[Any, ...]]:
    alias = router.db_for_read(EscalationStep)
    compiled = _compiled.get(alias)
    if compiled is None:
        query = (
            EscalationStep.objects.using(alias)
            .filter(policy__is_default=True)
            .order_by("position", "id", "targets__id")
            .values_list(*POLICY_COLUMNS.values())
            .query
        )
        compiled = _compiled[alias] = query.get_compiler(using=alias).as_sql()
    with connections[alias].cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


def _duration(value: Any) -> timedelta:
    # PostgreSQL returns an interval; SQLite stores microseconds.
    return value if isinstance(value, timedelta) else timedelta(microseconds=int(value))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def default_policy() -> PolicyCopy | None:
    """Return the policy new incidents escalate by, read in one statement (two without steps)."""
    rows = _policy_rows()
    if not rows:
        policy = EscalationPolicy.objects.filter(is_default=True).first()
        return policy_copy(policy, []) if policy is not None else None
    names = list(POLICY_COLUMNS)
    return _copy_from_rows([dict(zip(names, row, strict=True)) for row in rows])


def policy_copy(policy: EscalationPolicy, steps: list[StepCopy]) -> PolicyCopy:
    """Return the copy of a policy row with the given steps."""
    return PolicyCopy(
        id=policy.pk,
        name=policy.name,
        sev1_start_step=policy.sev1_start_step,
        repeat_count=policy.repeat_count,
        repeat_interval=policy.repeat_interval,
        steps=steps,
    )


def _copy_from_rows(rows: list[dict[str, Any]]) -> PolicyCopy:
    first = rows[0]
    policy = PolicyCopy(
        id=first["policy_id"],
        name=first["policy_name"],
        sev1_start_step=first["sev1_start_step"],
        repeat_count=first["repeat_count"],
        repeat_interval=_duration(first["repeat_interval"]),
    )
    steps: dict[int, StepCopy] = {}
    for row in rows:
        step = steps.get(row["step_id"])
        if step is None:
            step = steps[row["step_id"]] = StepCopy(
                position=row["position"],
                delay=_duration(row["delay"]),
                channels=list(_json(row["channels"])),
            )
            policy.steps.append(step)
        if row["kind"] is not None:  # a step without targets has one row of nulls
            step.targets.append(_snapshot_from_row(row))
    return policy


def _full_name(first: str, last: str, username: str) -> str:
    """Mirror ``core.people.person_name(user)`` from the row's columns."""
    return full_name(first, last) or username


def _snapshot_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """Freeze one target: ids to resolve later, names to show (as ``target_snapshot``)."""
    kind = row["kind"]
    snapshot: dict[str, Any] = {"kind": kind}
    if kind == TargetKind.LAYER:
        snapshot.update(
            schedule_id=row["schedule_id"],
            schedule=row["schedule_name"] or "",
            layer_position=row["layer_position"],
            fall_through=bool(row["fall_through"]),
        )
    elif kind == TargetKind.USER and row["user_id"] is not None:
        name = _full_name(row["user_first_name"], row["user_last_name"], row["user_username"])
        snapshot.update(user_id=row["user_id"], name=name)
    elif kind == TargetKind.GROUP and row["group_id"] is not None:
        snapshot.update(group_id=row["group_id"], name=row["group_name"])
    elif kind == TargetKind.ENDPOINT and row["endpoint_id"] is not None:
        snapshot.update(endpoint_id=row["endpoint_id"], name=row["endpoint_name"])
    return snapshot


def build_plan(policy: PolicyCopy, *, severity: int) -> list[dict[str, Any]]:
    """Return the plan of ``policy`` for an incident of ``severity``.

    Each entry: index, position, pass, delay (seconds since reporting), channels, targets and
    ``skipped`` (steps a severity 1 incident jumps over). The start step of severity 1 runs at
    once; the following steps keep their own delays.
    """
    steps = sorted(policy.steps, key=lambda s: s.position)
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
                    "targets": [dict(t) for t in step.targets],
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
