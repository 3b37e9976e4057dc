"""Time: the one wall clock of a session, and the hybrid logical clock (HLC) that stamps changes.

``Clock`` is the only place pjdesk reads the wall clock. A session holds one and passes it down; everything
that asks "now" or "today" (deadlines, overdue, report dates, file names, backup names, HLC stamps) asks it.
Tests give it a fixed day, so that no test depends on the day it runs.

An HLC stamp is wall-clock milliseconds + counter + device. Stamps are fixed-width text (``0001767225600000.0000.a1b2c3d4e5``) so they order correctly as strings, in
SQL and in Python alike. They never run backwards, even when the PC's clock is set back, and ties between
devices are broken by the device id.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

MAX_COUNTER = 9999  # the stamp's counter field is four digits wide


def format_stamp(ms: int, counter: int, device: str) -> str:
    return f"{ms:016d}.{counter:04d}.{device}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    ms, counter, device = stamp.split(".", 2)
    return int(ms), int(counter), device


class Clock:
    """The wall clock, as local time. ``Clock(today=f)`` keeps the time of day but takes the day from ``f``:
    a station whose day is fixed (a test, a demo of a given month) still has an advancing clock."""

    def __init__(self, today: Callable[[], dt.date] | None = None):
        self._today = today

    def now(self) -> dt.datetime:
        real = dt.datetime.now()
        return real if self._today is None else dt.datetime.combine(self._today(), real.time())

    def today(self) -> dt.date:
        return self._today() if self._today is not None else dt.date.today()

    def time(self) -> float:
        """Seconds since the epoch, as the HLC counts them."""
        return self.now().timestamp()

    def stamp(self, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
        return self.now().strftime(fmt)


SYSTEM_CLOCK = Clock()


class HybridClock:
    def __init__(self, device: str, wall: Callable[[], float] = SYSTEM_CLOCK.time, last: str | None = None):
        self.device = device
        self._wall = wall
        self._lock = threading.Lock()
        self._ms, self._counter = (0, 0)
        if last:
            self.observe(last)

    def now(self) -> str:
        with self._lock:
            wall_ms = int(self._wall() * 1000)
            if wall_ms > self._ms:
                self._ms, self._counter = wall_ms, 0
            else:
                self._counter += 1
            if self._counter > MAX_COUNTER:
                # The counter is four digits so that stamps order as text; rather than widen it, borrow the
                # next millisecond (the wall clock catches up, as after a clock set back or a stamp observed
                # from a device whose clock runs ahead).
                self._ms, self._counter = self._ms + 1, 0
            return format_stamp(self._ms, self._counter, self.device)

    def observe(self, stamp: str) -> None:
        """Move past a stamp seen from elsewhere (an imported change, or the last one in this file)."""
        ms, counter, _ = parse_stamp(stamp)
        with self._lock:
            if (ms, counter) > (self._ms, self._counter):
                self._ms, self._counter = ms, counter
