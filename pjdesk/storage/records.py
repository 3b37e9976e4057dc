"""One query surface for every declared kind: count, page, position, filter, sort and search, all in SQL.

A list page of any kind asks these with a ``RecordQuery``; the SQL comes from the declaration: which fields
are shown in lists (``Field.in_list``), which are filters (CHOICE, BOOL, DATE, REF), which text is searched
(text fields shown in lists, the assigned numbers, pinyin initials, the title of a referred-to record).
Pages are LIMIT/OFFSET in a stable order (the sort key, then rowid), so the count always equals the rows the
pages return. The hazard ledger keeps its own richer query (storage/ledger.py) on top of the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pjdesk.core.kinds import KINDS
from pjdesk.core.records import BOOL, DATE, DECIMAL, INT, LONGTEXT, MONEY, TAGS, TEXT, RecordKind

from .database import Store

CHUNK = 500
SEARCHED = (TEXT, LONGTEXT, TAGS)


@dataclass(frozen=True)
class RecordQuery:
    """What a list shows. ``filters``: field → value (CHOICE, BOOL, REF, TEXT: equal; TAGS: contains the tag),
    or for DATE, INT, MONEY and DECIMAL a (from, to) pair, either end None. ``text``: words that must each be found.
    ``township``: one township's records only (None: every township this station holds)."""

    text: str = ""
    filters: Mapping[str, object] = field(default_factory=dict)
    township: str | None = None
    include_deleted: bool = False


def list_columns(kind: RecordKind) -> list[str]:
    """The columns a list reads: id, township, the assigned numbers, the fields shown in lists, the state."""
    shown = [f.name for f in kind.fields if f.in_list]
    return ["id", "township", *kind.assigned, *shown, *(c for c in kind.derived if not c.endswith("_initials"))]


def sortable(kind: RecordKind) -> set[str]:
    return {"township", "created_at", "updated_at", *kind.assigned, *(f.name for f in kind.fields if f.in_list),
            *(c for c in kind.derived if not c.endswith("_initials"))}


def where(kind: RecordKind, query: RecordQuery, alias: str = "t") -> tuple[str, list]:
    clauses, params = [], []
    if not query.include_deleted:
        clauses.append(f"{alias}.deleted = 0")
    if query.township:
        clauses.append(f"{alias}.township = ?")
        params.append(query.township)
    for name, value in query.filters.items():
        f = kind.field(name)  # an unknown field is a programming error: KeyError
        column = f"{alias}.{name}"
        if value is None or value == "":
            continue
        if f.type in (DATE, INT, MONEY, DECIMAL):
            low, high = value if isinstance(value, (tuple, list)) else (value, value)
            if low is not None:
                clauses.append(f"{column} >= ?")
                params.append(low)
            if high is not None:
                clauses.append(f"{column} <= ?")
                params.append(high)
        elif f.type == TAGS:
            clauses.append(f"('|' || {column} || '|') LIKE ? ESCAPE '\\'")
            params.append(f"%|{escape_like(str(value))}|%")
        elif f.type == BOOL:
            clauses.append(f"{column} = ?")
            params.append(1 if value else 0)
        else:
            clauses.append(f"{column} = ?")
            params.append(value)
    for term in query.text.split():
        sql, term_params = _term(kind, term, alias)
        clauses.append(sql)
        params += term_params
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def searched_columns(kind: RecordKind) -> list[str]:
    """The columns a search word is looked for in: text shown in lists, the assigned numbers, derived text the
    kind names, pinyin initials, and the references shown (by their record's title)."""
    texts = [f.name for f in kind.fields if f.type in SEARCHED and f.in_list] + [*kind.assigned, *kind.searched]
    return [*texts, *(f"{n}_initials" for n in kind.initials_fields()),
            *(f.name for f in kind.refs() if f.in_list and f.ref in KINDS)]


def search_index(kind: RecordKind) -> str:
    """The name of a kind's search index, if its migration made one: on live rows, the township first, then
    every searched column (see ``searched_columns``). A count that searches words reads it instead of the
    table: every row must be tested (a word of one or two characters has no index to find it by), and the
    index holds only what the test needs."""
    return f"{kind.table}_search"


