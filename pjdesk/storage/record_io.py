"""What the spreadsheet import and export of any kind read: records by the values that identify them, whole
rows a page at a time, and the child rows and referred-to titles that go with a page.

Each is one query per call (or per 500 ids), so that checking 10,000 imported rows or writing 10,000 exported
ones costs a handful of queries, not one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pjdesk.core.kinds import KINDS
from pjdesk.core.records import RecordKind

from .database import Store
from .records import RecordQuery, where

CHUNK = 500


def keyed(store: Store, kind: RecordKind, township: str, fields: Sequence[str], *, shown: str = "id",
          between: tuple[str, str, str] | None = None) -> dict[tuple, list[tuple[str, object]]]:
    """The township's live records of a kind by the values of ``fields`` (a tuple per record): each key →
    [(id, value of ``shown``)], oldest first. ``between``: (a DATE field, from, to) narrows the read to a range,
    as the rows being matched span a few months of a ledger of years."""
    sql = (f"SELECT id, {shown}, {', '.join(fields)} FROM {kind.table} WHERE township = ? AND deleted = 0")
    params: list = [township]
    if between:
        name, low, high = between
        sql += f" AND {name} BETWEEN ? AND ?"
        params += [low, high]
    out: dict[tuple, list[tuple[str, object]]] = {}
    for row in store.db.execute(sql + " ORDER BY rowid", params):
        out.setdefault(tuple(row[2:]), []).append((row[0], row[1]))
    return out


def rows_page(store: Store, kind: RecordKind, query: RecordQuery, *, offset: int, limit: int,
              order: str = "rowid") -> list[dict]:
    """Whole rows of the records a query selects, in the order they were made (``order``: a column)."""
    sql, params = where(kind, query)
    return store._rows(f"SELECT t.* FROM {kind.table} t{sql} ORDER BY t.{order}, t.rowid LIMIT ? OFFSET ?",
                       [*params, limit, offset])


def children_of(store: Store, child: RecordKind, parent_ids: Iterable[str]) -> dict[str, list[dict]]:
    """The live rows of a child kind under each of these parents, in the order they were made."""
    ref = child.parent[0]
    ids = list(dict.fromkeys(parent_ids))
    out: dict[str, list[dict]] = {i: [] for i in ids}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for row in store._rows(f"SELECT * FROM {child.table} WHERE deleted = 0 AND {ref} IN"
                               f" ({','.join('?' * len(chunk))}) ORDER BY created_at, rowid", chunk):
            out[row[ref]].append(row)
    return out


def titles(store: Store, kind_name: str, ids: Iterable[str], columns: Sequence[str]) -> dict[str, dict]:
    """Some columns of the records these ids name (a unit's name and credit code for rows that refer to it)."""
    kind = KINDS[kind_name]
    wanted = sorted({i for i in ids if i})
    listed = ", ".join(dict.fromkeys(["id", *columns]))
    out: dict[str, dict] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for row in store._rows(f"SELECT {listed} FROM {kind.table} WHERE id IN ({','.join('?' * len(chunk))})",
                               chunk):
            out[row["id"]] = row
    return out
