"""Records of any kind out of pjdesk: a print-ready XLSX sheet, and plain data for ``records list --json``.

The sheet is built from the declaration: 序号, the assigned numbers, every field a person reads (a reference
as the title of what it refers to — a unit as its name and credit code —, a child list as one cell), then the
derived columns a list shows. Headers are the labels the import recognises, so a sheet exported here imports
again. It is printed as the hazard ledger is (pjdesk.services.ledger_export.Book): A4, fitted to the page width,
the header row frozen and repeated on every page, 第 x 页 共 y 页; user text is always written as text, never as a
formula. A kind with an export of its own (the hazard ledger, with its lifecycle columns) uses that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pjdesk.core.errors import PjdeskError
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import (
    BOOL,
    CHILDREN,
    CHOICE,
    DATE,
    DECIMAL,
    INT,
    LONGTEXT,
    MONEY,
    REF,
    Field,
    RecordKind,
    masked,
)
from pjdesk.core.townships import station_name
from pjdesk.storage import record_io
from pjdesk.storage import records as record_queries
from pjdesk.storage.records import RecordQuery

from .ledger_export import Book, Column, written_beside
from .personal_data import log_export, mask_rows
from .record_import import spec_for
from .session import Session

PAGE_ROWS = 2000
# A field longer than this is not read in a list (a document's content kept for reprinting): not exported.
LONGEST_SHOWN = 5000
# Headings of assigned numbers, which the declaration names but does not label.
ASSIGNED_HEADINGS = {"hazard_no": "隐患编号", "doc_no": "文号"}
# Derived flags shown as 是 / blank rather than 1 / 0.
FLAGS = {"incomplete"}
CELL_LIMIT = 32767  # characters an Excel cell holds

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Part:
    """How one column of the sheet is read from a record: its Column, and a function of (row, context)."""

    column: Column
    value: Callable[[dict, dict], object]


def export_records(session: Session, kind: RecordKind | str, path: str | Path, query: RecordQuery | None = None, *,
                   progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> int:
    """Write the records of ``kind`` that ``query`` selects (None: all the station holds) to ``path`` (.xlsx),
    in the order they were made (dated kinds: by their date); returns the number of records written.

    A kind with an export of its own (hazards: the ledger) uses it when no query is given. ``progress(done,
    total)`` follows the rows; ``cancelled()`` is asked between pages, and a cancel raises PjdeskError("已取消导出").
    On a cancel or a failure nothing is left at ``path`` (a file already there is untouched).
    """
    spec = spec_for(kind)
    kind = spec.kind
    if spec.export is not None and query is None:
        return spec.export(session, path, progress=progress, cancelled=cancelled)
    station = session.require_station()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise PjdeskError(f"导出文件名应以 .xlsx 结尾（如 {spec.sheet_noun}.xlsx），现为“{path.name}”")
    query = _scoped(session, query or RecordQuery())
    total = record_queries.count(session.store, kind, query)
    parts = _parts(kind, spec, county=station.is_county)
    columns = tuple(p.column for p in parts)
    today = session.today()
    written = 0
    with written_beside(path) as temporary, Book(
            temporary, title=f"{station.name}{spec.sheet_noun}", operator=session.operator, day=today, columns=columns,
            sheet_name=spec.sheet_noun[:31], landscape=sum(c.width for c in columns) > 110) as book:
        book.begin(f"填报单位：{station.label}　　导出日期：{today.isoformat()}　　共 {total} 条")
        order = kind.title_field if kind.title_field in kind.field_names() and \
            kind.field(kind.title_field).type == DATE else "rowid"
        while written < total:
            if cancelled and cancelled():
                raise PjdeskError("已取消导出")
            rows = record_io.rows_page(session.store, kind, query, offset=written, limit=PAGE_ROWS, order=order)
            if not rows:
                break  # the records shrank while exporting: write what there is
            context = _context(session, kind, rows)
            for row in rows:
                written += 1
                row["serial"] = written
                book.write_row({str(i): part.value(row, context) for i, part in enumerate(parts)})
            if progress:
                progress(written, total)
    log_export(session, kind, written, path.name)
    return written


def _township(code: str) -> str:
    try:
        return station_name(code)
    except PjdeskError:
        return code  # a retired code in old records: shown as it is


def _scoped(session: Session, query: RecordQuery) -> RecordQuery:
    station = session.require_station()
    if station.is_county:
        return query
    return RecordQuery(query.text, query.filters, station.code, query.include_deleted)


def _parts(kind: RecordKind, spec, *, county: bool) -> list[_Part]:
    parts = [_Part(Column("序号", "0", 5, "center"), lambda row, _: row["serial"])]
    if county:
        parts.append(_Part(Column("乡镇（街道）", "", 10, "center"), lambda row, _: _township(row["township"])))
    for name in kind.assigned:
        heading = kind.derived_labels.get(name) or ASSIGNED_HEADINGS.get(name, name)
        parts.append(_Part(Column(heading, "", 19), _plain(name)))
    columns = {c.field for c in spec.child_columns}
    for f in kind.fields:
        if f.type == REF:
            if kind.parent and f.name == kind.parent[0]:
                continue
            parts += _ref_parts(kind, spec, f)
        elif f.type == CHILDREN:
            heading = f.label if f.name in columns else f.label + "明细"
            child = next((c for c in spec.child_columns if c.field == f.name), None)
            parts.append(_Part(Column(heading, "", 16 if child else 34, "wrap"), _children(f, child)))
        elif f.max_length <= LONGEST_SHOWN:
            parts.append(_field_part(f))
    shown = {p.column.header for p in parts}
    for name, heading in kind.derived_labels.items():
        if heading not in shown and name not in kind.assigned:
            flag = name in FLAGS
            parts.append(_Part(Column(heading, "", 7 if flag else 10, "center"),
                               (lambda row, _, n=name: "是" if row.get(n) else None) if flag else _plain(name)))
    # Positional keys: two columns may show one stored value (a unit's id as its name and its credit code).
    return [_Part(Column(p.column.header, str(i), p.column.width, p.column.kind), p.value)
            for i, p in enumerate(parts)]


def _plain(name: str) -> Callable[[dict, dict], object]:
    return lambda row, _: _clipped(row.get(name))


def _clipped(value: object) -> object:
    return value[:CELL_LIMIT] if isinstance(value, str) and len(value) > CELL_LIMIT else value


def _field_part(f: Field) -> _Part:
    if f.personal:
        return _Part(Column(f.label, "", 20), lambda row, _: masked(row.get(f.name)))
    if f.type == DATE:
        return _Part(Column(f.label, "", 11, "date"), _plain(f.name))
    if f.type in (MONEY, DECIMAL):  # both integer hundredths: written as 元 (a decimal) with two places
        return _Part(Column(f.label, "", 12, "money"), _plain(f.name))
    if f.type == BOOL:
        return _Part(Column(f.label, "", max(6, len(f.label) * 2), "center"),
                     lambda row, _: None if row.get(f.name) is None else "是" if row.get(f.name) else "否")
    if f.type == INT:
        return _Part(Column(f.label, "", max(8, len(f.label) * 2), "center"), _plain(f.name))
    if f.type == CHOICE:
        widest = max((len(c) for c in f.choices()), default=4)
        return _Part(Column(f.label, "", min(max(widest, len(f.label)) * 2 + 1, 16), "center"), _plain(f.name))
    if f.type == LONGTEXT:
        return _Part(Column(f.label, "", 30, "wrap"), _plain(f.name))
    return _Part(Column(f.label, "", min(max(len(f.label) * 2 + 2, f.max_length // 3), 24), "wrap"), _plain(f.name))


def _ref_parts(kind: RecordKind, spec, f: Field) -> list[_Part]:
    """A reference as its record's title; a unit also as its credit code (the import matches a unit by both)."""
    target = KINDS[f.ref]
    title = target.title_field

    def read(column: str) -> Callable[[dict, dict], object]:
        return lambda row, context: (context["refs"][f.name].get(row.get(f.name)) or {}).get(column)

    if spec.unit_ref is not None and f.name == spec.unit_ref.name:
        from .record_import import target_for_header

        heading = f.label if target_for_header(spec, f.label) == "unit.name" else "单位名称"
        parts = [_Part(Column(heading, "", 22, "wrap"), read(title))]
        for unique in (u for u in target.fields if u.unique):
            parts.append(_Part(Column(unique.label, "", 20), read(unique.name)))
        return parts
    return [_Part(Column(f.label, "", 19, "wrap"), read(title))]