def _term(kind: RecordKind, term: str, alias: str) -> tuple[str, list]:
    """One search word: found in any searched text column, an assigned number, pinyin initials, or the title
    of a referred-to record. LIKE, not full-text: 1- and 2-character Chinese words must be found too."""
    like = f"%{escape_like(term)}%"
    parts, params = [], []
    texts = [f.name for f in kind.fields if f.type in SEARCHED and f.in_list] + [*kind.assigned, *kind.searched]
    for column in texts:
        parts.append(f"{alias}.{column} LIKE ? ESCAPE '\\'")
        params.append(like)
    for name in kind.initials_fields():
        parts.append(f"{alias}.{name}_initials LIKE ? ESCAPE '\\'")
        params.append(like.lower())
    for f in kind.refs():
        target = KINDS.get(f.ref)
        if target is None or not f.in_list:
            continue
        title = target.title_field
        parts.append(f"{alias}.{f.name} IN (SELECT id FROM {target.table} WHERE {title} LIKE ? ESCAPE '\\')")
        params.append(like)
    if not parts:
        return "0", []
    # IS TRUE: a NULL column is "not found", never NULL for the whole OR (a NOT around it would drop the row).
    return "((" + " OR ".join(parts) + ") IS TRUE)", params


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sort_key(kind: RecordKind, sort: tuple[str, bool] | None) -> tuple[str, bool]:
    key, descending = sort or (kind.title_field, False)
    return (key if key in sortable(kind) else kind.title_field), descending


def _order(kind: RecordKind, sort: tuple[str, bool] | None, alias: str) -> str:
    key, descending = _sort_key(kind, sort)
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY {alias}.{key} {direction}, {alias}.rowid {direction}"


def _select(kind: RecordKind) -> str:
    """The list columns, and for each REF shown its record's title as ``<field>__title``."""
    columns = [f"t.{c}" for c in list_columns(kind)]
    for f in kind.refs():
        target = KINDS.get(f.ref)
        if target is not None and f.in_list:
            columns.append(f"(SELECT r.{target.title_field} FROM {target.table} r WHERE r.id = t.{f.name})"
                           f" AS {f.name}__title")
    return ", ".join(columns)


# A search that finds at most this many records keeps their rowids from its count, and its pages read those
# rows and sort them (about 1 µs a row); one that finds more reads the list's order from the top and tests
# each row until a page is full, which takes fewer rows the more of them match (200,000 inspections, 19,000
# found: about 10 ms, where sorting them took 20). Reading a rare word that way tested every row: a county's
# 138,000 people for a page, about 270 ms. The two cost the same near 10,000 found in 100,000–200,000 rows.
FOUND_ROWS = 10_000


def count(store: Store, kind: RecordKind, query: RecordQuery) -> int:
    """How many records the list holds. A search counted from the kind's search index also keeps the rowids
    it found, when they are few (FOUND_ROWS), for the pages read until something is written (see page)."""
    sql, params = where(kind, query)
    hint = _counted_by(store, kind, query)
    if not hint:
        return store.db.execute(f"SELECT COUNT(*) FROM {kind.table} t{sql}", params).fetchone()[0]
    n, found = store.db.execute(
        f"SELECT COUNT(*), CASE WHEN COUNT(*) <= {FOUND_ROWS} THEN group_concat(t.rowid) END"
        f" FROM {kind.table} t{hint}{sql}", params).fetchone()
    if found is not None or n == 0:
        store.remember(_found_key(kind, sql, params), found or "")
    return n


def _found_key(kind: RecordKind, sql: str, params: list) -> tuple:
    return "records: found", kind.table, sql, tuple(params)


def _counted_by(store: Store, kind: RecordKind, query: RecordQuery) -> str:
    """`` INDEXED BY`` the kind's search index for a count that searches words, when the index exists and
    holds every column the query tests (a filter on another column would fetch each row from the table)."""
    if not query.text.split() or query.include_deleted:
        return ""
    name = search_index(kind)
    held = {row[2] for row in store.db.execute("SELECT * FROM pragma_index_info(?)", [name])}
    tested = {*query.filters, *searched_columns(kind), *(("township",) if query.township else ())}
    return f" INDEXED BY {name}" if held and tested <= held else ""


def page(store: Store, kind: RecordKind, query: RecordQuery, *, sort: tuple[str, bool] | None = None,
         offset: int = 0, limit: int = 100) -> list[dict]:
    """A page of the list in ``sort`` order. After a search's count that found few rows, and while nothing
    has been written since, the page reads those rows by rowid and sorts them (the same rows: the same
    query found them on the same data)."""
    sql, params = _found_or_where(store, kind, query)
    return store._rows(f"SELECT {_select(kind)} FROM {kind.table} t{sql}{_order(kind, sort, 't')} LIMIT ? OFFSET ?",
                       [*params, limit, offset])


