"""Record ids: UUIDv7 (RFC 9562) text, time-ordered so that new rows append to the primary-key index."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

_lock = threading.Lock()
_last_ms = 0
_counter = 0
# Where new ids come from inside ``ids_from``: per thread (a context variable), so that work running beside it
# on another thread keeps making its own.
_source: ContextVar[Callable[[], str] | None] = ContextVar("pjdesk_id_source", default=None)


@contextlib.contextmanager
def ids_from(source: Callable[[], str]) -> Iterator[None]:
    """Within the block, on this thread, ``new_id()`` returns ``source()``: the demo data, written through the
    services like any entry, gets the same ids from the same seed."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def new_id() -> str:
    """A UUIDv7 string; ids made in one process are strictly increasing (12-bit counter within a millisecond)."""
    global _last_ms, _counter
    source = _source.get()
    if source is not None:
        return source()
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                _last_ms += 1
                _counter = 0
            ms = _last_ms
        else:
            _last_ms = ms
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count up
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | _counter << 64 | 0b10 << 62 | rand_b
    # The canonical text (as uuid.UUID gives it), written here: the uuid module costs the start-up 2 ms.
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_device_id() -> str:
    """A short random device id: it ends every HLC stamp and change-log id, so keep it small."""
    return os.urandom(5).hex()
