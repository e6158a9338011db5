"""The pure scheduling math: handoffs, restrictions, overrides, DST, gaps, versions.

Explicit cases first, then properties over random layers (hypothesis): the list of any period
tiles it with no overlap, and agrees with the point lookup at every boundary.
"""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings

from oncall.rotation import (
    NIGHTS,
    WEEKDAYS,
    WEEKENDS,
    Layer,
    Override,
    Restriction,
    Rotation,
    Unit,
    layer_at,
    layer_segments,
)
from tests.oncall.strategies import instants, layers, periods

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
TICK = timedelta(microseconds=1)
A, B, C = 1, 2, 3


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def daily(*participants: int, zone: ZoneInfo = SEOUL, **fields) -> Layer:
    fields.setdefault("start", date(2025, 1, 6))
    return Layer(zone=zone, rotations=(Rotation(participants=participants, **fields),))


def who(layer: Layer, moment: datetime) -> int | None:
    return layer_at(layer, moment).user_id


def local_spans(layer: Layer, start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple]:
    return [
        (
            s.start.astimezone(zone).strftime("%m-%d %H:%M"),
            s.end.astimezone(zone).strftime("%m-%d %H:%M"),
            s.user_id,
        )
        for s in layer_segments(layer, start, end)
    ]


# --- handoffs -------------------------------------------------------------------------------


def test_daily_handoff_happens_at_the_wall_clock_time():
    layer = daily(A, B)
    assert who(layer, at(SEOUL, 2025, 1, 6, 8, 59)) is None  # before the first shift
    assert who(layer, at(SEOUL, 2025, 1, 6, 9)) == A
    assert who(layer, at(SEOUL, 2025, 1, 7, 8, 59, 59)) == A
    assert who(layer, at(SEOUL, 2025, 1, 7, 9)) == B
    assert who(layer, at(SEOUL, 2025, 1, 8, 9)) == A


def test_lookup_reports_since_and_until():
    answer = layer_at(daily(A, B), at(SEOUL, 2025, 1, 7, 15))
    assert (answer.start, answer.end) == (at(SEOUL, 2025, 1, 7, 9), at(SEOUL, 2025, 1, 8, 9))


@pytest.mark.parametrize(
    ("unit", "count", "moment", "expected"),
    [
        (Unit.WEEKS, 1, (2025, 1, 13, 8), A),
        (Unit.WEEKS, 1, (2025, 1, 13, 9), B),
        (Unit.DAYS, 3, (2025, 1, 9, 8), A),
        (Unit.DAYS, 3, (2025, 1, 9, 9), B),
        (Unit.HOURS, 12, (2025, 1, 6, 20, 59), A),
        (Unit.HOURS, 12, (2025, 1, 6, 21), B),
    ],
)
def test_shift_lengths(unit, count, moment, expected):
    layer = daily(A, B, unit=unit, count=count)
    assert who(layer, at(SEOUL, *moment)) == expected


def test_rotation_ends_at_until():
    layer = daily(A, B, C, until=at(SEOUL, 2025, 1, 9, 9))
    assert who(layer, at(SEOUL, 2025, 1, 9, 8)) == C
    assert who(layer, at(SEOUL, 2025, 1, 9, 9)) is None


# --- restrictions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("restriction", "moment", "on_duty"),
    [
        (WEEKDAYS, (2025, 1, 10, 23), True),  # Friday night
        (WEEKDAYS, (2025, 1, 11, 12), False),  # Saturday
        (WEEKENDS, (2025, 1, 11, 12), True),
        (WEEKENDS, (2025, 1, 13, 0, 30), False),  # Monday just after midnight
        (NIGHTS, (2025, 1, 7, 18), True),
        (NIGHTS, (2025, 1, 8, 8, 59), True),
        (NIGHTS, (2025, 1, 8, 9), False),
        (NIGHTS, (2025, 1, 8, 12), False),
        (Restriction(frozenset({2}), time(10), time(12)), (2025, 1, 8, 11), True),
        (Restriction(frozenset({2}), time(10), time(12)), (2025, 1, 8, 12), False),
    ],
)
def test_restrictions_leave_nobody_outside_their_windows(restriction, moment, on_duty):
    layer = daily(A, B, restriction=restriction)
    assert (who(layer, at(SEOUL, *moment)) is not None) is on_duty


