"""What 表5, 表8, 表9 and the targets read of the accidents, forest fires and road checks: the live records of a
date range, each with its unit's name; ``township`` keeps one township's (None: every township held).

The figures themselves are defined in pjdesk.core.plan_records; these only gather the rows.
"""

from __future__ import annotations

from .database import Store

# table → (its date column, the columns read)
_READ = {
    "accident": ("occurred", "a.id, a.township, a.occurred, a.occurred_time, a.unit_id, a.party_name, a.industry,"
                             " a.place, a.category, a.is_production, a.is_disaster, a.deaths, a.missing, a.serious,"
                             " a.minor, a.loss, a.summary, a.cause, a.level"),
    "fire": ("date", "a.id, a.township, a.date, a.village, a.burned_ha100, a.forest_ha100, a.cause, a.deaths,"
                     " a.serious, a.level"),
    "road_check": ("date", "a.id, a.township, a.date, a.place, a.riders, a.helmeted, a.vehicles, a.modified"),
}


def between(store: Store, table: str, *, start: str, end: str, township: str | None = None) -> list[dict]:
    """The live records of ``table`` (accident, fire, road_check) dated from ``start`` to ``end``, oldest first;
    an accident with ``unit_name``."""
    day, columns = _READ[table]
    unit = table == "accident"
    clauses = ["a.deleted = 0", f"a.{day} BETWEEN :start AND :end"]
    params = {"start": start, "end": end}
    if township:
        clauses.append("a.township = :township")
        params["township"] = township
    join = " LEFT JOIN unit u ON u.id = a.unit_id" if unit else ""
    extra = ", u.name AS unit_name" if unit else ""
    return store._rows(f"SELECT {columns}{extra} FROM {table} a{join} WHERE {' AND '.join(clauses)}"
                       f" ORDER BY a.{day}, a.rowid", params)