def _children(f: Field, column) -> Callable[[dict, dict], object]:
    """A record's child rows in one cell: the names alone where the import reads them back (张三、李四), else one
    numbered line per row."""
    child = KINDS[f.ref]
    shown = [c for c in child.fields if c.type not in (REF, CHILDREN)]

    def cell(row: dict, context: dict) -> str | None:
        rows = context["children"][f.ref].get(row["id"], [])
        if column is not None:
            return "、".join(r[column.child_field] for r in rows if r.get(column.child_field)) or None
        lines = [f"{n}. " + " ".join(str(r[c.name]) for c in shown if r.get(c.name) not in (None, ""))
                 for n, r in enumerate(rows, 1)]
        return _clipped("\n".join(lines)) or None
    return cell


def _context(session: Session, kind: RecordKind, rows: list[dict]) -> dict:
    """What a page of rows refers to, read once for the page: referred-to titles, child rows."""
    refs = {}
    for f in kind.refs():
        target = KINDS[f.ref]
        columns = [target.title_field, *(u.name for u in target.fields if u.unique)]
        refs[f.name] = record_io.titles(session.store, f.ref, (r.get(f.name) for r in rows), columns)
    children = {f.ref: record_io.children_of(session.store, KINDS[f.ref], (r["id"] for r in rows))
                for f in kind.children_fields()}
    return {"refs": refs, "children": children}


