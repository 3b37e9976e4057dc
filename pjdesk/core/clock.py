"""Hybrid logical clock: wall-clock milliseconds + counter + device.

Stamps are fixed-width text (``0001767225600000.0000.a1b2c3d4e5``) so they order correctly as strings, in
SQL and in Python alike. They never run backwards, even when the PC's clock is set back, and ties between
devices are broken by the device id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_COUNTER = 9999  # the stamp's counter field is four digits wide


def format_stamp(ms: int, counter: int, device: str) -> str:
    return f"{ms:016d}.{counter:04d}.{device}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    ms, counter, device = stamp.split(".", 2)
    return int(ms), int(counter), device


class HybridClock:
    def __init__(self, device: str, wall: Callable[[], float] = time.time, last: str | None = None):
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
