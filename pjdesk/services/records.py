"""Records of any declared kind: list, read, save and delete, from the declaration alone.

What a caller may rely on:
- ``save_record`` checks the whole record as it would be stored (field rules, the kind's rules, unique fields,
  every child row), refuses with every problem at once (``ValidationError``), and writes the record and its
  child rows in one transaction; ``Outcome.changed`` names every record written, children included.
- A station writes only its own township's records; the county reads every township's.
- ``delete_record`` is a soft delete with a reason, refused while live records of other kinds refer to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pjdesk.core.clock import parse_stamp
from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import (
    BOOL,
    DECIMAL,
    MONEY,
    REF,
    TAGS,
    Problem,
    RecordKind,
    errors,
    masked,
    normalise,
    split_tags,
    validate,
)
from pjdesk.storage import records as queries
from pjdesk.storage.records import RecordQuery

from .personal_data import mask_rows
from .session import Outcome, Session

__all__ = ["RecordQuery", "check_record", "count_records", "delete_record", "get_record", "kind_named",
           "list_records", "record_choices", "record_detail", "record_history", "record_kinds", "record_position",
           "save_record"]


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


PARENT_DELETED = "上级记录已删除"  # the reason a child row goes with its record


# --- reading -----------------------------------------------------------------------------------------------
EVERYTHING = RecordQuery()


def count_records(session: Session, kind: RecordKind, query: RecordQuery = EVERYTHING) -> int:
    return queries.count(session.store, kind, _scoped(session, query))


def list_records(session: Session, kind: RecordKind, query: RecordQuery = EVERYTHING, *, sort=None,
                 offset: int = 0, limit: int = 100) -> list[dict]:
    """A page of the list: the list columns, and ``<ref>__title`` for each reference shown. Personal data (a
    身份证号) is masked: only the record's own dialog (``get_record``) shows it whole."""
    rows = queries.page(session.store, kind, _scoped(session, query), sort=sort, offset=offset, limit=limit)
    mask_rows(kind, rows)
    return rows


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


def record_detail(session: Session, kind: RecordKind, record_id: str) -> dict:
    """What a detail panel shows: ``record`` (as ``get_record``, with ``<ref>__title`` beside each reference,
    in its child rows too) and ``history`` (as ``record_history``)."""
    record = get_record(session, kind, record_id)
    if record is None:
        raise PjdeskError(f"找不到这条{kind.label}记录，可能已被删除")
    _add_titles(session, kind, record)
    mask_rows(kind, [record])
    for f in kind.children_fields():
        for row in record[f.name]:
            _add_titles(session, KINDS[f.ref], row)
    return {"record": record, "history": record_history(session, kind, record_id)}


def record_history(session: Session, kind: RecordKind, record_id: str) -> list[dict]:
    """Who changed what and when, oldest first, from the change log: the record's own changes and those of
    its child rows (added, changed, removed; a removal because the record itself was deleted is not repeated).

    Each entry has ``when`` (YYYY-MM-DD HH:MM, local time of the device that wrote it), ``who`` (the
    operator), ``what`` (新增, 修改, 删除; for child rows 添加/修改/移除 and the child kind's label) and
    ``detail`` (each changed field as 标签：旧值 → 新值; a child row by its title; the reason of a deletion).
    Consecutive entries alike in when, who and what are one entry, their details joined."""
    store = session.store
    owners = {record_id: kind}
    for name, rows in queries.children(store, kind, record_id, include_deleted=True).items():
        owners.update((row["id"], KINDS[name]) for row in rows)
    seen: dict[str, dict] = {}
    entries: list[dict] = []
    for change in store.changes_of(list(owners)):
        owner = owners[change["record_id"]]
        fields = {k: v for k, v in change["fields"].items() if k in owner.field_names()}
        before = seen.setdefault(change["record_id"], {})
        child = owner is not kind
        if change["op"] == "delete":
            reason = change["fields"].get("delete_reason") or ""
            if child and reason == PARENT_DELETED:  # the record's own 删除 says it
                continue
            what, detail = ("移除" + owner.label, _title(owner, before)) if child else ("删除", f"原因：{reason}")
        elif change["op"] == "insert":
            before.update(fields)
            what, detail = ("添加" + owner.label, _title(owner, before)) if child else ("新增", "")
        else:
            said = "；".join(_change_text(session, f, before.get(f.name), fields[f.name])
                            for f in owner.fields if f.name in fields)
            title = _title(owner, before)
            before.update(fields)
            if not said:
                continue
            what, detail = ("修改" + owner.label, f"{title}：{said}") if child else ("修改", said)
        entry = {"when": _stamp_text(change["hlc"]), "who": change["operator"] or "", "what": what, "detail": detail}
        last = entries[-1] if entries else None
        if last and child and (last["when"], last["who"], last["what"]) == (entry["when"], entry["who"], what):
            last["details"].append(detail)
        else:
            entries.append({**entry, "details": [detail]})
    for entry in entries:
        details = entry.pop("details")
        # A checklist of twenty items is added at once: the first few are named and the rest counted.
        entry["detail"] = ("；" if entry["what"].startswith("修改") else "、").join(details[:SHOWN_ROWS]) + (
            f" 等 {len(details)} 项" if len(details) > SHOWN_ROWS else "")
    return entries


