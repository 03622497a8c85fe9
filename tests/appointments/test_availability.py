"""The slot arithmetic on plain data (no database): DST, exceptions, buffers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointments.availability import (
    Busy,
    DateException,
    SlotSpec,
    WeeklyRule,
    expand_windows,
    free_slots,
)

BERLIN = ZoneInfo("Europe/Berlin")
ALL = frozenset({"in_person", "phone", "video"})


def rule(weekday, start=time(8), end=time(12), counsellor=1, location=7, channels=ALL, **kw):
    return WeeklyRule(counsellor, weekday, start, end, "Europe/Berlin", location, channels, **kw)


def spec(minutes=60, channels=ALL, buffer_before=0, buffer_after=0, **kw):
    duration = timedelta(minutes=minutes)
    return SlotSpec(
        duration=duration,
        step=duration + timedelta(minutes=buffer_before + buffer_after),
        buffer_before=timedelta(minutes=buffer_before),
        buffer_after=timedelta(minutes=buffer_after),
        channels=channels,
        **kw,
    )


def local_starts(slots, channel="phone"):
    return [s.start.astimezone(BERLIN) for s in slots if s.channel == channel]


# The Berlin DST Sundays: last Sunday of March (02:00 -> 03:00) and of October (03:00 -> 02:00).
DST_SUNDAYS = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]


@pytest.mark.parametrize("sunday", DST_SUNDAYS, ids=str)
def test_it_keeps_08_00_local_on_both_sides_of_each_dst_change(sunday):
    rules = [rule(weekday) for weekday in range(7)]
    windows = expand_windows(rules, [], sunday - timedelta(days=1), sunday + timedelta(days=1))
    slots = free_slots(windows, [], spec())
    starts = local_starts(slots)
    firsts = {s.date(): s for s in starts if s.hour == 8}
    assert sorted(firsts) == [sunday - timedelta(days=1), sunday, sunday + timedelta(days=1)]
    assert all((s.hour, s.minute) == (8, 0) for s in firsts.values())
    # Four one-hour slots 08:00-12:00 local every day, whatever the offset.
    assert [s.strftime("%H:%M") for s in starts if s.date() == sunday] == ["08:00", "09:00", "10:00", "11:00"]
    offsets = {s.date(): s.utcoffset() for s in firsts.values()}
    assert offsets[sunday - timedelta(days=1)] != offsets[sunday + timedelta(days=1)]
    assert offsets[sunday] == offsets[sunday + timedelta(days=1)]


@pytest.mark.parametrize("sunday", [d for d in DST_SUNDAYS if d.month == 3], ids=str)
def test_it_gives_no_slot_in_the_nonexistent_spring_hour(sunday):
    windows = expand_windows([rule(6, time(0), time(5))], [], sunday, sunday)
    starts = local_starts(free_slots(windows, [], spec()))
    # 00:00-05:00 local is only four real hours that night.
    assert [s.strftime("%H:%M%z") for s in starts] == ["00:00+0100", "01:00+0100", "03:00+0200", "04:00+0200"]
    assert not any(s.hour == 2 for s in starts)


@pytest.mark.parametrize("sunday", [d for d in DST_SUNDAYS if d.month == 10], ids=str)
def test_it_gives_no_duplicate_in_the_repeated_autumn_hour(sunday):
    windows = expand_windows([rule(6, time(0), time(5))], [], sunday, sunday)
    slots = [s for s in free_slots(windows, [], spec()) if s.channel == "phone"]
    instants = [s.start for s in slots]
    assert len(instants) == len(set(instants)) == 6  # 00:00-05:00 local is six real hours
    local = [s.astimezone(BERLIN).strftime("%H:%M%z") for s in instants]
    assert local == ["00:00+0200", "01:00+0200", "02:00+0200", "02:00+0100", "03:00+0100", "04:00+0100"]


def test_it_cuts_out_a_whole_day_absence_and_adds_extra_hours():
    monday = date(2027, 3, 22)
    rules = [rule(0), rule(1)]
    exceptions = [
        DateException(1, "absence", monday, None, None, "Europe/Berlin"),
        DateException(1, "extra", monday + timedelta(days=1), time(14), time(16), "Europe/Berlin", 7, ALL),
    ]
    windows = expand_windows(rules, exceptions, monday, monday + timedelta(days=1))
    starts = local_starts(free_slots(windows, [], spec()))
    assert [s.strftime("%a %H:%M") for s in starts] == [
        "Tue 08:00",
        "Tue 09:00",
        "Tue 10:00",
        "Tue 11:00",
        "Tue 14:00",
        "Tue 15:00",
    ]


def test_it_cuts_out_an_absence_of_some_hours():
    day = date(2027, 3, 23)
    windows = expand_windows(
        [rule(1)], [DateException(1, "absence", day, time(9), time(10, 30), "Europe/Berlin")], day, day
    )
    starts = local_starts(free_slots(windows, [], spec(minutes=30)))
    assert [s.strftime("%H:%M") for s in starts] == ["08:00", "08:30", "10:30", "11:00", "11:30"]


def test_it_respects_validity_dates_of_a_rule():
    day = date(2027, 3, 23)
    rules = [rule(1, valid_until=day - timedelta(days=1)), rule(1, time(13), time(14), valid_from=day)]
    starts = local_starts(free_slots(expand_windows(rules, [], day, day), [], spec()))
    assert [s.strftime("%H:%M") for s in starts] == ["13:00"]


def test_it_keeps_buffers_to_existing_bookings_and_allows_back_to_back():
    day = date(2027, 3, 23)
    windows = expand_windows([rule(1)], [], day, day)
    booked_start = datetime(2027, 3, 23, 9, tzinfo=BERLIN).astimezone(UTC)
    busy = [Busy(1, booked_start, booked_start + timedelta(hours=1))]
    # Without buffers: 08:00 ends exactly when the booking starts ([) bounds) and stays free.
    assert [s.strftime("%H:%M") for s in local_starts(free_slots(windows, busy, spec()))] == ["08:00", "10:00", "11:00"]
    # Slots step by 75 minutes (08:00, 09:15, 10:30) with a 15-minute buffer.
    # Before: 08:00 blocks 07:45-09:00 and stays free; 09:15 blocks 09:00-10:15 and is taken.
    with_buffer = free_slots(windows, busy, spec(buffer_before=15))
    assert [s.strftime("%H:%M") for s in local_starts(with_buffer)] == ["08:00", "10:30"]
    # After: 08:00 blocks 08:00-09:15, into the booking.
    with_buffer = free_slots(windows, busy, spec(buffer_after=15))
    assert [s.strftime("%H:%M") for s in local_starts(with_buffer)] == ["10:30"]


def test_it_offers_in_person_only_where_the_rule_has_a_location():
    day = date(2027, 3, 23)
    windows = expand_windows([rule(1, location=None)], [], day, day)
    channels = {s.channel for s in free_slots(windows, [], spec())}
    assert channels == {"phone", "video"}
    located = free_slots(expand_windows([rule(1)], [], day, day), [], spec(), location=7)
    assert {(s.channel, s.location) for s in located} == {("in_person", 7)}


def test_it_respects_notice_and_horizon():
    day = date(2027, 3, 23)
    windows = expand_windows([rule(1)], [], day, day)
    not_before = datetime(2027, 3, 23, 9, tzinfo=BERLIN)
    not_after = datetime(2027, 3, 23, 10, tzinfo=BERLIN)
    starts = local_starts(free_slots(windows, [], spec(not_before=not_before, not_after=not_after)))
    assert [s.strftime("%H:%M") for s in starts] == ["09:00", "10:00"]


def test_it_does_not_duplicate_slots_of_overlapping_rules():
    day = date(2027, 3, 23)
    windows = expand_windows([rule(1), rule(1, time(8), time(10))], [], day, day)
    slots = free_slots(windows, [], spec(), channel="phone")
    assert len(slots) == len({(s.start, s.counsellor) for s in slots}) == 4
