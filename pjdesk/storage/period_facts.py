"""The hazards of a report period as they stood at its end, for returns and targets.

A return for a past month must give the numbers as they stood then: each hazard's state is derived again
from its events dated on or before the period's end (pjdesk.core.hazard.derive_state), never read from
today's status. Hazards closed before the year began cannot change any figure of the year and are left out.
"""

from __future__ import annotations

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
    where = " AND ".join(clauses)
    hazards = store._rows(
        f"SELECT {FACT_COLUMNS} FROM hazard h LEFT JOIN unit u ON u.id = h.unit_id WHERE {where}"
        " ORDER BY h.found_date, h.rowid", params)
    events: dict[str, list] = {}
    cursor = store.db.conn.execute(
        "SELECT e.hazard_id, e.kind, e.date, e.result, e.new_deadline, e.created_at, e.id FROM hazard_event e"
        f" JOIN hazard h ON h.id = e.hazard_id LEFT JOIN unit u ON u.id = h.unit_id"
        f" WHERE e.deleted = 0 AND e.date <= :end AND {where}", params)
    for hazard_id, kind, date, result, new_deadline, created_at, event_id in cursor:
        events.setdefault(hazard_id, []).append(
            {"kind": kind, "date": date, "result": result, "new_deadline": new_deadline, "created_at": created_at,
             "id": event_id})
    for h in hazards:
        state = derive_state(h, events.get(h["id"], ()))
        h.update(status=state.status, due_date=state.due_date, rectified_date=state.rectified_date,
                 review_date=state.review_date, closed_date=state.closed_date)
    return hazards

