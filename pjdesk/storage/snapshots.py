"""Queries of the frozen returns (return_snapshot)."""

from __future__ import annotations

from .database import Store


def frozen_returns(store: Store, township: str) -> list[dict]:
    """The frozen returns of a station, newest period first."""
    return store._rows(
        "SELECT id, form, period, title, preparer, reviewer, filled_date, created_at, note FROM return_snapshot"
        " WHERE deleted = 0 AND township = ? ORDER BY period DESC, created_at DESC", [township])