SHOWN_ROWS = 3  # child rows a history entry names before it counts the rest


def _title(kind: RecordKind, values: Mapping) -> str:
    return _short(str(values.get(kind.title_field) or ""))


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:23] + "…"


def _change_text(session: Session, f, old, new) -> str:
    if old is None or old == "":
        return f"{f.label}：{_shown(session, f, new)}"
    return f"{f.label}：{_shown(session, f, old)} → {_shown(session, f, new)}"


def _shown(session: Session, f, value) -> str:
    """A stored value as the history writes it: short, and a reference by what it refers to."""
    if value is None or value == "":
        return "（空）"
    if f.type == BOOL:
        return "是" if value else "否"
    if f.type == MONEY:
        return f"{value / 100:.2f} 元"
    if f.type == DECIMAL:
        return f"{value / 100:.2f}"
    if f.type == TAGS:
        return "、".join(split_tags(value))
    if f.personal:
        return masked(value)
    if f.type == REF and f.ref in KINDS:
        target = KINDS[f.ref]
        row = session.store.get(target, value)
        value = row.get(target.title_field) if row else "（已删除的记录）"
    return _short(str(value))


def _stamp_text(stamp: str) -> str:
    """An HLC stamp as the local time it was written (the stamp counts from the writer's wall clock)."""
    ms, _counter, _device = parse_stamp(stamp)
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


def _add_titles(session: Session, kind: RecordKind, row: dict) -> None:
    for f in kind.refs():
        if kind.parent and f.name == kind.parent[0]:
            continue
        target = KINDS.get(f.ref)
        found = session.store.get(target, row[f.name]) if target and row.get(f.name) else None
        row[f"{f.name}__title"] = found.get(target.title_field) if found else None


def record_choices(session: Session, kind: RecordKind, township: str | None = None) -> list[dict]:
    """What a reference to ``kind`` offers: this township's records (on the county, the township given)."""
    return queries.choices(session.store, kind, _scope(session) or township)


# --- checking and writing ----------------------------------------------------------------------------------
def check_record(session: Session, kind: RecordKind, values: Mapping, record_id: str | None = None) -> list[Problem]:
    """Every problem of the record as it would be stored: for a dialog to show at each field."""
    values = _prepared(kind, values)
    problems = validate(kind, values, session.today())
    if kind.station_rules:
        problems += kind.station_rules(values, session.require_station().is_county)
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
        require_recorded_here(session, kind)
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
        # The id says which row this is; normalise keeps declared fields only, so it is read first.
        row_id = row.get("id")
        row = {**normalise(child, {**child.defaults, **row}), ref: parent_id}
        if row_id in existing:
            kept.add(row_id)
            if store.update(child, row_id, row, operator=session.operator):
                touched.add(row_id)
        else:
            new_rows.append(row)
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
                session.store.delete(KINDS[name], row["id"], reason=PARENT_DELETED, operator=session.operator)
                changed.setdefault(name, set()).add(row["id"])
    return Outcome(record_id, {name: frozenset(ids) for name, ids in changed.items()})


# --- helpers -----------------------------------------------------------------------------------------------
def _prepared(kind: RecordKind, values: Mapping) -> dict:
    values = normalise(kind, values)
    return kind.prepare(values) if kind.prepare else values


def require_recorded_here(session: Session, kind: RecordKind) -> None:
    """The county reads the records the townships send; it adds (by hand or from a sheet) only the kinds it
    records itself (``county_writes``: the bureau's own inspections). Another kind made there would be the
    county's own, outside every township's figures."""
    if session.require_station().is_county and not kind.county_writes:
        raise PjdeskError(f"县级站点汇总各乡镇报送的{kind.label}，不在县级直接录入或导入；"
                          f"请由乡镇录入，随交换文件报送")


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

