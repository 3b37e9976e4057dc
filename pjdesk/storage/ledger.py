"""Queries of the hazard ledger: filter, sort and page in SQL, never in Python.

With 200,000 hazards a page of rows must come back in milliseconds, so the list never loads the ledger:
it asks for the count and for the window it shows. Full-text search uses the FTS5 trigram index for terms
of three or more characters; SQLite's trigram index cannot answer one- or two-character terms (电线, 消防),
which scan the two text columns instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pjdesk.core.hazard import CLOSED, MAJOR, STATUSES, HazardFilter

from .database import Store

LIST_COLUMNS = (
    "h.id", "h.hazard_no", "h.status", "h.level", "h.unit_id", "u.name AS unit_name", "h.description", "h.location",
    "h.sector", "h.source", "h.found_date", "h.due_date", "h.resp_person", "h.rectified_date", "h.review_date",
    "h.closed_date", "h.incomplete", "h.tags", "h.funds", "h.deadline", "h.township",
)
# Status sorts in lifecycle order (发现 … 销号), not by character code.
_STATUS_ORDER = "CASE h.status " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUSES)) + " END"
SORT_KEYS = {
    "hazard_no": "h.hazard_no", "status": _STATUS_ORDER, "level": "h.level", "unit_name": "u.name",
    "description": "h.description", "location": "h.location", "sector": "h.sector", "source": "h.source",
    "found_date": "h.found_date", "due_date": "h.due_date", "resp_person": "h.resp_person",
    "closed_date": "h.closed_date",
}
DEFAULT_SORT = ("found_date", True)
FROM = " FROM hazard h LEFT JOIN unit u ON u.id = h.unit_id"


def where(f: HazardFilter, today: dt.date) -> tuple[str, list]:
    clauses, params = ["h.deleted = 0"], []
    t = today.isoformat()
    if f.township:
        clauses.append("h.township = ?")
        params.append(f.township)
    if f.statuses:
        clauses.append(f"h.status IN ({','.join('?' * len(f.statuses))})")
        params += list(f.statuses)
    if f.open_only:
        clauses.append("h.status != ?")
        params.append(CLOSED)
    if f.closed_only:
        clauses.append("h.status = ?")
        params.append(CLOSED)
    for column, value in (("level", f.level), ("sector", f.sector), ("unit_id", f.unit_id), ("source", f.source)):
        if value:
            clauses.append(f"h.{column} = ?")
            params.append(value)
    if f.tag:
        clauses.append("('|' || h.tags || '|') LIKE ?")
        params.append(f"%|{f.tag}|%")
    if f.overdue:
        clauses.append("h.status != ? AND h.due_date < ?")
        params += [CLOSED, t]
    if f.due_within_days is not None:
        clauses.append("h.status != ? AND h.due_date BETWEEN ? AND ?")
        params += [CLOSED, t, (today + dt.timedelta(days=f.due_within_days)).isoformat()]
    for column, low, high in (("found_date", f.found_from, f.found_to), ("closed_date", f.closed_from, f.closed_to)):
        if low:
            clauses.append(f"h.{column} >= ?")
            params.append(low)
        if high:
            clauses.append(f"h.{column} <= ?")
            params.append(high)
    if f.incomplete:
        clauses.append("h.incomplete = 1")
    for term in f.text.split():
        clause, term_params = _text_clause(term)
        clauses.append(clause)
        params += term_params
    return " WHERE " + " AND ".join(clauses), params


def _text_clause(term: str) -> tuple[str, list]:
    like = f"%{_escape_like(term)}%"
    units = "h.unit_id IN (SELECT id FROM unit WHERE name LIKE ? ESCAPE '\\' OR name_initials LIKE ? ESCAPE '\\')"
    number = "h.hazard_no LIKE ? ESCAPE '\\'"
    if len(term) >= 3:
        quoted = '"' + term.replace('"', '""') + '"'
        return (f"(h.rowid IN (SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH ?) OR {units} OR {number})",
                [quoted, like, like.lower(), like])
    return (f"(h.description LIKE ? ESCAPE '\\' OR h.location LIKE ? ESCAPE '\\' OR {units} OR {number})",
            [like, like, like, like.lower(), like])


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def order_by(sort: tuple[str, bool] | None) -> str:
    key, descending = sort or DEFAULT_SORT
    column = SORT_KEYS.get(key, "h.found_date")
    direction = "DESC" if descending else "ASC"
    # rowid breaks ties so that pages never overlap or skip rows.
    return f" ORDER BY {column} {direction}, h.rowid {direction}"


def count(store: Store, f: HazardFilter, today: dt.date) -> int:
    sql, params = where(f, today)
    join = FROM if "u." in sql else " FROM hazard h"
    return store.db.execute("SELECT COUNT(*)" + join + sql, params).fetchone()[0]


def page(store: Store, f: HazardFilter, today: dt.date, *, sort=None, offset: int = 0, limit: int = 100,
         columns: Sequence[str] = LIST_COLUMNS) -> list[dict]:
    sql, params = where(f, today)
    return store._rows(f"SELECT {', '.join(columns)}{FROM}{sql}{order_by(sort)} LIMIT ? OFFSET ?",
                       [*params, limit, offset])


def position(store: Store, f: HazardFilter, today: dt.date, record_id: str, *, sort=None) -> int | None:
    """Where a hazard stands in the filtered, sorted list (to keep the selection on refresh)."""
    sql, params = where(f, today)
    row = store.db.execute(
        f"SELECT n FROM (SELECT h.id, ROW_NUMBER() OVER ({order_by(sort)[1:]}) - 1 AS n {FROM}{sql}) WHERE id = ?",
        [*params, record_id]).fetchone()
    return row[0] if row else None


def dashboard(store: Store, today: dt.date, township: str | None = None) -> dict:
    """The counts of the 工作台, in one pass over the ledger."""
    t = today.isoformat()
    month = t[:7]
    week = (today + dt.timedelta(days=7)).isoformat()
    sql = (
        "SELECT"
        " SUM(status != :closed AND due_date < :t),"
        " SUM(status != :closed AND due_date BETWEEN :t AND :week),"
        " SUM(status != :closed AND level = :major),"
        " SUM(substr(found_date, 1, 7) = :month),"
        " SUM(substr(closed_date, 1, 7) = :month),"
        " SUM(status != :closed),"
        " SUM(incomplete = 1 AND status != :closed)"
        " FROM hazard WHERE deleted = 0" + (" AND township = :township" if township else "")
    )
    row = store.db.execute(sql, {"closed": CLOSED, "t": t, "week": week, "major": MAJOR, "month": month,
                                 "township": township}).fetchone()
    keys = ("overdue", "due_this_week", "open_major", "new_this_month", "closed_this_month", "open", "incomplete")
    return {k: v or 0 for k, v in zip(keys, row, strict=True)}


def events_of(store: Store, hazard_id: str) -> list[dict]:
    return store._rows("SELECT * FROM hazard_event WHERE hazard_id = ? AND deleted = 0 ORDER BY date, created_at",
                       [hazard_id])


def summary_counts(store: Store, today: dt.date) -> dict:
    t = today.isoformat()
    row = store.db.execute(
        "SELECT (SELECT COUNT(*) FROM unit WHERE deleted = 0), COUNT(*), SUM(status != ?),"
        " SUM(status != ? AND due_date < ?), SUM(level = ?), SUM(status = ?) FROM hazard WHERE deleted = 0",
        [CLOSED, CLOSED, t, MAJOR, CLOSED]).fetchone()
    keys = ("units", "hazards", "hazards_open", "hazards_overdue", "hazards_major", "hazards_closed")
    return {k: v or 0 for k, v in zip(keys, row, strict=True)}