def _found_or_where(store: Store, kind: RecordKind, query: RecordQuery) -> tuple[str, list]:
    """The rows the list holds: the rowids its count found, while nothing has been written since (see count),
    else the query's WHERE clause."""
    sql, params = where(kind, query)
    found = store.recall(_found_key(kind, sql, params))
    if found is None:
        return sql, params
    return f" WHERE t.rowid IN ({found})", []  # rowids as SQLite wrote them (integers and commas), no record's text


def position(store: Store, kind: RecordKind, query: RecordQuery, record_id: str, *,
             sort: tuple[str, bool] | None = None) -> int | None:
    """Where a record stands in the list (to keep it selected after a refresh), or None if it is not in it.
    After a search's count that kept what it found, only those rows are counted (see count)."""
    sql, params = _found_or_where(store, kind, query)
    key, descending = _sort_key(kind, sort)
    glue = " AND " if sql else " WHERE "
    found = store.db.execute(f"SELECT t.{key}, t.rowid FROM {kind.table} t{sql}{glue}t.id = ?",
                             [*params, record_id]).fetchone()
    if found is None:
        return None
    value, rowid = found
    # The rows that come before it in the list's order (NULLs sort first ascending, last descending, as SQLite
    # does), counted: an index walk, where numbering every row with ROW_NUMBER() read the whole list.
    column = f"t.{key}"
    if not descending:
        before = (f"({column} IS NULL AND t.rowid < ?)" if value is None else
                  f"({column} IS NULL OR {column} < ? OR ({column} = ? AND t.rowid < ?))")
    else:
        before = (f"({column} IS NOT NULL OR t.rowid > ?)" if value is None else
                  f"({column} > ? OR ({column} = ? AND t.rowid > ?))")
    before_params = [rowid] if value is None else [value, value, rowid]
    return store.db.execute(f"SELECT COUNT(*) FROM {kind.table} t{sql}{glue}{before}",
                            [*params, *before_params]).fetchone()[0]


def children(store: Store, kind: RecordKind, parent_id: str, *,
             include_deleted: bool = False) -> dict[str, list[dict]]:
    """A record's live children (and the removed ones too, if asked: for its history) of every child kind, in
    the order they were made."""
    out = {}
    live = "" if include_deleted else " AND deleted = 0"
    for child in KINDS.values():
        if child.parent and child.parent[1] == kind.name:
            out[child.name] = store._rows(
                f"SELECT * FROM {child.table} WHERE {child.parent[0]} = ?{live} ORDER BY created_at, rowid",
                [parent_id])
    return out


def find_equal(store: Store, kind: RecordKind, name: str, value, township: str | None) -> dict | None:
    """A live record whose ``name`` equals ``value`` (in the township, if given): for unique fields."""
    sql = f"SELECT * FROM {kind.table} WHERE {name} = ? AND deleted = 0"
    params = [value]
    if township:
        sql += " AND township = ?"
        params.append(township)
    rows = store._rows(sql + " ORDER BY rowid LIMIT 1", params)
    return rows[0] if rows else None


def referring(store: Store, kind: RecordKind, record_id: str) -> dict[str, int]:
    """Live records of other kinds that refer to this one, per kind label (a unit's hazards and inspections)."""
    out = {}
    for other in KINDS.values():
        for f in other.refs():
            if f.ref == kind.name and not (other.parent and other.parent[0] == f.name):
                n = store.db.execute(f"SELECT COUNT(*) FROM {other.table} WHERE {f.name} = ? AND deleted = 0",
                                     [record_id]).fetchone()[0]
                if n:
                    out[other.label] = out.get(other.label, 0) + n
    return out


def choices(store: Store, kind: RecordKind, township: str | None, columns: Sequence[str] = ()) -> list[dict]:
    """Every live record of a kind, id and title (and ``columns``), by title: what a REF field offers."""
    listed = ", ".join(dict.fromkeys(["id", kind.title_field, *columns]))
    sql = f"SELECT {listed} FROM {kind.table} WHERE deleted = 0"
    params = []
    if township:
        sql += " AND township = ?"
        params.append(township)
    return store._rows(sql + f" ORDER BY {kind.title_field}", params)

