"""Benchmark: who-is-on-call lookups and a year of shifts for 50 schedules.

Run: ``.venv/bin/python -m bench.oncall`` (PostgreSQL on localhost). It recreates its own
database (``hotline_bench_oncall``), builds 50 schedules of 3 layers each (weekly primary, daily
secondary, weekly L3 on nights only, 18:00-09:00; 40 in Seoul, 5 in New York, 5 in Berlin; 5
engineers per layer) with 60 overrides per schedule over the year, and prints JSON (wall-clock
medians and p95, plus the process CPU time of the year, which a busy machine inflates less):

1. ``lookup_pure_us``: the scheduling math alone (``oncall.rotation.layer_at``);
2. ``lookup_db_ms``: ``oncall.selectors.oncall_at`` for one layer, plan cached (one query);
3. ``lookup_db_cold_ms``: the same with the plan rebuilt every time (four queries);
4. ``year_50_schedules_ms``: ``shifts_of_schedules`` for one year on all 50 schedules (one
   override query), and ``year_50_schedules_loop_ms``: ``shifts_between`` schedule by schedule.
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench_oncall"
)

from bench import common  # after the setdefault: common reads BENCH_DATABASE_URL

SCHEDULES = 50
ENGINEERS = 60
OVERRIDES_PER_SCHEDULE = 60
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
ZONES = ["Asia/Seoul"] * 40 + ["America/New_York"] * 5 + ["Europe/Berlin"] * 5


def _engineers() -> list:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    support = Group.objects.get(name="support")
    users = []
    for n in range(ENGINEERS):
        user = get_user_model().objects.create_user(
            f"bench-eng-{n}", password=common.PASSWORD, is_staff=True
        )
        user.groups.add(support)
        users.append(user)
    return users


def _schedule(index: int, engineers: list, rng: random.Random) -> None:
    from oncall.services import RotationInput, layer_create, schedule_create

    schedule = schedule_create(
        name=f"Bench {index}", team=f"team-{index % 5}", time_zone=ZONES[index], actor=None
    )
    people = rng.sample(engineers, 15)
    start = date(2024, 12, 2)
    layers = [
        ("Primary", RotationInput(people[:5], start, shift_unit="weeks")),
        ("Secondary", RotationInput(people[5:10], start, handoff_time=wall_time(10))),
        ("L3", RotationInput(people[10:], start, shift_unit="weeks", restriction="nights")),
    ]
    for name, rotation in layers:
        layer_create(schedule=schedule, name=name, rotation=rotation, actor=None)


def _overrides(engineers: list, rng: random.Random) -> None:
    from simple_history.utils import bulk_create_with_history

    from oncall.models import Layer, Override

    rows = []
    for layer in Layer.objects.all():
        for _ in range(OVERRIDES_PER_SCHEDULE // 3):
            start = YEAR_START + timedelta(hours=rng.randrange(0, 365 * 24))
            length = timedelta(hours=rng.randint(2, 48))
            rows.append(
                Override(layer=layer, user=rng.choice(engineers), start=start, end=start + length)
            )
    bulk_create_with_history(rows, Override, batch_size=2000)


def seed() -> None:
    from django.db import connection

    rng = random.Random(7)
    engineers = _engineers()
    for index in range(SCHEDULES):
        _schedule(index, engineers, rng)
    _overrides(engineers, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _timed(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        times.append(time.perf_counter() - began)
    return times


def _summary(seconds: list[float], scale: float) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median": round(statistics.median(ordered) * scale, 3),
        "p95": round(common.percentile(ordered, 95) * scale, 3),
    }


def measure_lookups(rng: random.Random) -> dict[str, object]:
    from oncall.models import Schedule
    from oncall.rotation import layer_at
    from oncall.selectors import forget_plans, oncall_at, plan_for
    from oncall.selectors.plans import overrides_between

    schedules = list(Schedule.objects.all())
    instants = [
        YEAR_START + timedelta(minutes=rng.randrange(0, 365 * 24 * 60)) for _ in range(2000)
    ]
    pure_layers = []
    for schedule in schedules:
        plan = plan_for(schedule)
        found = overrides_between([p.layer.pk for p in plan.layers], YEAR_START, YEAR_START + YEAR)
        pure_layers += [p.with_overrides(plan.zone, found.get(p.layer.pk, [])) for p in plan.layers]
    pure = []
    for at in instants:
        layer = rng.choice(pure_layers)
        began = time.perf_counter()
        layer_at(layer, at)
        pure.append(time.perf_counter() - began)
    layers = [(s, layer) for s in schedules for layer in plan_for(s).layers]

    def lookup(cold: bool) -> list[float]:
        out = []
        for at in instants[:1000]:
            schedule, plan = rng.choice(layers)
            if cold:
                forget_plans()
            began = time.perf_counter()
            oncall_at(schedule=schedule, layer=plan.layer, at=at)
            out.append(time.perf_counter() - began)
        return out

    return {
        "lookup_pure_us": _summary(pure, 1e6),
        "lookup_db_ms": _summary(lookup(cold=False), 1e3),
        "lookup_db_cold_ms": _summary(lookup(cold=True), 1e3),
    }


def _cpu_and_wall(func, repeat: int) -> tuple[list[float], list[float]]:
    cpu, wall = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return wall, cpu


def measure_year() -> dict[str, object]:
    from oncall.models import Schedule
    from oncall.selectors import forget_plans, shifts_between, shifts_of_schedules

    schedules = list(Schedule.objects.all())
    end = YEAR_START + YEAR

    def batch() -> int:
        found = shifts_of_schedules(schedules=schedules, start=YEAR_START, end=end)
        return sum(len(shifts) for shifts in found.values())

    def loop() -> None:
        for schedule in schedules:
            shifts_between(schedule=schedule, start=YEAR_START, end=end)

    count = batch()
    wall, cpu = _cpu_and_wall(batch, 9)
    loop_wall, _ = _cpu_and_wall(loop, 5)
    cold, _ = _cpu_and_wall(lambda: (forget_plans(), batch()), 3)
    return {
        "year_50_schedules_ms": _summary(wall, 1e3),
        "year_50_schedules_cpu_ms": _summary(cpu, 1e3),
        "year_50_schedules_loop_ms": _summary(loop_wall, 1e3),
        "year_50_schedules_cold_ms": _summary(cold, 1e3),
        "shifts_per_year": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/oncall.json"))
    args = parser.parse_args()
    common.reset_database()
    common.setup_django()
    seed()
    rng = random.Random(11)
    result = {
        "schedules": SCHEDULES,
        "layers": SCHEDULES * 3,
        "overrides": SCHEDULES * OVERRIDES_PER_SCHEDULE,
        **measure_lookups(rng),
        **measure_year(),
    }
    text = json.dumps(result, indent=2)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
