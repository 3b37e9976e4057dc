"""Queries of the hazard ledger: filter, sort and page in SQL, never in Python.

With 200,000 hazards a page of rows must come back in milliseconds, so the list never loads the ledger:
it asks for the count and for the window it shows, each answered from narrow indexes (migration m002), and
a page is planned from the count (see DRIVE and WALK). Full-text search uses the FTS5 trigram index for
terms of three or more characters; SQLite's trigram index cannot answer one- or two-character terms (电线,
消防), which scan a narrow index of the two text columns instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pjdesk.core.hazard import CLOSED, MAJOR, RECTIFICATION_OWED, STATUSES, HazardFilter, could_be_in_number

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
    "closed_date": "h.closed_date", "township": "h.township",
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
# A one- or two-character search term has no index to drive from: driving means scanning the text index
# (tens of milliseconds at 200,000 hazards), so walking pays off sooner.
FEW_ROWS_SHORT_TERM = 500


def where(f: HazardFilter, today: dt.date, *, plan: str = COUNT, store: Store | None = None,
          through_unit: frozenset[int] | None = None) -> tuple[str, list]:
    """The WHERE clause of a filter, as ``plan`` wants it (see COUNT, DRIVE, WALK); the same rows in every plan.
    Every query of the ledger (count, page, position) is built here, so that they cannot disagree.

    With ``store``, a search term that names no unit does not test the hazards' units. ``through_unit`` asks
    for one piece of a count (see count): the hazards that match the terms numbered in it through their unit
    and not their own text, and every other term through their own text.
    """
    hidden = plan == WALK or bool(through_unit)
    clauses, params = _filters(f, today, "+h." if hidden else "h.")
    for i, term in enumerate(_terms(f, store)):
        if through_unit is None:
            clause, term_params = term.clause(plan)
        elif i in through_unit:
            clause, term_params = term.unit_only(plan)
        else:
            clause, term_params = term.own(plan)
        clauses.append(clause)
        params += term_params
    return " WHERE " + " AND ".join(clauses), params


def _filters(f: HazardFilter, today: dt.date, h: str) -> tuple[list[str], list]:
    """Every condition of the filter but its search terms; ``h`` is "h." or, to hide the columns from the
    index choice, "+h."."""
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
        clauses.append(overdue_sql(h, "?"))
        params.append(t)
    if f.due_within_days is not None:
        clauses.append(f"{rectification_owed_sql(h)} AND {h}due_date BETWEEN ? AND ?")
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
    return clauses, params


def rectification_owed_sql(h: str = "") -> str:
    """No 整改完成 is in force (pjdesk.core.hazard.RECTIFICATION_OWED), over the stored state. ``h`` prefixes the
    column ("h.", or "+h." to hide it from the index choice). The status != 销号 term is implied by the list;
    it is there word for word, and the list is hidden from the index choice (+), so that SQLite reads the
    partial index of the open hazards (m002), which holds the deadline, rather than the table."""
    assert CLOSED not in RECTIFICATION_OWED
    owed = ", ".join(map(_literal, RECTIFICATION_OWED))
    return f"{h}status != {_literal(CLOSED)} AND +{h.lstrip('+')}status IN ({owed})"


def overdue_sql(h: str, day: str) -> str:
    """逾期未整改 (pjdesk.core.hazard.overdue) as an SQL condition: the rectification is owed and the deadline
    in force lies before ``day`` (a parameter or column). Built from the core's statuses, so that the
    filter and the counts cannot drift from the rule the list colours its rows by."""
    return f"{rectification_owed_sql(h)} AND {h}due_date < {day}"


@dataclass(frozen=True)
class _Term:
    """A search term. A hazard matches it when its own text (description, location, number) or its unit (name
    or pinyin initials) contains it; the two are kept apart, as they are found through different indexes."""

    text: str
    by_unit: bool  # whether some unit's name or initials contain it; else that part is left out

    def own(self, plan: str) -> tuple[str, list]:
        """The hazard's own text contains the term. Three or more characters: the FTS5 trigram index. Shorter:
        the narrow hazard_text index is scanned (COUNT), or gives the rowids (DRIVE), or walked rows are
        tested (WALK). A hazard number is looked at only if the term could be part of one
        (pjdesk.core.hazard.could_be_in_number: digits and hyphens, at most one letter, 430626101-2026-B0001)."""
        term, h = self.text, "+h." if plan == WALK else "h."
        parts, params = [], []
        if len(term) >= 3:
            parts.append(f"{h}rowid IN (SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH ?)")
            params.append('"' + term.replace('"', '""') + '"')
            columns = ("hazard_no",) if could_be_in_number(term) else ()
        else:
            columns = ("description", "location", "hazard_no") if could_be_in_number(term) \
                else ("description", "location")
        if columns and plan == DRIVE:
            found, found_params = _contains(columns, term, "")
            parts.append(f"h.rowid IN (SELECT rowid FROM hazard WHERE deleted = 0 AND ({found}))")
            params += found_params
        elif columns:
            found, found_params = _contains(columns, term, "h.")
            parts.append(found)
            params += found_params
        return "(" + " OR ".join(parts) + ")", params

    def unit(self, plan: str) -> tuple[str, list]:
        """The hazard's unit names the term: found through the hazard_unit index from the few units that do."""
        h = "+h." if plan == WALK else "h."
        return f"{h}unit_id IN (SELECT id FROM unit WHERE {_UNIT_MATCH})", _unit_params(self.text)

    def unit_only(self, plan: str) -> tuple[str, list]:
        """The hazard's unit names the term and its own text does not. A text column may be empty (NULL: a
        ledger imported without a 部位 column), which makes "contains" NULL rather than false: IS NOT TRUE
        counts such a hazard here, where NOT would drop it from both pieces of the count."""
        unit, params = self.unit(plan)
        own, own_params = self.own(plan)
        return f"{unit} AND {own} IS NOT TRUE", params + own_params

    def clause(self, plan: str) -> tuple[str, list]:
        own, params = self.own(plan)
        if not self.by_unit:
            return own, params
        unit, unit_params = self.unit(plan)
        if plan == DRIVE:  # one list of rowids, so that SQLite drives from it rather than scanning the ledger
            return (f"h.rowid IN (SELECT h.rowid FROM hazard h WHERE {own} UNION SELECT h.rowid FROM hazard h"
                    f" WHERE {unit})", params + unit_params)
        return f"({own} OR {unit})", params + unit_params