def test_nights_cut_a_daily_shift_and_report_the_next_start():
    layer = daily(A, B, restriction=NIGHTS)
    assert local_spans(layer, at(SEOUL, 2025, 1, 7, 0), at(SEOUL, 2025, 1, 8, 0), SEOUL) == [
        ("01-07 00:00", "01-07 09:00", A),
        ("01-07 09:00", "01-07 18:00", None),
        ("01-07 18:00", "01-08 00:00", B),
    ]
    gap = layer_at(layer, at(SEOUL, 2025, 1, 7, 12))
    assert (gap.user_id, gap.start, gap.end) == (
        None,
        at(SEOUL, 2025, 1, 7, 9),
        at(SEOUL, 2025, 1, 7, 18),
    )


# --- overrides ------------------------------------------------------------------------------


def test_override_inside_a_shift_splits_it():
    override = Override(1, C, at(SEOUL, 2025, 1, 6, 12), at(SEOUL, 2025, 1, 6, 15))
    layer = Layer(zone=SEOUL, rotations=daily(A, B).rotations, overrides=(override,))
    assert local_spans(layer, at(SEOUL, 2025, 1, 6, 9), at(SEOUL, 2025, 1, 7, 9), SEOUL) == [
        ("01-06 09:00", "01-06 12:00", A),
        ("01-06 12:00", "01-06 15:00", C),
        ("01-06 15:00", "01-07 09:00", A),
    ]
    after = layer_at(layer, at(SEOUL, 2025, 1, 6, 16))
    assert (after.user_id, after.start, after.end) == (A, override.end, at(SEOUL, 2025, 1, 7, 9))


def test_override_across_a_handoff_covers_both_shifts():
    override = Override(1, C, at(SEOUL, 2025, 1, 6, 20), at(SEOUL, 2025, 1, 7, 11))
    layer = Layer(zone=SEOUL, rotations=daily(A, B).rotations, overrides=(override,))
    assert who(layer, at(SEOUL, 2025, 1, 7, 9)) == C
    answer = layer_at(layer, at(SEOUL, 2025, 1, 7, 10))
    assert (answer.user_id, answer.override_id, answer.end) == (C, 1, override.end)
    assert who(layer, at(SEOUL, 2025, 1, 7, 11)) == B


def test_the_newest_override_wins_where_they_overlap():
    older = Override(1, B, at(SEOUL, 2025, 1, 6, 10), at(SEOUL, 2025, 1, 6, 20))
    newer = Override(2, C, at(SEOUL, 2025, 1, 6, 12), at(SEOUL, 2025, 1, 6, 14))
    layer = Layer(zone=SEOUL, rotations=daily(A).rotations, overrides=(newer, older))
    assert [
        s.user_id
        for s in layer_segments(layer, at(SEOUL, 2025, 1, 6, 9), at(SEOUL, 2025, 1, 6, 21))
    ] == [
        A,
        B,
        C,
        B,
        A,
    ]
    answer = layer_at(layer, at(SEOUL, 2025, 1, 6, 15))
    assert (answer.user_id, answer.start, answer.end) == (B, newer.end, older.end)


def test_an_override_fills_a_gap():
    override = Override(1, C, at(SEOUL, 2025, 1, 7, 12), at(SEOUL, 2025, 1, 7, 14))
    layer = Layer(
        zone=SEOUL, rotations=daily(A, restriction=NIGHTS).rotations, overrides=(override,)
    )
    assert who(layer, at(SEOUL, 2025, 1, 7, 13)) == C
    gap = layer_at(layer, at(SEOUL, 2025, 1, 7, 15))
    assert (gap.user_id, gap.start, gap.end) == (None, override.end, at(SEOUL, 2025, 1, 7, 18))


# --- DST in zones other than Korea ---------------------------------------------------------


def test_daily_shift_across_spring_forward_is_23_hours():
    layer = daily(A, B, zone=NEW_YORK, start=date(2025, 3, 8))
    segments = layer_segments(layer, at(NEW_YORK, 2025, 3, 8, 9), at(NEW_YORK, 2025, 3, 10, 9))
    assert [s.end - s.start for s in segments] == [timedelta(hours=23), timedelta(hours=24)]
    assert [s.start.astimezone(NEW_YORK).hour for s in segments] == [9, 9]


def test_daily_shift_across_fall_back_is_25_hours():
    layer = daily(A, B, zone=BERLIN, start=date(2025, 10, 25))
    segment = layer_segments(layer, at(BERLIN, 2025, 10, 25, 9), at(BERLIN, 2025, 10, 26, 9))[0]
    assert segment.end - segment.start == timedelta(hours=25)
    assert who(layer, at(BERLIN, 2025, 10, 26, 8, 59)) == A
    assert who(layer, at(BERLIN, 2025, 10, 26, 9)) == B


