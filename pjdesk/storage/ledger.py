"""Queries of the hazard ledger: filter, sort and page in SQL, never in Python.

With 200,000 hazards a page of rows must come back in milliseconds, so the list never loads the ledger:
it asks for the count and for the window it shows, each answered from narrow indexes (migration m002), and
a page is planned from the count (see DRIVE and WALK). Full-text search uses the FTS5 trigram index for
terms of three or more characters; SQLite's trigram index cannot answer one- or two-character terms (电线,
消防), which scan a narrow index of the two text columns instead.
"""

from __future__ import annotations

import datetime as dt
import weakref
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


# How a query uses the filter. COUNT and DRIVE let SQLite find the rows through the filter's indexes; a
# DRIVE page then sorts what it found, which is quick while that is a few thousand rows. A WALK page hides
# the filter's columns from the index choice (unary +) and reads the sort order's index from the top, testing
# each row, which is quick when the filter keeps many rows. SQLite has no statistics here and would always
# drive from an equality index: for 销号 (most of an old ledger) that sorted 190,000 rows for a page of 100.
COUNT, DRIVE, WALK = "count", "drive", "walk"
FEW_ROWS = 3000  # a selection up to this size is driven and sorted; above it the page walks the sort order
# Hazard numbers are digits and hyphens (430626101-2026-0001, made by the write path): a term with any other
# character cannot be part of one, and the search need not look at them.
_NUMBER_CHARACTERS = frozenset("0123456789-")


def where(f: HazardFilter, today: dt.date, *, plan: str = COUNT, store: Store | None = None) -> tuple[str, list]:
    """The WHERE clause of a filter, as ``plan`` wants it (see COUNT, DRIVE, WALK); same rows in every plan.

    With ``store``, a search term that names no unit does not test every hazard's unit.
    """
    h = "+h." if plan == WALK else "h."
    clauses, params = ["h.deleted = 0"], []
    t = today.isoformat()
    closed = _literal(CLOSED)  # a literal, not a parameter: the index of open hazards is partial on it
    if f.township:
        clauses.append(f"{h}township = ?")
        params.append(f.township)
    if f.statuses:
        clauses.append(f"{h}status IN ({','.join('?' * len(f.statuses))})")
        params += list(f.statuses)
    if f.open_only:
        clauses.append(f"{h}status != {closed}")
    if f.closed_only:
        clauses.append(f"{h}status = {closed}")
    for column, value in (("level", f.level), ("sector", f.sector), ("unit_id", f.unit_id), ("source", f.source)):
        if value:
            clauses.append(f"{h}{column} = ?")
            params.append(value)
    if f.tag:
        clauses.append(f"('|' || {h}tags || '|') LIKE ?")
        params.append(f"%|{f.tag}|%")
    if f.overdue:
        clauses.append(f"{h}status != {closed} AND {h}due_date < ?")
        params.append(t)
    if f.due_within_days is not None:
        clauses.append(f"{h}status != {closed} AND {h}due_date BETWEEN ? AND ?")
        params += [t, (today + dt.timedelta(days=f.due_within_days)).isoformat()]
    for column, low, high in (("found_date", f.found_from, f.found_to), ("closed_date", f.closed_from, f.closed_to)):
        if low:
            clauses.append(f"{h}{column} >= ?")
            params.append(low)
        if high:
            clauses.append(f"{h}{column} <= ?")
            params.append(high)
    if f.incomplete:
        clauses.append(f"{h}incomplete = 1")
    for term in f.text.split():
        clause, term_params = _text_clause(term, plan, store)
        clauses.append(clause)
        params += term_params
    return " WHERE " + " AND ".join(clauses), params


def _text_clause(term: str, plan: str, store: Store | None) -> tuple[str, list]:
    """A hazard matches a term when its description, location, unit (name or pinyin initials) or number
    contains it. Three or more characters are looked up in the FTS5 trigram index; shorter terms are looked
    for in the narrow hazard_text index (or, on a WALK page, in the rows walked)."""
    h = "+h." if plan == WALK else "h."
    alternatives, params = [], []
    if len(term) >= 3:
        alternatives.append(f"{h}rowid IN (SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH ?)")
        params.append('"' + term.replace('"', '""') + '"')
    elif plan == DRIVE:
        found, found_params = _contains(("description", "location"), term, "")
        alternatives.append(f"h.rowid IN (SELECT rowid FROM hazard WHERE deleted = 0 AND {found})")
        params += found_params
    else:
        found, found_params = _contains(("description", "location"), term, "h.")
        alternatives.append(found)
        params += found_params
    if store is None or _names_a_unit(store, term):
        alternatives.append(f"{h}unit_id IN (SELECT id FROM unit WHERE {_UNIT_MATCH})")
        params += _unit_params(term)
    if set(term) <= _NUMBER_CHARACTERS:
        number, number_params = _contains(("hazard_no",), term, "h.")
        alternatives.append(number)
        params += number_params
    return "(" + " OR ".join(alternatives) + ")", params


