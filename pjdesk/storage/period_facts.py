"""The hazards of a report period as they stood at its end, for returns (表2, 表3, the ledger, and 表4's hazards
found by inspections) and targets.

A return for a past month must give the numbers as they stood then: each hazard's state is derived again
from its events dated on or before the period's end (pjdesk.core.hazard.derive_state), never read from
today's status. Hazards closed before the year began cannot change any figure of the year and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from pjdesk.core.hazard import derive_state

from .database import Store

FACT_COLUMNS = (
    "h.id, h.hazard_no, h.township, h.unit_id, h.description, h.location, h.level, h.category, h.source, h.tags,"
    " h.funds, h.found_date, h.found_by, h.deadline, h.resp_unit, h.resp_person, h.measures, h.interim_controls,"
    " h.major_basis, h.supervision_level, h.supervision_body, h.supervision_doc_no, h.assignment_no,"
    " h.notice_record, h.note, h.incomplete, h.created_at,"
    " COALESCE(u.sector, h.sector) AS sector, u.name AS unit_name, u.uscc AS unit_uscc,"
    " COALESCE(u.is_high_risk, 0) AS unit_high_risk"
)


def hazards_as_of(store: Store, *, year_start: str, end: str, township: str | None = None,
                  only: str = "") -> list[dict]:
    """Every live hazard found by ``end`` that was found this year or was still open at ``year_start``,
    with ``status``, ``due_date``, ``rectified_date``, ``review_date`` and ``closed_date`` as of ``end``.

    ``only`` narrows the hazards by an SQL condition on ``h``/``u`` from this module's callers (targets).
    """
    clauses = ["h.deleted = 0", "h.found_date <= :end",
               "(h.found_date >= :start OR h.closed_date IS NULL OR h.closed_date >= :start)"]
    params = {"start": year_start, "end": end}
    if township:
        clauses.append("h.township = :township")
        params["township"] = township
    if only:
        clauses.append(f"({only})")
    return _as_of(store, FACT_COLUMNS, "", " AND ".join(clauses), params)


def hazards_as_of_each(store: Store, periods: Sequence[tuple[str, str]], *, township: str | None = None
                       ) -> list[list[dict]]:
    """``hazards_as_of`` for several periods at once, each ``(year_start, end)``: the same lists, from one read
    of the hazards and their events over the widest of the periods (a year of returns reads the events once,
    not twelve times), each period's hazards and states then taken from it."""
    if not periods:
        return []
    clauses = ["h.deleted = 0", "h.found_date <= :end",
               "(h.found_date >= :start OR h.closed_date IS NULL OR h.closed_date >= :start)"]
    params = {"start": min(p[0] for p in periods), "end": max(p[1] for p in periods)}
    if township:
        clauses.append("h.township = :township")
        params["township"] = township
    hazards, events = _read(store, f"{FACT_COLUMNS}, h.closed_date AS _closed_now", "", " AND ".join(clauses),
                            params)
    out = []
    for year_start, end in periods:
        facts = []
        for h in hazards:
            # hazards_as_of's own condition, on the hazard's stored 销号日期 as the SQL reads it
            if h["found_date"] > end or not (h["found_date"] >= year_start or h["_closed_now"] is None
                                            or h["_closed_now"] >= year_start):
                continue
            row = {k: v for k, v in h.items() if k != "_closed_now"}
            facts.append(_with_state(row, [e for e in events.get(row["id"], ()) if e["date"] <= end]))
        out.append(facts)
    return out


def inspection_hazards_as_of(store: Store, *, start: str, end: str, township: str | None = None) -> list[dict]:
    """The live hazards found by ``end`` that name a live inspection dated from ``start`` to ``end`` (表4's
    发现隐患), each as of ``end`` like those of ``hazards_as_of``, with ``inspection_id`` and the inspection's
    ``mode``. ``township`` is the inspection's township. A hazard entered after the month's end with an
    earlier 发现日期 counts, one deleted since does not: as 表2 counts."""
    clauses = ["h.deleted = 0", "h.found_date <= :end", "i.deleted = 0", "i.date BETWEEN :start AND :end"]
    params = {"start": start, "end": end}
    if township:
        clauses.append("i.township = :township")
        params["township"] = township
    return _as_of(store, f"{FACT_COLUMNS}, h.inspection_id, i.mode AS mode",
                  " JOIN inspection i ON i.id = h.inspection_id", " AND ".join(clauses), params)


def _as_of(store: Store, columns: str, joins: str, where: str, params: dict) -> list[dict]:
    """The hazards ``where`` selects (on ``h``, ``u`` and ``joins``), each with its state derived from its
    events dated on or before ``params["end"]``."""
    hazards, events = _read(store, columns, joins, where, params)
    for h in hazards:
        _with_state(h, events.get(h["id"], ()))
    return hazards


def _read(store: Store, columns: str, joins: str, where: str, params: dict) -> tuple[list[dict], dict[str, list]]:
    """The hazards ``where`` selects and their live events dated on or before ``params["end"]``, by hazard."""
    joins = f" LEFT JOIN unit u ON u.id = h.unit_id{joins}"
    hazards = store._rows(f"SELECT {columns} FROM hazard h{joins} WHERE {where} ORDER BY h.found_date, h.rowid",
                          params)
    events: dict[str, list] = {}
    cursor = store.db.conn.execute(
        "SELECT e.hazard_id, e.kind, e.date, e.result, e.new_deadline, e.created_at, e.id FROM hazard_event e"
        f" JOIN hazard h ON h.id = e.hazard_id{joins} WHERE e.deleted = 0 AND e.date <= :end AND {where}", params)
    for hazard_id, kind, date, result, new_deadline, created_at, event_id in cursor:
        events.setdefault(hazard_id, []).append(
            {"kind": kind, "date": date, "result": result, "new_deadline": new_deadline, "created_at": created_at,
             "id": event_id})
    return hazards, events


def _with_state(h: dict, events) -> dict:
    state = derive_state(h, events)
    h.update(status=state.status, due_date=state.due_date, rectified_date=state.rectified_date,
             review_date=state.review_date, closed_date=state.closed_date)
    return h