def test_handoff_in_the_spring_forward_gap_happens_an_hour_later():
    layer = daily(A, B, zone=NEW_YORK, start=date(2025, 3, 8), handoff=time(2, 30))
    assert who(layer, datetime(2025, 3, 9, 7, 29, tzinfo=UTC)) == A  # 03:29 EDT
    assert who(layer, datetime(2025, 3, 9, 7, 30, tzinfo=UTC)) == B  # 03:30 EDT


def test_nights_follow_the_wall_clock_across_dst():
    layer = daily(A, zone=NEW_YORK, start=date(2025, 3, 7), restriction=NIGHTS)
    spans = local_spans(
        layer, at(NEW_YORK, 2025, 3, 8, 12), at(NEW_YORK, 2025, 3, 10, 12), NEW_YORK
    )
    assert [span for span in spans if span[2] == A] == [
        ("03-08 18:00", "03-09 09:00", A),
        ("03-09 18:00", "03-10 09:00", A),
    ]


# --- empty layers and gaps -----------------------------------------------------------------


@pytest.mark.parametrize(
    "layer", [Layer(zone=SEOUL), daily()], ids=["no rotation", "no participants"]
)
def test_an_empty_layer_has_nobody_all_the_time(layer):
    moment = at(SEOUL, 2025, 1, 7, 12)
    answer = layer_at(layer, moment)
    assert (answer.user_id, answer.start, answer.end) == (None, None, None)
    segments = layer_segments(layer, moment, moment + timedelta(days=3))
    assert [(s.user_id, s.end - s.start) for s in segments] == [(None, timedelta(days=3))]


def test_nobody_before_the_first_shift_until_it_starts():
    answer = layer_at(daily(A), at(SEOUL, 2025, 1, 1))
    assert answer.user_id is None
    assert answer.end == at(SEOUL, 2025, 1, 6, 9)


# --- versions: a change never rewrites the past ---------------------------------------------


def test_a_new_version_changes_only_what_follows_it():
    first = Rotation(participants=(A, B), start=date(2025, 1, 6))
    second = Rotation(
        participants=(C, B), start=date(2025, 1, 6), effective_from=at(SEOUL, 2025, 1, 10, 9)
    )
    layer = Layer(zone=SEOUL, rotations=(first, second))
    assert who(layer, at(SEOUL, 2025, 1, 8, 12)) == A  # before: as it was
    assert who(layer, at(SEOUL, 2025, 1, 10, 12)) == C  # shift 4 is the first participant's


def test_seed_000_holiday_rota():
    layer = daily(A, B, C, start=date(2024, 12, 26), until=at(SEOUL, 2025, 1, 1, 9))
    spans = local_spans(layer, at(SEOUL, 2024, 12, 26, 9), at(SEOUL, 2025, 1, 1, 9), SEOUL)
    assert [span[2] for span in spans] == [A, B, C, A, B, C]
    assert spans[-1] == ("12-31 09:00", "01-01 09:00", C)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(layer=layers(), period=periods())
def test_segments_tile_any_period_without_overlap(layer, period):
    start, end = period
    segments = layer_segments(layer, start, end)
    assert segments[0].start == start
    assert segments[-1].end == end
    assert all(before.end == after.start for before, after in itertools.pairwise(segments))
    assert all(s.start < s.end for s in segments)


@settings(max_examples=300, deadline=None)
@given(layer=layers(), period=periods())
def test_lookup_agrees_with_the_list_at_every_boundary(layer, period):
    start, end = period
    for segment in layer_segments(layer, start, end):
        for moment in (segment.start, segment.end - TICK):
            found = layer_at(layer, moment)
            assert (found.user_id, found.override_id) == (segment.user_id, segment.override_id)
            assert max(found.start or start, start) == segment.start
            assert min(found.end or end, end) == segment.end


@settings(max_examples=200, deadline=None)
@given(layer=layers(), moment=instants)
def test_lookup_holds_its_instant(layer, moment):
    found = layer_at(layer, moment)
    assert found.start is None or found.start <= moment
    assert found.end is None or found.end > moment


@settings(max_examples=200, deadline=None)
@given(layer=layers(), period=periods())
def test_leaving_gaps_out_changes_nothing_else(layer, period):
    start, end = period
    with_gaps = layer_segments(layer, start, end)
    assert layer_segments(layer, start, end, gaps=False) == [s for s in with_gaps if not s.is_gap]
