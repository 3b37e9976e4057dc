"""The inspections, enforcement documents and high-risk units of a period, for 表4 and the targets T05, T25, T26.

As with the hazards of pjdesk.storage.period_facts, a record counts by its own date (检查日期, the document's
日期), whatever day it was entered, and a record deleted since does not count. A unit's 经营状态 carries no
date of its own, so its status at a period's end is the one last recorded before the period ended (by the
stamps of the change log, which sync carries unchanged from the device that made each change); a unit
entered only after the end counts with the status it was first entered with.
"""

from __future__ import annotations

from collections.abc import Iterable

from .change_codec import decode_fields
from .database import Store

_CHUNK = 500


def inspections_between(store: Store, *, start: str, end: str, township: str | None = None,
                        unit_township: str | None = None) -> list[dict]:
    """The live inspections dated from ``start`` to ``end``, in date order: ``id``, ``township``, ``date``,
    ``mode``, ``unit_id``, ``unit_township``, ``unit_high_risk`` (0/1, as the unit is marked now),
    ``stop_order`` (0/1) and ``fine`` (分, or None).

    ``township`` keeps the inspections a township recorded (表4); ``unit_township`` those of its units, by
    whomever recorded (the targets count the units a township supervises)."""
    clauses, params = ["i.deleted = 0", "i.date BETWEEN :start AND :end"], {"start": start, "end": end}
    if township:
        clauses.append("i.township = :township")
        params["township"] = township
    if unit_township:
        clauses.append("u.township = :unit_township")
        params["unit_township"] = unit_township
    return store._rows(
        "SELECT i.id, i.township, i.date, i.mode, i.unit_id, u.township AS unit_township,"
        " COALESCE(u.is_high_risk, 0) AS unit_high_risk, COALESCE(i.stop_order, 0) AS stop_order, i.fine"
        f" FROM inspection i LEFT JOIN unit u ON u.id = i.unit_id WHERE {' AND '.join(clauses)}"
        " ORDER BY i.date, i.rowid", params)


def documents_between(store: Store, *, start: str, end: str, township: str | None = None) -> list[dict]:
    """The live enforcement documents dated from ``start`` to ``end``: ``id``, ``township``, ``doc_type``,
    ``inspection_id`` and ``mode``, the 检查方式 of the live inspection it was issued on (None without one)."""
    clauses, params = ["d.deleted = 0", "d.date BETWEEN :start AND :end"], {"start": start, "end": end}
    if township:
        clauses.append("d.township = :township")
        params["township"] = township
    return store._rows(
        "SELECT d.id, d.township, d.doc_type, d.inspection_id, i.mode FROM document d"
        " LEFT JOIN inspection i ON i.id = d.inspection_id AND i.deleted = 0"
        f" WHERE {' AND '.join(clauses)} ORDER BY d.date, d.rowid", params)


def high_risk_units(store: Store, *, before: str, township: str | None = None) -> list[dict]:
    """The live units marked 高危企业: ``id``, ``township``, ``name`` and ``status``, the 经营状态 last recorded
    before the change-log stamp ``before`` (or, for a unit entered later, its first recorded status)."""
    clauses, params = ["deleted = 0", "is_high_risk = 1"], {}
    if township:
        clauses.append("township = :township")
        params["township"] = township
    units = store._rows(f"SELECT id, township, name, status FROM unit WHERE {' AND '.join(clauses)}"
                        " ORDER BY rowid", params)
    recorded = _statuses_recorded(store, [u["id"] for u in units], before)
    for u in units:
        u["status"] = recorded.get(u["id"], u["status"])
    return units


def _statuses_recorded(store: Store, unit_ids: Iterable[str], before: str) -> dict[str, str]:
    """Unit id → its status as of ``before``, from the change log (units without a logged status are left out)."""
    first: dict[str, str] = {}
    last_before: dict[str, str] = {}
    ids = list(unit_ids)
    for at in range(0, len(ids), _CHUNK):
        chunk = ids[at:at + _CHUNK]
        cursor = store.db.conn.execute(
            f"SELECT record_id, hlc, fields FROM change_log WHERE record_id IN ({','.join('?' * len(chunk))})"
            " AND kind = 'unit' ORDER BY hlc", chunk)
        for record_id, hlc, fields in cursor:
            status = decode_fields(fields).get("status")
            if status is None:
                continue
            first.setdefault(record_id, status)
            if hlc < before:
                last_before[record_id] = status
    return {**first, **last_before}
