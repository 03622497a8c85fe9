"""Slot arithmetic on plain data: no database, no Django models.

1. Weekly rules and exceptions are wall times with a zone. Each is expanded
   per local date with ``zoneinfo`` (``wall_to_utc``), so 08:00 stays 08:00
   local on both sides of a DST change; one UTC offset is never reused.
2. Absences are cut out of the windows; extra hours are added.
3. Slots step through each window in real (UTC) time, so a window that spans
   the nonexistent spring hour simply has an hour less and one that spans the
   repeated autumn hour an hour more; no instant is produced twice.
4. A slot is free when its buffer-padded range does not overlap the padded
   range of an occupying appointment of the same counsellor (``[)`` bounds,
   exactly what the PostgreSQL exclusion constraint enforces).

A wall time that does not exist (02:30 on the last Sunday of March) is read
with the offset before the change (``fold=0``), i.e. it moves forward by an
hour; an ambiguous one (02:30 on the last Sunday of October) is its first
occurrence.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

IN_PERSON = "in_person"
ALL_CHANNELS = frozenset({IN_PERSON, "phone", "video"})


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def wall_to_utc(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def local_day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The instants at which local ``day`` starts and ends (23, 24 or 25 hours apart)."""
    return wall_to_utc(day, time(0), tz), wall_to_utc(day + timedelta(days=1), time(0), tz)


@dataclass(frozen=True)
class WeeklyRule:
    counsellor: int
    weekday: int  # Monday = 0
    start: time
    end: time
    tz: str
    location: int | None
    channels: frozenset[str]
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class DateException:
    counsellor: int
    kind: str  # "absence" or "extra"
    day: date
    start: time | None  # None with end None: the whole day
    end: time | None
    tz: str
    location: int | None = None
    channels: frozenset[str] = frozenset()

    def bounds(self) -> tuple[datetime, datetime]:
        if self.start is None or self.end is None:
            return local_day_bounds(self.day, self.tz)
        return wall_to_utc(self.day, self.start, self.tz), wall_to_utc(self.day, self.end, self.tz)


@dataclass(frozen=True)
class Window:
    counsellor: int
    start: datetime
    end: datetime
    location: int | None
    channels: frozenset[str]
    day: date | None = None  # the local date it was expanded for (its rule's or exception's zone)


@dataclass(frozen=True)
class Busy:
    """Time an existing appointment blocks (already buffer-padded)."""

    counsellor: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SlotSpec:
    duration: timedelta
    step: timedelta
    buffer_before: timedelta
    buffer_after: timedelta
    channels: frozenset[str]
    not_before: datetime | None = None  # now + minimum notice
    not_after: datetime | None = None  # now + booking horizon


class Slot(NamedTuple):
    """Ordered by start, then counsellor and channel. A tuple, because a month of
    50 counsellors is 10,000 of them: tuples hash and compare in C."""

    start: datetime
    counsellor: int
    channel: str
    end: datetime
    location: int | None


def days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _subtract(window: Window, cuts: Sequence[tuple[datetime, datetime]]) -> list[Window]:
    pieces = [window]
    for cut_start, cut_end in cuts:
        next_pieces = []
        for piece in pieces:
            if cut_end <= piece.start or cut_start >= piece.end:
                next_pieces.append(piece)
                continue
            if piece.start < cut_start:
                next_pieces.append(replace(piece, end=cut_start))
            if cut_end < piece.end:
                next_pieces.append(replace(piece, start=cut_end))
        pieces = next_pieces
    return pieces


