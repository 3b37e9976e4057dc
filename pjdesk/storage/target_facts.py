"""What the targets of the plan's remaining records read (pjdesk.indicators.record_targets, unit_targets,
progress_targets), and 表1: the accidents, forest fires, road checks, rewards, exposures and meetings of a
span of dates, the units' flags as they are now, and the year's 目标进展.

A record counts by its own date (发生时间, 日期, 受理/兑现日期), whatever day it was entered; a deleted one
does not count. ``township`` None reads every township's (the county).
"""

from __future__ import annotations

from .database import Store

# Each kind the targets read: its table, the date it counts by, and the columns read.
DATED = {
    "accident": ("occurred", "id, township, occurred AS date, industry, is_production, is_disaster,"
                 " COALESCE(deaths, 0) AS deaths, COALESCE(missing, 0) AS missing, level"),
    "fire": ("date", "id, township, date, COALESCE(forest_ha100, 0) AS forest_ha100,"
             " COALESCE(burned_ha100, 0) AS burned_ha100, level"),
    "road_check": ("date", "id, township, date, COALESCE(riders, 0) AS riders, COALESCE(helmeted, 0) AS helmeted,"
                   " COALESCE(vehicles, 0) AS vehicles, COALESCE(modified, 0) AS modified"),
    "reward": ("received", "id, township, received AS date, paid_on, verified, amount"),
    "exposure": ("date", "id, township, date, batch"),
    "meeting": ("date", "id, township, date, meeting_type"),
}


def dated_between(store: Store, kind: str, *, start: str, end: str, township: str | None = None) -> list[dict]:
    """The live records of ``kind`` (a name of DATED) dated from ``start`` to ``end``, in date order. A reward
    is read when received or paid (兑现日期) in the span."""
    table, (column, columns) = kind, DATED[kind]
    dated = f"{column} BETWEEN :start AND :end"
    if kind == "reward":
        dated = f"({dated} OR paid_on BETWEEN :start AND :end)"
    clauses, params = ["deleted = 0", dated], {"start": start, "end": end}
    if township:
        clauses.append("township = :township")
        params["township"] = township
    return store._rows(f"SELECT {columns} FROM {table} WHERE {' AND '.join(clauses)} ORDER BY {column}, rowid",
                       params)


def kept_since(store: Store, *, township: str | None = None) -> str | None:
    """The date of the earliest live record this station keeps of the dated kinds, hazards and inspections
    (None: none): whether a span of last year was kept here at all, so that nothing recorded then is told
    from nothing kept."""
    dated = {**{kind: column for kind, (column, _) in DATED.items()}, "hazard": "found_date", "inspection": "date"}
    where, params = "deleted = 0", {}
    if township:
        where += " AND township = :township"
        params["township"] = township
    firsts = [store._rows(f"SELECT MIN({column}) AS first FROM {table} WHERE {where}", params)[0]["first"]
              for table, column in dated.items()]
    return min((f for f in firsts if f), default=None)


UNIT_FLAGS = ("is_high_risk", "is_above_scale", "dual_prevention", "yihui_sanka", "new_in_park", "three_simultaneous")


def unit_flags(store: Store, *, township: str | None = None) -> list[dict]:
    """The live units as they are now: ``id``, ``township``, ``name``, ``sector``, ``status`` and the flags
    the targets count (UNIT_FLAGS, 0/1)."""
    where, params = "deleted = 0", {}
    if township:
        where += " AND township = :township"
        params["township"] = township
    flags = ", ".join(f"COALESCE({f}, 0) AS {f}" for f in UNIT_FLAGS)
    return store._rows(f"SELECT id, township, name, sector, status, {flags} FROM unit WHERE {where} ORDER BY rowid",
                       params)


def progress_of_year(store: Store, year: int, *, townships: tuple[str, ...] | None = None) -> list[dict]:
    """The live 目标进展 entries of ``year`` (their 期间 in it) of ``townships`` (None: every one)."""
    where, params = ["deleted = 0", "period LIKE :year"], {"year": f"{year:04d}-%"}
    if townships is not None:
        where.append(f"township IN ({','.join(':t' + str(i) for i in range(len(townships)))})")
        params.update({f"t{i}": code for i, code in enumerate(townships)})
    return store._rows("SELECT id, township, target_id, period, value, numerator, denominator, note, reporter,"
                       f" updated_at FROM progress WHERE {' AND '.join(where)} ORDER BY period, updated_at", params)


def counts_between(store: Store, table: str, column: str, *, start: str, end: str,
                   township: str | None = None) -> dict[str, int]:
    """Township → how many live records of ``table`` are dated (``column``) from ``start`` to ``end``."""
    where, params = [f"deleted = 0 AND {column} BETWEEN :start AND :end"], {"start": start, "end": end}
    if township:
        where.append("township = :township")
        params["township"] = township
    return {r["township"]: r["n"] for r in store._rows(
        f"SELECT township, COUNT(*) AS n FROM {table} WHERE {' AND '.join(where)} GROUP BY township", params)}


BANNED = "取缔"


def units_banned(store: Store, *, after: str, by: str, township: str | None = None) -> list[dict]:
    """The live units whose 经营状态 became 取缔 between the change-log stamps ``after`` and ``by``: 取缔 as
    recorded by ``by`` and not as recorded by ``after`` (a unit entered as 取缔 counts when it was entered)."""
    from .inspection_facts import _statuses_recorded

    where, params = "deleted = 0 AND status = :banned", {"banned": BANNED}
    if township:
        where += " AND township = :township"
        params["township"] = township
    units = store._rows(f"SELECT id, township, name, created_at FROM unit WHERE {where}", params)
    ids = [u["id"] for u in units]
    then, now = _statuses_recorded(store, ids, after), _statuses_recorded(store, ids, by)
    first_logged = _first_stamps(store, ids)
    return [u for u in units if now.get(u["id"]) == BANNED
            and not (then.get(u["id"]) == BANNED and first_logged.get(u["id"], by) < after)]


def _first_stamps(store: Store, ids: list[str]) -> dict[str, str]:
    out = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at:at + 500]
        for record_id, stamp in store.db.conn.execute(
                f"SELECT record_id, MIN(hlc) FROM change_log WHERE record_id IN ({','.join('?' * len(chunk))})"
                " GROUP BY record_id", chunk):
            out[record_id] = stamp
    return out