def _terms(f: HazardFilter, store: Store | None) -> list[_Term]:
    return [_Term(term, store is None or _names_a_unit(store, term)) for term in f.text.split()]


_UNIT_MATCH = "name LIKE ? ESCAPE '\\' OR name_initials LIKE ? ESCAPE '\\'"


def _unit_params(term: str) -> list:
    like = f"%{_escape_like(term)}%"
    return [like, like.lower()]


def _names_a_unit(store: Store, term: str) -> bool:
    """Whether some unit's name or initials contain the term (asked once per term while the data is unchanged:
    a count and its page ask several times)."""
    key = ("ledger: names a unit", term)
    known = store.recall(key)
    if known is None:
        known = store.db.execute(f"SELECT 1 FROM unit WHERE {_UNIT_MATCH} LIMIT 1", _unit_params(term)).fetchone() is not None
        store.remember(key, known)
    return known


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
    """How many hazards the filter keeps: the rows its pages hold, all together.

    A search term that names some unit is counted in pieces: the hazards that match each such term through
    their unit only (not their own text), or through their own text. The pieces are disjoint and together
    make the count, and none tests every hazard's unit against the units named (a UUID comparison per
    hazard, the slow part): a piece through units starts from those units' hazards, with the other filters
    hidden from the index choice (+) so that SQLite does start there. Each piece is a where() of its own.
    """
    sql, params = where(f, today, store=store)
    by_unit = [i for i, term in enumerate(_terms(f, store)) if term.by_unit]
    if not by_unit or len(by_unit) > 2:
        n = _count_rows(store, sql, params)
    else:
        n = sum(_count_rows(store, *where(f, today, store=store, through_unit=frozenset(
                    i for i, through in zip(by_unit, choice, strict=True) if through)))
                for choice in itertools.product((False, True), repeat=len(by_unit)))
    store.remember(("ledger: count", sql, tuple(params)), n)
    return n


def _count_rows(store: Store, sql: str, params: list) -> int:
    return store.db.execute("SELECT COUNT(*) FROM hazard h" + sql, params).fetchone()[0]


def page(store: Store, f: HazardFilter, today: dt.date, *, sort=None, offset: int = 0, limit: int = 100,
         columns: Sequence[str] = LIST_COLUMNS) -> list[dict]:
    sql, params = _select(store, f, today, sort, columns, offset + limit)
    return store._rows(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset])


def batches(store: Store, f: HazardFilter, today: dt.date, *, sort=None, columns: Sequence[str] = LIST_COLUMNS,
            size: int = 2000) -> Iterator[list[tuple]]:
    """Every row the filter keeps, in ``sort`` order, as tuples of ``columns``, ``size`` rows at a time from one
    statement: an export reads the ledger once, where pages by OFFSET would sort and skip every row before
    each page again (200,000 hazards: 23 s in pages of 2,000, 2.6 s in one statement). The statement is
    closed when the iteration ends or is abandoned."""
    sql, params = _select(store, f, today, sort, columns, FEW_ROWS + 1)
    cursor = store.db.conn.execute(sql, params)
    try:
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()


