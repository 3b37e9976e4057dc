"""Queries of the unit registry: search by name, credit code or pinyin initials; paged like the ledger."""

from __future__ import annotations

from .database import Store
from .ledger import _escape_like

UNIT_COLUMNS = ("id", "name", "uscc", "sector", "is_high_risk", "village", "principal", "phone", "status", "township",
                "crowded_type", "is_above_scale", "no_licence")
UNIT_SORT = {"name": "name", "uscc": "uscc", "sector": "sector", "village": "village", "status": "status",
             "principal": "principal", "is_high_risk": "is_high_risk", "phone": "phone"}


def _where(text: str, sector: str | None, township: str | None) -> tuple[str, list]:
    clauses, params = ["deleted = 0"], []
    if township:
        clauses.append("township = ?")
        params.append(township)
    if sector:
        clauses.append("sector = ?")
        params.append(sector)
    for term in text.split():
        like = f"%{_escape_like(term)}%"
        clauses.append("(name LIKE ? ESCAPE '\\' OR uscc LIKE ? ESCAPE '\\' OR name_initials LIKE ? ESCAPE '\\'"
                       " OR village LIKE ? ESCAPE '\\' OR principal LIKE ? ESCAPE '\\')")
        params += [like, like.upper(), like.lower(), like, like]
    return " WHERE " + " AND ".join(clauses), params


def count_units(store: Store, text: str = "", sector: str | None = None, township: str | None = None) -> int:
    sql, params = _where(text, sector, township)
    return store.db.execute("SELECT COUNT(*) FROM unit" + sql, params).fetchone()[0]


def page_units(store: Store, text: str = "", sector: str | None = None, township: str | None = None, *,
               sort: tuple[str, bool] | None = None, offset: int = 0, limit: int = 100) -> list[dict]:
    sql, params = _where(text, sector, township)
    key, descending = sort or ("name", False)
    direction = "DESC" if descending else "ASC"
    order = f" ORDER BY {UNIT_SORT.get(key, 'name')} {direction}, rowid {direction}"
    return store._rows(f"SELECT {', '.join(UNIT_COLUMNS)} FROM unit{sql}{order} LIMIT ? OFFSET ?",
                       [*params, limit, offset])


def find_unit(store: Store, *, uscc: str | None = None, name: str | None = None, township: str | None = None) -> dict | None:
    """The import's matching rule: by credit code, else by exact name."""
    for column, value in (("uscc", uscc), ("name", name)):
        if value:
            rows = store._rows(f"SELECT * FROM unit WHERE {column} = ? AND deleted = 0"
                               + (" AND township = ?" if township else "") + " ORDER BY rowid LIMIT 1",
                               [value, township] if township else [value])
            if rows:
                return rows[0]
    return None


def all_units_brief(store: Store, township: str | None = None) -> list[dict]:
    return store._rows("SELECT id, name, uscc, sector FROM unit WHERE deleted = 0"
                       + (" AND township = ?" if township else "") + " ORDER BY name",
                       [township] if township else [])


def open_hazards_of(store: Store, unit_id: str) -> int:
    return store.db.execute("SELECT COUNT(*) FROM hazard WHERE unit_id = ? AND deleted = 0 AND status != '销号'",
                            [unit_id]).fetchone()[0]