def expand_windows(
    rules: Iterable[WeeklyRule], exceptions: Iterable[DateException], first: date, last: date
) -> list[Window]:
    """Working windows (UTC) of every counsellor on the local dates ``first``..``last``."""
    rules_by_weekday: dict[int, list[WeeklyRule]] = defaultdict(list)
    for rule in rules:
        rules_by_weekday[rule.weekday].append(rule)
    absences: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    windows: list[Window] = []
    for exception in exceptions:
        if not first <= exception.day <= last:
            continue
        start, end = exception.bounds()
        if end <= start:
            continue
        if exception.kind == "absence":
            absences[exception.counsellor].append((start, end))
        else:
            windows.append(
                Window(exception.counsellor, start, end, exception.location, exception.channels, exception.day)
            )
    for day in days(first, last):
        for rule in rules_by_weekday.get(day.weekday(), ()):
            if not rule.applies_on(day):
                continue
            start, end = wall_to_utc(day, rule.start, rule.tz), wall_to_utc(day, rule.end, rule.tz)
            if end > start:
                windows.append(Window(rule.counsellor, start, end, rule.location, rule.channels, day))
    result: list[Window] = []
    for window in windows:
        result.extend(_subtract(window, absences.get(window.counsellor, ())))
    return result


class BusyIndex:
    """Per counsellor, the busy ranges sorted by start, for overlap checks in O(log n)."""

    def __init__(self, busy: Iterable[Busy]) -> None:
        by_counsellor: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        for item in busy:
            by_counsellor[item.counsellor].append((item.start, item.end))
        self._ranges = {c: sorted(r) for c, r in by_counsellor.items()}
        self._starts = {c: [s for s, _ in r] for c, r in self._ranges.items()}
        # The longest busy range bounds how far back an overlapping one can start.
        self._longest = {c: max((e - s for s, e in r), default=timedelta(0)) for c, r in self._ranges.items()}

    def overlaps(self, counsellor: int, start: datetime, end: datetime) -> bool:
        ranges = self._ranges.get(counsellor)
        if not ranges:
            return False
        starts = self._starts[counsellor]
        low = bisect.bisect_left(starts, start - self._longest[counsellor])
        high = bisect.bisect_left(starts, end)
        return any(s < end and start < e for s, e in ranges[low:high])


def window_slots(
    window: Window,
    index: BusyIndex,
    spec: SlotSpec,
    *,
    channel: str | None = None,
    location: int | None = None,
) -> Iterator[Slot]:
    """The free slots of one window, one per channel, in time order.

    In-person slots carry the window's location (and need one); phone and
    video slots carry none. ``location`` keeps only in-person slots there.
    """
    channels = window.channels & spec.channels
    if channel is not None:
        channels &= {channel}
    if window.location is None:
        channels -= {IN_PERSON}
    if location is not None:
        channels &= {IN_PERSON} if window.location == location else set()
    if not channels:
        return
    with_location = [(c, window.location if c == IN_PERSON else None) for c in sorted(channels)]
    counsellor, duration, step = window.counsellor, spec.duration, spec.step
    before, after = spec.buffer_before, spec.buffer_after
    start = window.start
    if spec.not_before is not None and start < spec.not_before:
        # Skip whole steps, so the slots stay on the window's grid.
        start += -((window.start - spec.not_before) // step) * step
    last = window.end - duration
    if spec.not_after is not None and spec.not_after < last:
        last = spec.not_after
    while start <= last:
        end = start + duration
        if not index.overlaps(counsellor, start - before, end + after):
            for slot_channel, slot_location in with_location:
                yield Slot(start, counsellor, slot_channel, end, slot_location)
        start += step


def free_slots(
    windows: Iterable[Window],
    busy: Iterable[Busy],
    spec: SlotSpec,
    *,
    channel: str | None = None,
    location: int | None = None,
) -> list[Slot]:
    """Every free slot in ``windows``, one per channel, sorted by start
    (overlapping windows of one counsellor give each slot once)."""
    index = BusyIndex(busy)
    found: set[Slot] = set()
    for window in windows:
        found.update(window_slots(window, index, spec, channel=channel, location=location))
    return sorted(found)


def free_slots_by_day(
    windows: Iterable[Window], busy: Iterable[Busy], spec: SlotSpec
) -> dict[tuple[int, date | None], list[Slot]]:
    """``free_slots`` grouped by counsellor and the local date of their window:
    what ``appointments.slot_cache`` keeps."""
    index = BusyIndex(busy)
    found: dict[tuple[int, date | None], set[Slot]] = defaultdict(set)
    for window in windows:
        found[(window.counsellor, window.day)].update(window_slots(window, index, spec))
    return {key: sorted(slots) for key, slots in found.items()}