def _select(store: Store, f: HazardFilter, today: dt.date, sort, columns: Sequence[str], wanted: int) -> tuple[str, list]:
    """The SELECT of the rows the filter keeps in ``sort`` order, planned for reading the first ``wanted``."""
    plan = DRIVE if _few(store, f, today, wanted) else WALK
    sql, params = where(f, today, plan=plan, store=store)
    source = FROM
    if plan == WALK and (sort or DEFAULT_SORT)[0] == "unit_name" and not _hazards_without_unit(store):
        # In unit-name order: read the units by name and each one's hazards, rather than every hazard and a
        # sort. The same rows as the LEFT JOIN while every hazard has its unit (a unit is never removed).
        source = " FROM unit u CROSS JOIN hazard h ON h.unit_id = u.id"
    return f"SELECT {', '.join(columns)}{source}{sql}{order_by(sort)}", params


def _few(store: Store, f: HazardFilter, today: dt.date, wanted: int) -> bool:
    """Whether the filter keeps few rows (FEW_ROWS, or the rows a deep page needs): from the count the page
    was just shown with when nothing has changed since, else by counting up to that many."""
    sql, params = where(f, today, store=store)
    short_term = any(len(term) < 3 for term in f.text.split())
    limit = max(FEW_ROWS_SHORT_TERM if short_term else FEW_ROWS, wanted)
    known = store.recall(("ledger: count", sql, tuple(params)))
    if known is not None:
        return known <= limit
    probe = f"SELECT COUNT(*) FROM (SELECT 1 FROM hazard h{sql} LIMIT ?)"
    return store.db.execute(probe, [*params, limit + 1]).fetchone()[0] <= limit


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
    """The counts of the 工作台. Each is read through a narrow index (the open hazards, the found and closed
    dates), never by a pass over the whole ledger: at 200,000 hazards a pass costs half a second."""
    t = today.isoformat()
    first = today.replace(day=1).isoformat()
    week = (today + dt.timedelta(days=7)).isoformat()
    scope = " AND township = :township" if township else ""
    live_open = f"deleted = 0 AND status != :closed{scope}"
    owed = f"deleted = 0 AND {rectification_owed_sql()}{scope}"
    sql = (
        f"SELECT (SELECT COUNT(*) FROM hazard WHERE deleted = 0 AND {overdue_sql('', ':t')}{scope}),"
        f" (SELECT COUNT(*) FROM hazard WHERE {owed} AND due_date BETWEEN :t AND :week),"
        f" (SELECT COUNT(*) FROM hazard WHERE {live_open} AND level = :major),"
        f" (SELECT COUNT(*) FROM hazard WHERE deleted = 0 AND found_date BETWEEN :first AND :t{scope}),"
        f" (SELECT COUNT(*) FROM hazard WHERE deleted = 0 AND closed_date BETWEEN :first AND :t{scope}),"
        f" (SELECT COUNT(*) FROM hazard WHERE {live_open}),"
        f" (SELECT COUNT(*) FROM hazard WHERE {live_open} AND incomplete = 1)"
    )
    row = store.db.execute(sql, {"closed": CLOSED, "t": t, "week": week, "major": MAJOR, "first": first,
                                 "township": township}).fetchone()
    keys = ("overdue", "due_this_week", "open_major", "new_this_month", "closed_this_month", "open", "incomplete")
    return {k: v or 0 for k, v in zip(keys, row, strict=True)}


def township_counts(store: Store) -> dict[str, dict]:
    """Per township held in this file: its hazards, those open, and when its last exchange file arrived."""
    rows = store._rows(
        "SELECT township, COUNT(*) AS hazards, SUM(status != ?) AS hazards_open FROM hazard WHERE deleted = 0"
        " GROUP BY township", [CLOSED])
    received = dict(store.db.execute("SELECT sender_station, MAX(imported_at) FROM sync_import GROUP BY sender_station"))
    out = {r["township"]: {"hazards": r["hazards"], "hazards_open": r["hazards_open"] or 0,
                           "last_received": received.get(r["township"])} for r in rows}
    for code, at in received.items():
        out.setdefault(code, {"hazards": 0, "hazards_open": 0, "last_received": at})
    return out


def has_hazards(store: Store, township: str | None = None) -> bool:
    sql = "SELECT 1 FROM hazard WHERE deleted = 0" + (" AND township = ?" if township else "") + " LIMIT 1"
    return store.db.execute(sql, [township] if township else []).fetchone() is not None


def events_of(store: Store, hazard_id: str) -> list[dict]:
    return store._rows("SELECT * FROM hazard_event WHERE hazard_id = ? AND deleted = 0 ORDER BY date, created_at",
                       [hazard_id])


def summary_counts(store: Store, today: dt.date) -> dict:
    t = today.isoformat()
    row = store.db.execute(
        "SELECT (SELECT COUNT(*) FROM unit WHERE deleted = 0), COUNT(*), SUM(status != ?),"
        f" SUM({overdue_sql('', '?')}), SUM(level = ?), SUM(status = ?) FROM hazard WHERE deleted = 0",
        [CLOSED, t, MAJOR, CLOSED]).fetchone()
    keys = ("units", "hazards", "hazards_open", "hazards_overdue", "hazards_major", "hazards_closed")
    return {k: v or 0 for k, v in zip(keys, row, strict=True)}
