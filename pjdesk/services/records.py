"""Records of any declared kind: list, read, save and delete, from the declaration alone.

What a caller may rely on:
- ``save_record`` checks the whole record as it would be stored (field rules, the kind's rules, unique fields,
  every child row), refuses with every problem at once (``ValidationError``), and writes the record and its
  child rows in one transaction; ``Outcome.changed`` names every record written, children included.
- A station writes only its own township's records; the county reads every township's.
- ``delete_record`` is a soft delete with a reason, refused while live records of other kinds refer to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import Problem, RecordKind, errors, normalise, validate
from pjdesk.storage import records as queries
from pjdesk.storage.records import RecordQuery

from .session import Outcome, Session

__all__ = ["RecordQuery", "check_record", "count_records", "delete_record", "get_record", "kind_named",
           "list_records", "record_choices", "record_kinds", "record_position", "save_record"]


def record_kinds() -> list[RecordKind]:
    """The kinds a person works with directly (units, hazards, inspections …), in declared order."""
    return [k for k in KINDS.values() if k.command]


def kind_named(name: str) -> RecordKind:
    """A kind by its name or its command-line name (``inspection`` or ``inspections``)."""
    for kind in KINDS.values():
        if name in (kind.name, kind.command):
            return kind
    known = "、".join(f"{k.command}（{k.label}）" for k in record_kinds())
    raise PjdeskError(f"没有“{name}”这类记录；可选：{known}")


# --- reading -----------------------------------------------------------------------------------------------
EVERYTHING = RecordQuery()


def count_records(session: Session, kind: RecordKind, query: RecordQuery = EVERYTHING) -> int:
    return queries.count(session.store, kind, _scoped(session, query))


def list_records(session: Session, kind: RecordKind, query: RecordQuery = EVERYTHING, *, sort=None,
                 offset: int = 0, limit: int = 100) -> list[dict]:
    """A page of the list: the list columns, and ``<ref>__title`` for each reference shown."""
    return queries.page(session.store, kind, _scoped(session, query), sort=sort, offset=offset, limit=limit)


def record_position(session: Session, kind: RecordKind, query: RecordQuery, record_id: str, *, sort=None):
    return queries.position(session.store, kind, _scoped(session, query), record_id, sort=sort)


def get_record(session: Session, kind: RecordKind, record_id: str) -> dict | None:
    """The whole record, with its child rows under each CHILDREN field's name."""
    record = session.store.get(kind, record_id)
    if record is None:
        return None
    rows = queries.children(session.store, kind, record_id)
    for f in kind.children_fields():
        record[f.name] = rows.get(f.ref, [])
    return record


def record_choices(session: Session, kind: RecordKind, township: str | None = None) -> list[dict]:
    """What a reference to ``kind`` offers: this township's records (on the county, the township given)."""
    return queries.choices(session.store, kind, _scope(session) or township)


# --- checking and writing ----------------------------------------------------------------------------------
def check_record(session: Session, kind: RecordKind, values: Mapping, record_id: str | None = None) -> list[Problem]:
    """Every problem of the record as it would be stored: for a dialog to show at each field."""
    values = _prepared(kind, values)
    problems = validate(kind, values, session.today())
    township = session.require_station().code
    for f in kind.fields:
        if f.unique and values.get(f.name):
            other = queries.find_equal(session.store, kind, f.name, values[f.name], township)
            if other and other["id"] != record_id:
                problems.append(Problem(f.name, f"该{f.label}已登记为“{other.get(kind.title_field)}”，请勿重复添加"))
    for f in kind.children_fields():
        child = KINDS[f.ref]
        for number, row in enumerate(values.get(f.name) or (), 1):
            # The row belongs to this record, saved or about to be: its link to it is not the row's to give.
            row = {**child.defaults, **normalise(child, row), child.parent[0]: record_id or "new"}
            for p in validate(child, row, session.today()):
                problems.append(Problem(f.name, f"{f.label}第 {number} 行：{p.message}", p.level))
    return problems