_UNIT_MATCH = "name LIKE ? ESCAPE '\\' OR name_initials LIKE ? ESCAPE '\\'"


def _unit_params(term: str) -> list:
    like = f"%{_escape_like(term)}%"
    return [like, like.lower()]


def _names_a_unit(store: Store, term: str) -> bool:
    return store.db.execute(f"SELECT 1 FROM unit WHERE {_UNIT_MATCH} LIMIT 1", _unit_params(term)).fetchone() is not None


def _contains(columns: Sequence[str], term: str, prefix: str) -> tuple[str, list]:
    """Any of the columns contains the term: instr() where that is exactly what LIKE '%term%' means (no ASCII
    letter, whose case LIKE ignores), as it is several times faster; LIKE otherwise."""
    if any("a" <= ch.lower() <= "z" for ch in term):
        like = f"%{_escape_like(term)}%"
        return " OR ".join(f"{prefix}{c} LIKE ? ESCAPE '\\'" for c in columns), [like] * len(columns)
    return " OR ".join(f"instr({prefix}{c}, ?) > 0" for c in columns), [term] * len(columns)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def order_by(sort: tuple[str, bool] | None) -> str:
    key, descending = sort or DEFAULT_SORT
    column = SORT_KEYS.get(key, "h.found_date")
    direction = "DESC" if descending else "ASC"
    # rowid breaks ties so that pages never overlap or skip rows.
    return f" ORDER BY {column} {direction}, h.rowid {direction}"


def count(store: Store, f: HazardFilter, today: dt.date) -> int:
    sql, params = where(f, today, store=store)
    n = store.db.execute("SELECT COUNT(*) FROM hazard h" + sql, params).fetchone()[0]
    _counted(store)[(sql, tuple(params))] = (_data_version(store), n)
    return n


def page(store: Store, f: HazardFilter, today: dt.date, *, sort=None, offset: int = 0, limit: int = 100,
         columns: Sequence[str] = LIST_COLUMNS) -> list[dict]:
    plan = DRIVE if _few(store, f, today, offset + limit) else WALK
    sql, params = where(f, today, plan=plan, store=store)
    source = FROM
    if plan == WALK and (sort or DEFAULT_SORT)[0] == "unit_name" and not _hazards_without_unit(store):
        # In unit-name order: read the units by name and each one's hazards, rather than every hazard and a
        # sort. The same rows as the LEFT JOIN while every hazard has its unit (a unit is never removed).
        source = " FROM unit u CROSS JOIN hazard h ON h.unit_id = u.id"
    return store._rows(f"SELECT {', '.join(columns)}{source}{sql}{order_by(sort)} LIMIT ? OFFSET ?",
                       [*params, limit, offset])


def _few(store: Store, f: HazardFilter, today: dt.date, wanted: int) -> bool:
    """Whether the filter keeps few rows (FEW_ROWS, or the rows a deep page needs): from the count the page
    was just shown with when nothing has changed since, else by counting up to that many."""
    sql, params = where(f, today, store=store)
    limit = max(FEW_ROWS, wanted)
    known = _counted(store).get((sql, tuple(params)))
    if known and known[0] == _data_version(store):
        return known[1] <= limit
    probe = f"SELECT COUNT(*) FROM (SELECT 1 FROM hazard h{sql} LIMIT ?)"
    return store.db.execute(probe, [*params, limit + 1]).fetchone()[0] <= limit


# The counts last made on each connection, with the state of the data they were made on.
_counts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _counted(store: Store) -> dict:
    counted = _counts.get(store)
    if counted is None or len(counted) > 64:
        counted = _counts[store] = {}
    return counted


def _data_version(store: Store) -> tuple[int, int]:
    """Changes by this connection, and commits by any other: what a count depends on besides its filter."""
    conn = store.db.conn
    return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


def _hazards_without_unit(store: Store) -> bool:
    return store.db.execute("SELECT 1 FROM hazard WHERE unit_id IS NULL AND deleted = 0 LIMIT 1").fetchone() is not None


def position(store: Store, f: HazardFilter, today: dt.date, record_id: str, *, sort=None) -> int | None:
    """Where a hazard stands in the filtered, sorted list (to keep the selection on refresh)."""
    sql, params = where(f, today, store=store)
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
