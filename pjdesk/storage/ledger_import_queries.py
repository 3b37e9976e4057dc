"""What the Excel ledger import reads before it writes: the township's units and the hazards it already has.

Both are read once per import, so that matching 10,000 rows costs two queries, not 10,000.
"""

from __future__ import annotations

from .database import Store


def township_units(store: Store, township: str) -> list[dict]:
    """Live units of a township, oldest first: when two share a name, the first registered is the match."""
    return store._rows("SELECT id, name, uscc, sector FROM unit WHERE township = ? AND deleted = 0 ORDER BY rowid",
                       [township])


def hazard_keys(store: Store, township: str, found_from: str, found_to: str) -> dict[tuple[str, str, str], str]:
    """(unit id, found date, description) → hazard number of the live hazards found in a date range.

    The import uses it to skip rows already in the ledger, so that importing the same file twice does not
    double the ledger.
    """
    rows = store.db.execute(
        "SELECT unit_id, found_date, description, hazard_no FROM hazard"
        " WHERE township = ? AND deleted = 0 AND found_date BETWEEN ? AND ?",
        [township, found_from, found_to]).fetchall()
    return {(unit_id, found, description): number for unit_id, found, description, number in rows}
