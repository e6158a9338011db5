"""Hypothesis strategies for random layers: rotations, restrictions, overrides, zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from oncall.rotation import Layer, Override, Restriction, Rotation, Unit

ZONES = ["Asia/Seoul", "America/New_York", "Europe/Berlin", "Australia/Sydney", "UTC"]
BASE = datetime(2025, 3, 1, tzinfo=UTC)  # a month with DST changes in the zones above

instants = st.integers(min_value=-20 * 24 * 60, max_value=60 * 24 * 60).map(
    lambda minutes: BASE + timedelta(minutes=minutes)
)
restrictions = st.one_of(
    st.none(),
    st.builds(
        Restriction,
        days=st.frozensets(st.integers(0, 6), min_size=1),
        start=st.sampled_from([time(0), time(9), time(18), time(2, 30)]),
        end=st.sampled_from([time(0), time(9), time(18), time(3)]),
    ),
)


@st.composite
def rotations(draw: st.DrawFn) -> Rotation:
    unit = draw(st.sampled_from(list(Unit)))
    count = draw(st.integers(1, 3 if unit != Unit.HOURS else 12))
    return Rotation(
        participants=tuple(draw(st.lists(st.integers(1, 5), min_size=0, max_size=4))),
        start=date(2025, 3, 1) + timedelta(days=draw(st.integers(-10, 20))),
        handoff=draw(st.sampled_from([time(0), time(9), time(2, 30), time(18, 15)])),
        unit=unit,
        count=count,
        effective_from=draw(st.one_of(st.none(), instants)),
        until=draw(st.one_of(st.none(), instants)),
        restriction=draw(restrictions),
        zone=draw(st.one_of(st.none(), st.sampled_from(ZONES).map(ZoneInfo))),
    )


@st.composite
def overrides(draw: st.DrawFn) -> tuple[Override, ...]:
    found = []
    for index in range(draw(st.integers(0, 4))):
        start = draw(instants)
        length = timedelta(minutes=draw(st.integers(1, 4 * 24 * 60)))
        found.append(Override(index + 1, draw(st.integers(1, 9)), start, start + length))
    return tuple(found)


@st.composite
def layers(draw: st.DrawFn) -> Layer:
    return Layer(
        zone=ZoneInfo(draw(st.sampled_from(ZONES))),
        rotations=tuple(draw(st.lists(rotations(), min_size=0, max_size=3))),
        overrides=draw(overrides()),
    )


@st.composite
def periods(draw: st.DrawFn) -> tuple[datetime, datetime]:
    start = draw(instants)
    return start, start + timedelta(minutes=draw(st.integers(1, 20 * 24 * 60)))
