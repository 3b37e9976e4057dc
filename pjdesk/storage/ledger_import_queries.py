"""What a spreadsheet import reads before it writes: the township's units, read once per import, so that
matching 10,000 rows costs one query, not 10,000. (The records a row may equal or link to: storage.record_io.)
"""

from __future__ import annotations

from .database import Store


def township_units(store: Store, township: str) -> list[dict]:
    """Live units of a township, oldest first: when two share a name, the first registered is the match."""
    return store._rows("SELECT id, name, uscc, sector FROM unit WHERE township = ? AND deleted = 0 ORDER BY rowid",
                       [township])
