"""The reminders (待办) of the registered sources (pjdesk.core.reminders), as of a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pjdesk.core.reminders import COLUMNS, ReminderSource

from .database import Store


def due_reminders(store: Store, sources: Iterable[ReminderSource], *, today: dt.date,
                  township: str | None = None) -> list[dict]:
    """Every reminder of ``sources`` on ``today`` (of ``township``, or all), the earliest due first, then by
    unit and person: ``source``, ``kind`` and the columns of COLUMNS, with ``unit`` and ``person``, the names
    of the unit and person (None without one)."""
    found = []
    for source in sources:
        params, own = _window(source, today, township)
        columns = ", ".join(f"r.{c}" for c in COLUMNS)
        rows = store._rows(
            f"SELECT {columns}, u.name AS unit, p.name AS person FROM ({source.sql}) r"
            " LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN person p ON p.id = r.person_id"
            f" {own}", params)
        found += [{"source": source.name, "kind": source.kind, **row} for row in rows]
    found.sort(key=lambda r: (r["due"] or "", r["unit"] or "", r["person"] or "", r["record"]))
    return found


def count_reminders(store: Store, sources: Iterable[ReminderSource], *, today: dt.date,
                    township: str | None = None) -> int:
    """How many reminders ``due_reminders`` would list, counted in SQL (for the 工作台's card)."""
    total = 0
    for source in sources:
        params, own = _window(source, today, township)
        total += store.db.conn.execute(f"SELECT COUNT(*) FROM ({source.sql}) r {own}", params).fetchone()[0]
    return total


def _window(source: ReminderSource, today: dt.date, township: str | None) -> tuple[dict, str]:
    """A source's parameters for ``today`` and the clause that keeps one township's reminders (if given)."""
    params = source.window(today)
    if not township:
        return params, ""
    return {**params, "township": township}, "WHERE r.township = :township"