def save_record(session: Session, kind: RecordKind, values: Mapping, record_id: str | None = None) -> Outcome:
    """Add (record_id None) or edit a record and its child rows. An edit is checked as the whole record it
    makes; only the fields that differ are written and logged. A child row with an ``id`` is that child
    edited, one without is new, and a child of the record not given any more is deleted."""
    station = session.require_station()
    if record_id is None:
        values = {**kind.defaults, **values}
    else:
        current = _own(session, kind, record_id)
        values = {**current, **values}
    values = _prepared(kind, values)
    problems = errors(check_record(session, kind, values, record_id))
    if problems:
        raise ValidationError(problems)
    store, changed = session.store, {}
    with store.transaction():
        if record_id is None:
            record_id = store.insert(kind, values, township=station.code, operator=session.operator)
        else:
            store.update(kind, record_id, values, operator=session.operator)
        changed[kind.name] = {record_id}
        for f in kind.children_fields():
            if f.name in values:
                changed[f.ref] = _save_children(session, kind, record_id, f.ref, values[f.name])
    return Outcome(record_id, {name: frozenset(ids) for name, ids in changed.items()})


def _save_children(session: Session, kind: RecordKind, parent_id: str, child_name: str, rows) -> set[str]:
    child, store = KINDS[child_name], session.store
    ref = child.parent[0]
    existing = {r["id"]: r for r in queries.children(store, kind, parent_id).get(child_name, [])}
    kept, touched = set(), set()
    new_rows = []
    for row in rows:
        row = {**normalise(child, {**child.defaults, **row}), ref: parent_id}
        if row.get("id") in existing:
            kept.add(row["id"])
            if store.update(child, row["id"], row, operator=session.operator):
                touched.add(row["id"])
        else:
            new_rows.append({k: v for k, v in row.items() if k != "id"})
    if new_rows:
        touched.update(store.insert_many(child, new_rows, township=session.require_station().code,
                                         operator=session.operator))
    for gone in set(existing) - kept:
        store.delete(child, gone, reason="从上级记录中移除", operator=session.operator)
        touched.add(gone)
    return touched


def delete_record(session: Session, kind: RecordKind, record_id: str, reason: str) -> Outcome:
    if not (reason or "").strip():
        raise PjdeskError("删除须写明原因")
    _own(session, kind, record_id)
    users = queries.referring(session.store, kind, record_id)
    if users:
        listed = "、".join(f"{n} 条{label}" for label, n in users.items())
        raise PjdeskError(f"还有 {listed}引用这条{kind.label}记录，不能删除；请先处理这些记录。")
    changed = {kind.name: {record_id}}
    with session.store.transaction():
        session.store.delete(kind, record_id, reason=reason.strip(), operator=session.operator)
        for name, rows in queries.children(session.store, kind, record_id).items():
            for row in rows:
                session.store.delete(KINDS[name], row["id"], reason="上级记录已删除", operator=session.operator)
                changed.setdefault(name, set()).add(row["id"])
    return Outcome(record_id, {name: frozenset(ids) for name, ids in changed.items()})


# --- helpers -----------------------------------------------------------------------------------------------
def _prepared(kind: RecordKind, values: Mapping) -> dict:
    values = normalise(kind, values)
    return kind.prepare(values) if kind.prepare else values


def _scope(session: Session) -> str | None:
    station = session.require_station()
    return None if station.is_county else station.code


def _scoped(session: Session, query: RecordQuery) -> RecordQuery:
    """A township sees its own records only; the county every township's, or the one it filters."""
    own = _scope(session)
    if own is None:
        return query
    return RecordQuery(query.text, query.filters, own, query.include_deleted)


def _own(session: Session, kind: RecordKind, record_id: str) -> dict:
    record = session.store.get(kind, record_id)
    if record is None or record["deleted"]:
        raise PjdeskError(f"找不到这条{kind.label}记录，可能已被删除")
    if record["township"] != session.require_station().code:
        raise PjdeskError(f"这是其他乡镇的{kind.label}记录，只能由该乡镇修改")
    return record