# --- plain data ---------------------------------------------------------------------------------------------


def records_data(session: Session, kind: RecordKind | str, *, limit: int | None = None) -> list[dict]:
    """The records of ``kind`` the station holds (a township its own; the county every township's), in the order
    they were made, as plain data for JSON: ``id``, ``township``, the assigned numbers, every declared field as
    stored (dates ISO, money in 分, flags 0/1), the derived state, each CHILDREN field as a list of its rows
    (``id`` and the child's fields), and ``attachments``: [{"sha256", "name", "label", "bytes"}]."""
    from .attachments import attachments_of

    kind = spec_for(kind).kind
    if limit is not None and limit < 0:
        raise PjdeskError("--limit 应为不小于 0 的整数")
    query = _scoped(session, RecordQuery())
    total = record_queries.count(session.store, kind, query)
    wanted = total if limit is None else min(limit, total)
    derived = [c for c in kind.derived if not c.endswith("_initials")]
    out: list[dict] = []
    while len(out) < wanted:
        rows = record_io.rows_page(session.store, kind, query, offset=len(out), limit=min(PAGE_ROWS, wanted - len(out)))
        if not rows:
            break
        ids = [r["id"] for r in rows]
        children = {f.name: record_io.children_of(session.store, KINDS[f.ref], ids) for f in kind.children_fields()}
        attached = attachments_of(session, kind, ids)
        for row in rows:
            record = {"id": row["id"], "township": row["township"], **{n: row[n] for n in kind.assigned},
                      **{n: row[n] for n in kind.field_names()}, **{n: row[n] for n in derived}}
            for f in kind.children_fields():
                child = KINDS[f.ref]
                names = [n for n in child.field_names() if n != child.parent[0]]
                record[f.name] = [{"id": c["id"], **{n: c[n] for n in names}} for c in children[f.name][row["id"]]]
            record["attachments"] = attached.get(row["id"], [])
            out.append(record)
    mask_rows(kind, out)
    log_export(session, kind, len(out), None, "列出")
    return out


def kinds_data() -> list[Mapping[str, str]]:
    """Each kind a person works with: its command-line name and its Chinese label."""
    from .records import record_kinds

    return [{"name": k.command, "label": k.label} for k in record_kinds()]
