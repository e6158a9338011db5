"""Demo on-call data for ``seed_demo``: the team's schedule and the holiday rota of seed 000.

Idempotent: schedules are matched by name and left alone when they exist.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from core import clock
from oncall.models import Schedule
from oncall.services import (
    RotationInput,
    layer_create,
    override_create,
    profile_update,
    schedule_create,
)

TEAM = "Tier 3 전문가팀"
MAIN = "24/7 전문가 핫라인"
HOLIDAY = "연말연시 당직 2024"
SEOUL = ZoneInfo("Asia/Seoul")
PROFILES = {
    "engineer1": {
        "phone": "010-1111-0001",
        "quiet_hours_start": time(23),
        "quiet_hours_end": time(7),
    },
    "engineer2": {"phone": "010-1111-0002", "language": "en"},
    "engineer3": {"phone": "010-1111-0003", "reminder_lead_hours": 24},
}


def seed_oncall_demo(*, actor: Any = None) -> None:
    """Create the demo profiles, the team's weekly schedule and the 2024 holiday rota."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=PROFILES)}
    if len(users) < len(PROFILES):
        return
    for username, preferences in PROFILES.items():
        profile_update(user=users[username], actor=actor, **preferences)
    engineers = [users[name] for name in sorted(PROFILES)]
    if not Schedule.objects.filter(name=MAIN).exists():
        _main_schedule(engineers, actor)
    if not Schedule.objects.filter(name=HOLIDAY).exists():
        _holiday_rota(engineers, actor)


def _main_schedule(engineers: list[Any], actor: Any) -> None:
    """Weekly primary and secondary handing off on Monday 09:00, and L3 on nights."""
    schedule = schedule_create(name=MAIN, team=TEAM, time_zone="Asia/Seoul", actor=actor)
    today = clock.now().astimezone(SEOUL).date()
    monday = today - timedelta(days=today.weekday() + 7)
    first, second, third = engineers
    layers = [
        ("Primary", RotationInput([first, second, third], monday, shift_unit="weeks")),
        ("Secondary", RotationInput([second, third, first], monday, shift_unit="weeks")),
        ("L3", RotationInput([third, first], monday, handoff_time=time(18), restriction="nights")),
    ]
    created = [
        layer_create(schedule=schedule, name=name, rotation=rotation, actor=actor)
        for name, rotation in layers
    ]
    # A partial-shift cover tomorrow evening, as the calendar's highlighted example.
    evening = datetime.combine(today + timedelta(days=1), time(18), SEOUL)
    override_create(
        layer=created[-1],
        user=second,
        start=evening,
        end=evening + timedelta(hours=6),
        reason="병원 예약 (대체 근무)",
        actor=actor,
    )


def _holiday_rota(engineers: list[Any], actor: Any) -> None:
    """Seed 000: three engineers rotating daily from 12/26 09:00 to 01/01 09:00."""
    schedule = schedule_create(
        name=HOLIDAY,
        team=TEAM,
        time_zone="Asia/Seoul",
        description="#oncall-holiday (seed 000): 12/26~12/31 3인 로테이션",
        actor=actor,
    )
    layer_create(
        schedule=schedule,
        name="Primary",
        rotation=RotationInput(
            participants=engineers,
            start_date=date(2024, 12, 26),
            handoff_time=time(9),
            ends_at=datetime(2025, 1, 1, 9, tzinfo=SEOUL),
        ),
        actor=actor,
    )
