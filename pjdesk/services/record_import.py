"""Importing records of any declared kind from a spreadsheet (.xlsx or .xls, Excel or WPS).

Two steps, so that nothing is written before the officer has seen what will happen:

- ``preview_records`` reads the workbook, finds the header under a merged title (one or two header rows), maps
  each column to a field by its label and its ``import_names``, and checks every row. Rows that are wrong (a
  required value missing, a date that is not a date) are *refused* and listed with their row number as Excel
  shows it, with every problem of the row; rows that are merely incomplete are taken and marked 待补充.
- ``apply_records`` writes the preview in one transaction, after a backup: all rows or none.

A kind that refers to a unit has its unit matched by credit code, else by name (an existing unit whose name
differs only by 平江县 or 有限公司 is offered as the match), else created. A CHILDREN field may come from one
column (检查人员 "张三、李四" → one row per name). What a kind needs beyond its declaration is an ``ImportSpec``:
plain data and a few hooks (the hazard ledger's lifecycle columns, which become events), never a branch here.

A kind that others refer to declares how a row names one of its records (``matched_by``: a person by 身份证号,
else by 姓名 within the unit). The same alternatives tell a row of that kind already registered though its sure
field is masked as pjdesk exports it (430626********1234: matched by the other fields and the visible digits,
never stored) or left out; such a row is skipped. A masked value elsewhere is never stored.

Whole-file refusals (not a spreadsheet, password, empty, no header, bigger than any sheet: see
``pjdesk.services.excel_file``) raise PjdeskError; nothing is written. A formula whose result the file does not
hold refuses its row, and every date must lie in the range pjdesk.core.dates allows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pjdesk.core.dates import NotADate, parse_date
from pjdesk.core.errors import PjdeskError
from pjdesk.core.identifiers import check_uscc
from pjdesk.core.inspection import INSPECTION, split_names
from pjdesk.core.kinds import KINDS
from pjdesk.core.person import CERTIFICATE, PERSON, TRAINING
from pjdesk.core.records import (
    BOOL,
    CHILDREN,
    CHOICE,
    DATE,
    DECIMAL,
    INCOMPLETE,
    INT,
    LONGTEXT,
    MONEY,
    REF,
    TAGS,
    TEXT,
    Field,
    RecordKind,
    errors,
    join_tags,
    masked,
    normalise,
    validate,
    vocabulary,
)
from pjdesk.core.unit import UNIT, is_high_risk_sector
from pjdesk.storage import ledger_import_queries as queries
from pjdesk.storage import record_io
from pjdesk.storage.backup import backup_file
from pjdesk.storage.database import plain_errors

from .bulk import collector_paused
from .excel_file import ExcelFile, Sheet, column_letter, open_excel
from .records import require_recorded_here
from .session import Session

__all__ = ["ChildColumn", "Column", "ImportPreview", "ImportResult", "ImportRow", "ImportSpec", "Link", "PlannedUnit",
           "RowIssue", "Target", "apply_records", "column_letter", "header_key", "import_records", "preview_records",
           "spec_for", "target_for_header"]

# --- what a kind's import needs beyond its declaration -------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a column can be imported as: a field of the record, of its unit, a CHILDREN field filled from one
    column, or a column of the spec's own (a ledger's completion dates). ``names`` are the headers recognised."""

    key: str
    label: str
    group: str
    names: tuple[str, ...] = ()
    required: bool = False
    type: str = TEXT
    vocabulary: str | None = None


@dataclass(frozen=True)
class ChildColumn:
    """A CHILDREN field written in one column as a list of names (检查人员: 张三、李四): each name becomes a
    child row with the name in ``child_field``."""

    field: str
    child_field: str
    names: tuple[str, ...]
    split: Callable[[str], list[str]]


@dataclass(frozen=True)
class Link:
    """A REF field filled by matching the referred kind's records: the hazard found at the inspection of its
    unit on its day. ``on``: (field of the imported record, field of the referred kind) pairs."""

    field: str
    on: tuple[tuple[str, str], ...]


# A lifecycle hook: (the record's values, the spec's own columns, reasons, warnings, today) → child rows by kind.
Lifecycle = Callable[[dict, dict, list, list, dt.date], dict[str, list[dict]]]
# A cell converter: (value, (the row's raw values, warnings, notes)) → what is stored, None to leave it out.
Converter = Callable[[object, tuple], object]


@dataclass(frozen=True, eq=False)
class ImportSpec:
    """How a kind's sheet is read, beyond what its declaration says. Plain data and a few hooks; any field left
    out has a default from the declaration (``spec_for`` gives every kind one)."""

    kind: RecordKind
    noun: str = ""  # 可导入{noun} 6 条 (default: the kind's label)
    record_words: str = ""  # 在表头下没有{record_words} (default: label + 记录)
    sheet_noun: str = ""  # 没有找到{sheet_noun}表头 (default: label + 台账)
    anchor: str = ""  # the target whose column marks a record row (default: the title, else the unit's name)
    extra_targets: tuple[Target, ...] = ()  # columns of the sheet's own, handed to ``lifecycle``
    child_columns: tuple[ChildColumn, ...] = ()
    defaults: Mapping[str, object] = field(default_factory=dict)  # what a row starts with (over kind.defaults)
    strict: tuple[str, ...] = ()  # CHOICE fields whose unreadable value refuses the row (else: left out, noted)
    relative_dates: Mapping[str, str] = field(default_factory=dict)  # 整改期限 "7天内" counted from 发现日期
    unit_sector: str | None = None  # the record's field that is its unit's sector too (a ledger's 行业 column)
    duplicate_keys: tuple[tuple[str, ...], ...] | None = None  # a row equal to a stored record is skipped
    links: tuple[Link, ...] = ()
    converters: Mapping[str, Converter] = field(default_factory=dict)  # for ``extra_targets``
    lifecycle: Lifecycle | None = None
    incomplete_words: str = "待补充"
    child_words: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # child kind → (words, measure)
    refused: str | None = None  # why this kind is not imported from a sheet at all
    # The kind's own print-ready export, where the generic one would say less (the hazard ledger's).
    export: Callable | None = None
    preview_type: type | None = None
    row_type: type | None = None
    result_type: type | None = None
    # The record's reference to its unit is read from the unit columns (False: a sign-in sheet's 单位名称 is
    # the attendee's unit, matched through the attendee, not the training's).
    unit_columns: bool = True
    unit_fields: tuple[str, ...] = ()  # the unit's columns read (default: UNIT_COLUMNS, and 行业)
    # A CHILDREN field each row gives one child row of (a sign-in sheet: one attendee a row); rows whose
    # ``group_by`` fields are equal are one record with all their child rows.
    row_child: str | None = None
    group_by: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # required fields a sheet may leave out: the kind's prepare fills them

    def __post_init__(self):
        kind = self.kind
        fill = {"noun": kind.label, "record_words": kind.label if kind.label.endswith("记录") else kind.label + "记录",
                "sheet_noun": kind.label + "台账", "preview_type": ImportPreview, "row_type": ImportRow,
                "result_type": ImportResult}
        for name, value in fill.items():
            if not getattr(self, name):
                object.__setattr__(self, name, value)
        if self.duplicate_keys is None:
            object.__setattr__(self, "duplicate_keys", tuple((f.name,) for f in kind.fields if f.unique))
        if self.refused is None and kind.parent:
            parent = KINDS[kind.parent[1]].label
            object.__setattr__(self, "refused", f"{kind.label}是{parent}的一部分，不能单独导入，请随{parent}一起导入")
        if not self.anchor:
            object.__setattr__(self, "anchor", self._default_anchor())

    def _default_anchor(self) -> str:
        kind = self.kind
        names = kind.field_names()
        if kind.title_field in names and kind.field(kind.title_field).type in (TEXT, LONGTEXT):
            return f"{kind.name}.{kind.title_field}"
        if self.unit_ref is not None:
            return "unit.name"
        return next((t.key for t in self.targets if t.required), self.targets[0].key)

    @functools.cached_property
    def unit_ref(self) -> Field | None:
        """The record's reference to its unit, matched by credit code and name (None for a kind without one)."""
        if not self.unit_columns:
            return None
        return next((f for f in self.kind.refs() if f.ref == UNIT.name and self.kind is not UNIT), None)

    @functools.cached_property
    def row_kind(self) -> RecordKind | None:
        """The child kind of ``row_child``: each row one of its records."""
        return KINDS[self.kind.field(self.row_child).ref] if self.row_child else None

    def matched_refs(self, kind: RecordKind) -> list[Field]:
        """A kind's references matched from the row's columns: to a kind that declares ``matched_by``."""
        found = self._matched.get(kind.name)
        if found is None:
            found = self._matched[kind.name] = self._find_matched_refs(kind)
        return found

    @functools.cached_property
    def _matched(self) -> dict[str, list[Field]]:
        return {}  # asked for every row of a sheet

    def _find_matched_refs(self, kind: RecordKind) -> list[Field]:
        skip = {kind.parent[0]} if kind.parent else set()
        if kind is self.kind and self.unit_ref is not None:
            skip.add(self.unit_ref.name)
        return [f for f in kind.refs() if f.name not in skip and KINDS[f.ref].matched_by]

    @functools.cached_property
    def note_key(self) -> str | None:
        """Where what cannot be read is kept (备注), and where several columns may go."""
        names = self.kind.field_names()
        return f"{self.kind.name}.note" if "note" in names else None

    @functools.cached_property
    def targets(self) -> tuple[Target, ...]:
        kind, out = self.kind, []
        if self.unit_ref is not None:
            columns = self.unit_fields or (UNIT_COLUMNS if self.unit_sector else (*UNIT_COLUMNS, "sector"))
            for name in columns:
                f = UNIT.field(name)
                label = f.label if f.label.startswith("单位") or name == "uscc" else "单位" + f.label
                # The unit's name also goes by the reference's own label and names (事故单位, 被检查单位).
                names = (*_header_names(self.unit_ref), *_header_names(f)) if name == "name" else _header_names(f)
                out.append(Target("unit." + name, label, "单位", tuple(dict.fromkeys(names)),
                                  name == "name" and self.unit_ref.required, f.type, f.vocabulary))
        child_columns = {c.field: c for c in self.child_columns}
        for f in kind.fields:
            key = f"{kind.name}.{f.name}"
            if f.type == CHILDREN:
                column = child_columns.get(f.name)
                if column is not None:
                    out.append(Target(key, f.label, kind.label, tuple(dict.fromkeys((*column.names, *_header_names(f)))),
                                      False, CHILDREN))
                continue
            if f.type == REF:
                continue  # the unit through its columns above; other references by a Link
            required = (f.required and f.only_when is None and f.name not in self.defaults
                        and f.name not in kind.defaults and f.name not in self.optional)
            out.append(Target(key, f.label, kind.label, _header_names(f), required, f.type, f.vocabulary))
        out += _ref_targets(kind, self.matched_refs(kind))
        if self.row_kind is not None:
            child = self.row_kind
            for f in child.fields:
                if f.type not in (REF, CHILDREN):
                    out.append(Target(f"{child.name}.{f.name}", f.label, child.label, _header_names(f), False, f.type,
                                      f.vocabulary))
            out += _ref_targets(child, self.matched_refs(child))
        return (*out, *self.extra_targets, Target(SERIAL, "序号（不导入）", "其他", ("序号", "No", "No.")))

    @functools.cached_property
    def by_key(self) -> dict[str, Target]:
        return {t.key: t for t in self.targets}

    @functools.cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.targets if t.required)

    @functools.cached_property
    def names(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for target in self.targets:
            for name in target.names:
                index.setdefault(header_key(name), target.key)
        return index

    @functools.cached_property
    def strict_keys(self) -> frozenset[str]:
        """CHOICE fields whose value must be read: those named strict, and the required ones with no default."""
        keys = {f"{self.kind.name}.{name}" for name in self.strict}
        keys |= {t.key for t in self.targets if t.required and t.type == CHOICE}
        return frozenset(keys)

    def label_of(self, key: str | None) -> str:
        return self.by_key[key].label if key else "（不导入）"


SERIAL = "serial"
# What a sheet may say about the unit a record refers to (its 行业 column goes to the unit unless the record has
# a sector of its own, which a new unit then takes: ImportSpec.unit_sector).
UNIT_COLUMNS = ("name", "uscc", "village", "address", "principal", "phone", "lead_dept")


def _ref_targets(kind: RecordKind, refs: list[Field]) -> list[Target]:
    """The columns that name the record a reference points to, as its kind's ``matched_by`` says (人员: 身份证号,
    姓名 and 单位名称): key ``<kind>.<field>><its field>``; a REF among them by its record's title. The referred
    record's title is also read under the reference's own label (an exported sheet's 人员 column)."""
    out = []
    for f in refs:
        target = KINDS[f.ref]
        for name in dict.fromkeys(n for alternative in target.matched_by for n in alternative):
            tf = target.field(name)
            names = _header_names(tf)
            if tf.type == REF:
                titled = KINDS[tf.ref]
                tf = titled.field(titled.title_field)
                names = _header_names(tf)
            elif name == target.title_field:
                names = (*names, f.label)
            out.append(Target(f"{kind.name}.{f.name}>{name}", tf.label, target.label, names))
    return out


def _header_names(f: Field) -> tuple[str, ...]:
    """The headers that name a field: its import_names, and its label (what an exported sheet writes)."""
    return tuple(dict.fromkeys((*f.import_names, f.label)))


def header_key(text: object) -> str:
    """A header as compared: full-width forms folded (（元）→ (元)), no spaces or line breaks, no '*'
    required-marks, no trailing colon."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).strip("*★※:").lower()


def target_for_header(spec: ImportSpec, text: object) -> str | None:
    """The target a header names, if any; a bracketed note is ignored when needed (整改资金（万元）)."""
    key = header_key(text)
    if not key:
        return None
    names = spec.names
    hit = names.get(key)
    if hit is None:
        bare = re.sub(r"\(.*?\)", "", key)
        hit = names.get(bare) if bare and bare != key else None
    return hit


# --- the preview ---------------------------------------------------------------------------------------


class RowIssue(NamedTuple):
    """A row that cannot be taken, or that is taken with a warning: its row number in the sheet (1-based,
    as Excel shows it) and the reason in Chinese."""

    row: int
    reason: str

    @property
    def text(self) -> str:
        return f"第 {self.row} 行：{self.reason}"


@dataclass(frozen=True)
class Column:
    index: int  # 0-based column of the sheet
    header: str  # as written; a two-row header reads "整改情况/完成日期"
    target: str | None  # a Target key, or None: not imported
    sample: tuple[str, ...] = ()  # the first few values under it, for the mapping dialog
    target_label: str = "（不导入）"

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class PlannedUnit:
    """A unit the rows refer to: an existing one (``existing_id``) or one the import will create."""

    key: str
    values: dict
    existing_id: str | None = None
    matched_by: str | None = None  # "uscc", "name" or "chosen" (by the officer) for an existing unit
    rows: int = 0
    sector_given: bool = True  # False while a new unit has the default sector: a later row may give it
    # Registered units whose name differs from this new one's only by 平江县, 有限公司 and the like: offered as the
    # match (preview again with ``units={name: id}`` to take one).
    similar: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


@dataclass
class ImportRow:
    """A row that will be written: the record as stored (its unit filled at apply) and its child rows by kind
    (their reference to the record filled at apply)."""

    row: int
    unit_key: str | None
    values: dict
    children: dict[str, list[dict]]
    incomplete: bool = False


@dataclass
class ImportPreview:
    """What importing a file would do, before anything is written. Plain data: it may be built on one thread
    and applied on another (``session.reopen()``). To remap columns, call preview_records again with
    ``mapping``; the columns keep their detected targets unless the mapping says otherwise."""

    path: Path
    sheet_names: tuple[str, ...]
    sheet: str
    header_rows: tuple[int, ...]  # 1-based sheet rows of the header (two for a two-row header)
    columns: tuple[Column, ...]
    rows: list[ImportRow]
    units: dict[str, PlannedUnit]
    refused: list[RowIssue]
    warnings: list[RowIssue]
    skipped: list[RowIssue]  # rows that are not records (footer, group title) or already stored
    missing: tuple[str, ...]  # labels of required columns not found; nothing is checked until they are mapped
    township: str
    spec: ImportSpec
    applied: bool = False
    linked: int = 0  # records linked to another by a Link (hazards to their inspection)

    @property
    def kind(self) -> RecordKind:
        return self.spec.kind

    @property
    def targets(self) -> tuple[Target, ...]:
        """What a column may be mapped to, for the mapping dialog."""
        return self.spec.targets

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def header_row(self) -> int:
        """The header's last row: the records start below it."""
        return self.header_rows[-1]

    @property
    def mapping(self) -> dict[int, str | None]:
        return {c.index: c.target for c in self.columns}

    @property
    def unmapped(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.target is None)

    @property
    def records(self) -> int:
        return len(self.rows)

    def child_count(self, kind_name: str) -> int:
        return sum(len(r.children.get(kind_name, ())) for r in self.rows)

    @property
    def incomplete(self) -> int:
        return sum(r.incomplete for r in self.rows)

    @property
    def new_units(self) -> int:
        return sum(1 for u in self.units.values() if u.is_new and u.rows)

    @property
    def matched_units(self) -> int:
        return sum(1 for u in self.units.values() if not u.is_new and u.rows)

    @property
    def can_apply(self) -> bool:
        return not self.missing and not self.refused and bool(self.rows) and not self.applied

    def summary(self) -> str:
        """One paragraph for the dialog and the command line."""
        if self.missing:
            return _missing_message(self.missing)
        spec = self.spec
        text = (f"“{self.file_name}”工作表“{self.sheet}”：可导入{spec.noun} {self.records} 条"
                + (f"（其中 {self.incomplete} 条{spec.incomplete_words}）" if self.incomplete else ""))
        for child, (words, measure) in spec.child_words.items():
            text += f"，{words} {self.child_count(child)} {measure}"
        if spec.unit_ref is not None:
            text += f"，新建单位 {self.new_units} 家，匹配已有单位 {self.matched_units} 家"
        if self.linked:
            text += f"，关联{_linked_label(spec)} {self.linked} 条"
        if self.skipped:
            text += f"；跳过 {len(self.skipped)} 行"
        if self.warnings:
            text += f"；{len(self.warnings)} 条提示"
        if self.refused:
            text += f"。有 {len(self.refused)} 行不能导入，请在原表中改正后重新导入"
        return text + "。"

    def refusal(self) -> str | None:
        """Why this preview cannot be written, in words for the user; None when it can."""
        if self.applied:
            return "该预览已导入，如需再次导入请重新选择文件"
        if self.missing:
            return _missing_message(self.missing)
        if self.refused:
            shown = [issue.text for issue in self.refused[:20]]
            if len(self.refused) > 20:
                shown.append(f"……另有 {len(self.refused) - 20} 行")
            return (f"“{self.file_name}”有 {len(self.refused)} 行不能导入，未写入任何数据。请在原表中改正后重新导入：\n"
                    + "\n".join(shown))
        if not self.rows:
            return f"“{self.file_name}”中没有新的{self.spec.record_words}可导入"
        return None


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (nothing for a dry run): the ids by kind, and the backup made before it."""

    preview: ImportPreview
    written: bool
    ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    backup: Path | None = None

    @property
    def record_ids(self) -> tuple[str, ...]:
        return self.ids.get(self.preview.kind.name, ())

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """Units created for the records (for an import of units: the units imported)."""
        return self.ids.get(UNIT.name, ())

    @property
    def changed(self) -> dict[str, frozenset[str]]:
        """What a screen must refresh, as in services.Outcome."""
        return {name: frozenset(ids) for name, ids in self.ids.items()}

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.preview.warnings)

    def summary(self) -> str:
        p = self.preview
        if not self.written:
            return p.summary()
        spec = p.spec
        text = (f"已导入{spec.noun} {len(self.record_ids)} 条"
                + (f"（其中 {p.incomplete} 条{spec.incomplete_words}）" if p.incomplete else ""))
        for child, (words, measure) in spec.child_words.items():
            text += f"，{words} {len(self.ids.get(child, ()))} {measure}"
        if spec.unit_ref is not None:
            text += f"，新建单位 {len(self.unit_ids)} 家"
        if p.linked:
            text += f"，关联{_linked_label(spec)} {p.linked} 条"
        return text + "。" + (f"导入前的数据已备份到 {self.backup}。" if self.backup else "")


def _linked_label(spec: ImportSpec) -> str:
    return "、".join(KINDS[spec.kind.field(link.field).ref].label for link in spec.links)


# --- the kinds' specs -------------------------------------------------------------------------------

INSPECTION_SPEC = ImportSpec(
    INSPECTION, noun="检查记录", record_words="检查记录", sheet_noun="检查台账",
    child_columns=(ChildColumn("officers", "name", ("检查人员", "检查人", "执法人员", "检查人员姓名", "检查组成员"),
                               split_names),),
    duplicate_keys=(("unit_id", "date", "mode"),),
    child_words={"inspection_officer": ("检查人员", "人次")},
)
UNIT_SPEC = ImportSpec(UNIT, noun="单位", record_words="单位信息", sheet_noun="单位台账",
                       duplicate_keys=(("uscc",), ("name",)))
# 人员: a unit's roster (花名册); its unit by 单位名称 and 信用代码 only (a roster's 联系电话 is the person's).
PERSON_SPEC = ImportSpec(PERSON, noun="人员", record_words="人员信息", sheet_noun="花名册", anchor="person.name",
                         unit_fields=("name", "uscc", "sector"))
# 培训: a sign-in sheet, one attendee a row; rows of one day, type, 学时 and 培训机构 are one training.
TRAINING_SPEC = ImportSpec(
    TRAINING, noun="培训", record_words="参训人员", sheet_noun="培训签到表", anchor="training_attendee.person_id>name",
    unit_columns=False, row_child="attendees", group_by=("date", "training_type", "hours", "organiser"),
    duplicate_keys=(("date", "training_type", "hours", "organiser"),),
    child_words={"training_attendee": ("参训人员", "人次")})
CERTIFICATE_SPEC = ImportSpec(
    CERTIFICATE, noun="证书", record_words="证书信息", sheet_noun="证书名单", anchor="certificate.person_id>name",
    optional=("valid_until",), duplicate_keys=(("cert_type", "cert_no"), ("person_id", "cert_type", "valid_until")))
ATTACHMENT_SPEC = ImportSpec(KINDS["attachment"], refused="附件是照片和扫描件，不能从表格导入；请在记录中添加附件（命令行：pjdesk attach）")


@functools.cache
def _specs() -> dict[str, ImportSpec]:
    # The hazard ledger's spec lives with its lifecycle columns in ledger_import, which builds on this module.
    from .ledger_import import HAZARD_SPEC

    return {s.kind.name: s for s in (HAZARD_SPEC, INSPECTION_SPEC, UNIT_SPEC, ATTACHMENT_SPEC, PERSON_SPEC,
                                     TRAINING_SPEC, CERTIFICATE_SPEC)}


@functools.cache
def _default_spec(name: str) -> ImportSpec:
    return ImportSpec(KINDS[name])


def spec_for(kind: RecordKind | str | ImportSpec) -> ImportSpec:
    """The import spec of a kind (given as a kind, its name or command-line name, or a spec)."""
    if isinstance(kind, ImportSpec):
        return kind
    if isinstance(kind, str):
        from .records import kind_named

        kind = kind_named(kind)
    return _specs().get(kind.name) or _default_spec(kind.name)


# --- the three calls -----------------------------------------------------------------------------------

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


def preview_records(session: Session, kind: RecordKind | str | ImportSpec, path: str | Path, *,
                    sheet: str | None = None, mapping: Mapping[int, str | None] | None = None,
                    units: Mapping[str, str] | None = None) -> ImportPreview:
    """Read a sheet of records of ``kind`` and say what importing it would do. Writes nothing.

    ``sheet`` names the worksheet (default: the one whose header is best recognised). ``mapping`` overrides
    the detected mapping, column index (0-based) → Target key (``preview.targets``), or None to leave a column
    out. ``units`` takes an offered match: a unit name as the sheet writes it → the id of a registered unit.
    Raises PjdeskError when the file as a whole cannot be imported.
    """
    spec = spec_for(kind)
    if spec.refused:
        raise PjdeskError(spec.refused)
    require_recorded_here(session, spec.kind)
    station = session.require_station()
    path = Path(path)
    book = open_excel(path)
    with collector_paused():
        names, (chosen, header) = _choose_sheet(spec, book, path, sheet)
        columns = _columns(spec, chosen.grid, header, mapping)
        missing = tuple(spec.by_key[k].label for k in spec.required if k not in {c.target for c in columns})
        preview = spec.preview_type(path=path, sheet_names=names, sheet=header.sheet,
                                    header_rows=tuple(r + 1 for r in header.rows), columns=columns, rows=[], units={},
                                    refused=[], warnings=[], skipped=[], missing=missing, township=station.code,
                                    spec=spec)
        # Until the required columns are mapped the rows are not checked: every one would be refused alike.
        if not missing and not _read_rows(session, preview, chosen, header.rows[-1] + 1, units or {}):
            raise PjdeskError(f"“{path.name}”的工作表“{header.sheet}”在表头下没有{spec.record_words}。"
                              "请检查是否选错了工作表或文件。")
    return preview


def apply_records(session: Session, preview: ImportPreview, *, progress: ProgressFn | None = None,
                  cancelled: CancelledFn | None = None) -> ImportResult:
    """Write a preview: a backup first, then every new unit, record and child row in one transaction.

    All or nothing: a refused row, a cancel (``cancelled()`` returning True, checked between batches of
    1,000 records) or a disk error leaves the database as it was, and raises PjdeskError. ``progress(done,
    total)`` is called between batches; the last call, (total, total), comes after the commit.
    """
    station = session.require_station()
    reason = preview.refusal()
    if reason:
        raise PjdeskError(reason)
    if preview.township != station.code:
        raise PjdeskError("该预览属于另一个站点，请重新选择文件导入")
    spec, kind, store = preview.spec, preview.kind, session.store
    _check_units_unchanged(session, preview)
    units = [u for u in preview.units.values() if u.is_new and u.rows]
    child_kinds = list(dict.fromkeys(name for r in preview.rows for name in r.children))
    children = sum(len(rows) for r in preview.rows for rows in r.children.values())
    # The commit derives every record's state from its child rows: about as long again as writing the records.
    total = len(units) + 2 * preview.records + children
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if cancelled and cancelled():
            raise PjdeskError("已取消导入，未写入任何数据")
        if progress:
            progress(done, total)

    step(0)
    with plain_errors("导入前备份"):
        backup = backup_file(store.db, session.data_dir / "backups", reason="before-import", now=session.now())
    who, township = session.operator, station.code
    written: dict[str, list[str]] = {name: [] for name in _written_kinds(spec)}
    with collector_paused(), store.page_cache(_cache_kib(total)), store.transaction():
        unit_ids = store.insert_many(UNIT, [u.values for u in units], township=township, operator=who)
        written.setdefault(UNIT.name, []).extend(unit_ids)
        ids = {u.key: i for u, i in zip(units, unit_ids, strict=True)}
        ids.update({u.key: u.existing_id for u in preview.units.values() if not u.is_new})
        step(len(units))
        ref = spec.unit_ref.name if spec.unit_ref is not None else None
        record_ids = written.setdefault(kind.name, [])
        for chunk in _chunks(preview.rows, _CHUNK):
            rows = [{**r.values, ref: ids[r.unit_key]} if ref and r.unit_key else r.values for r in chunk]
            record_ids += store.insert_many(kind, rows, township=township, operator=who)
            step(len(chunk))
        for name in child_kinds:
            child = KINDS[name]
            parent_ref = child.parent[0]
            rows = [{**c, parent_ref: i} for r, i in zip(preview.rows, record_ids, strict=True)
                    for c in r.children.get(name, ())]
            for chunk in _chunks(rows, _CHUNK):
                written.setdefault(name, []).extend(store.insert_many(child, chunk, township=township, operator=who))
                step(len(chunk))
    preview.applied = True
    if progress:
        progress(total, total)
    return spec.result_type(preview, True, {name: tuple(i) for name, i in written.items()}, backup)


def import_records(session: Session, kind: RecordKind | str | ImportSpec, path: str | Path, *, dry_run: bool = False,
                   sheet: str | None = None, mapping: Mapping[int, str | None] | None = None,
                   progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Preview and write in one call (``pjdesk records import KIND FILE [--dry-run]``).

    A dry run returns the preview unwritten (``written`` False), refused rows included, so that every
    problem can be printed. Otherwise a file or a row that cannot be taken raises PjdeskError, whose message
    lists the refused rows, and nothing is written.
    """
    preview = preview_records(session, kind, path, sheet=sheet, mapping=mapping)
    if dry_run:
        return preview.spec.result_type(preview, False)
    return apply_records(session, preview, progress=progress, cancelled=cancelled)


def _written_kinds(spec: ImportSpec) -> list[str]:
    """Every kind an import of this spec may write, so that ``changed`` names them even when none was."""
    names = [UNIT.name] if spec.unit_ref is not None else []
    names.append(spec.kind.name)
    names += [spec.kind.field(c.field).ref for c in spec.child_columns]
    if spec.row_kind is not None:
        names.append(spec.row_kind.name)
    return [*names, *spec.child_words]


# Records per insert_many call: progress and cancel are checked between calls.
_CHUNK = 1000
# SQLite's page cache while an import writes (KiB per record, at most 64 MiB; the default is 2 MiB).
_CACHE_KIB_PER_RECORD, _CACHE_KIB_MAX = 1, 64 * 1024


def _cache_kib(records: int) -> int:
    """A page cache big enough for the import's transaction (with the default 2 MiB, 50,000 people spilled
    and re-read index pages all along it: half the import's time)."""
    return min(max(records * _CACHE_KIB_PER_RECORD, 2000), _CACHE_KIB_MAX)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _missing_message(labels: Iterable[str]) -> str:
    return ("表中没有找到" + "、".join(f"“{label}”" for label in labels)
            + "列。请在导入对话框中为其指定对应的列，或在原表表头中写明后重新导入。")


def _check_units_unchanged(session: Session, preview: ImportPreview) -> None:
    """The registry may have changed since the preview (a unit deleted, or added by hand): then the preview's
    matching no longer holds, and writing it would point at a missing unit or register one twice."""
    if not preview.units:
        return
    now = queries.township_units(session.store, preview.township)
    ids = {u["id"] for u in now}
    codes = {u["uscc"] for u in now if u["uscc"]}
    names = {_name_key(u["name"]) for u in now}
    for unit in preview.units.values():
        if not unit.rows:
            continue
        stale = (unit.existing_id not in ids if not unit.is_new
                 else unit.values.get("uscc") in codes or _name_key(unit.name) in names)
        if stale:
            raise PjdeskError(f"预览之后单位登记有变动（“{unit.name}”），请重新预览后再导入")


# --- reading the workbook ------------------------------------------------------------------------------

HEADER_SCAN = 15  # the header is looked for in the first rows only


@dataclass(frozen=True)
class _Header:
    sheet: str
    rows: tuple[int, ...]  # 0-based
    texts: tuple[str, ...]  # per column
    targets: tuple[str | None, ...]  # per column, as detected
    anchor: str

    @property
    def score(self) -> int:
        found = {t for t in self.targets if t}
        return len(found) + (2 if self.anchor in found else 0)


def _choose_sheet(spec: ImportSpec, book: ExcelFile, path: Path,
                  wanted: str | None) -> tuple[tuple[str, ...], tuple[Sheet, _Header]]:
    names = book.sheet_names
    if wanted is not None and wanted not in names:
        raise PjdeskError(f"“{path.name}”中没有名为“{wanted}”的工作表（现有：{'、'.join(names)}）")
    candidates = [wanted] if wanted is not None else book.worksheets()
    best, empty = None, True
    for name in candidates:
        sheet = book.read(name)
        if not any(_filled(v) for row in sheet.grid for v in row):
            continue
        empty = False
        header = _find_header(spec, name, sheet.grid, sheet.merged)
        if header and (best is None or header.score > best[1].score):
            best = (sheet, header)
    if empty:
        where = f"的工作表“{wanted}”" if wanted is not None else ""
        raise PjdeskError(f"“{path.name}”{where}是空表格，没有可导入的内容。请选择填写了{spec.record_words}的{spec.sheet_noun}。")
    if best is None:
        where = f"工作表“{wanted}”" if wanted is not None else f"“{path.name}”"
        raise PjdeskError(f"在{where}中没有找到{spec.sheet_noun}表头。请确认表格前 {HEADER_SCAN} 行内有表头，"
                          f"至少包括{_expected_headers(spec)}等列名。")
    return names, best


def _expected_headers(spec: ImportSpec) -> str:
    """“隐患描述”（或 隐患内容、存在问题、隐患问题）、“单位名称”（或 …）和“发现日期”（或 …）"""
    keys = list(dict.fromkeys([spec.anchor, *spec.required]))
    parts = []
    for key in keys:
        target = spec.by_key[key]
        names = target.names or (target.label,)
        parts.append(f"“{names[0]}”" + (f"（或 {'、'.join(names[1:4])}）" if len(names) > 1 else ""))
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _find_header(spec: ImportSpec, sheet: str, grid: list[list], merged: list) -> _Header | None:
    """The header is the row, or pair of rows, among the first rows whose cells name the most fields; the
    earliest on a tie (a child row whose parents are merged down into it names as many as the pair)."""
    best = None
    # Only the ranges that reach into the header rows matter here; a long sheet may merge thousands below.
    merged = [m for m in merged if m[0][0] <= HEADER_SCAN]
    for r in range(min(HEADER_SCAN, len(grid))):
        rows = (r, r + 1) if _two_row_header(spec, grid, r, merged) else (r,)
        header = _header_at(spec, sheet, grid, rows, merged)
        if best is None or header.score > best.score:
            best = header
    # Three recognised columns, or the anchor and one more: enough to show the mapping dialog, where the
    # officer can name the rest by hand.
    if best is None or best.score < 3:
        return None
    return best


def _two_row_header(spec: ImportSpec, grid: list[list], r: int, merged: list) -> bool:
    """Whether row r+1 holds the children of a header in row r (整改情况 over 完成日期/复查人): row r has
    several headings (a title row has one), and row r+1's own cells are mostly header names, not data."""
    if r + 1 >= len(grid) or _looks_like_data(grid[r + 1]):
        return False
    if len({t for t in _spread(grid, r, merged) if t}) < 2:
        return False
    continued = {c for (r1, c1), (r2, c2) in merged if r1 <= r < r2 for c in range(c1, c2 + 1)}
    parents = _spread(grid, r, merged)
    named = unnamed = 0
    for c, child in enumerate(_spread(grid, r + 1, merged)):
        if not child or c in continued:
            continue
        parent = parents[c] if c < len(parents) else ""
        if any(target_for_header(spec, t) for t in (child, parent + child, child + parent)):
            named += 1
        else:
            unnamed += 1
    return named > 0 and named >= unnamed


def _looks_like_data(row: list) -> bool:
    return any(isinstance(v, (int, float, dt.date, dt.datetime)) and not isinstance(v, bool) for v in row)


def _spread(grid: list[list], r: int, merged: list) -> list[str]:
    """The header texts of row r, with a merged cell's text in every column it covers."""
    texts = [_header_text(v) for v in grid[r]]
    for (r1, c1), (r2, c2) in merged:
        if r1 <= r <= r2:
            for c in range(c1, min(c2 + 1, len(texts))):
                texts[c] = _header_text(grid[r1][c1]) if c1 < len(grid[r1]) else ""
    return texts


def _header_text(value: object) -> str:
    return re.sub(r"\s+", "", str(value)) if _filled(value) else ""


def _header_at(spec: ImportSpec, sheet: str, grid: list[list], rows: tuple[int, ...], merged: list) -> _Header:
    top = _spread(grid, rows[0], merged)
    if len(rows) == 1:
        pairs = [("", t) for t in top]
    else:
        bottom = _spread(grid, rows[1], merged)
        pairs = list(zip(top, bottom, strict=True))
    # A parent spanning several children (整改情况 over 完成日期/复查人) names the group, not a column.
    wide = {c for (r1, c1), (r2, c2) in merged if r1 <= rows[0] <= r2 and c2 > c1 for c in range(c1, c2 + 1)}
    texts, targets, taken = [], [], set()
    for c, (parent, child) in enumerate(pairs):
        if parent == child:
            parent = ""
        candidates = [child] if not parent else [parent + child, child + parent, child]
        if parent and (not child or c not in wide):
            candidates.append(parent)
        target = next((t for t in (target_for_header(spec, x) for x in candidates if x) if t), None)
        if target in taken and target != spec.note_key:
            target = None
        taken.add(target)
        texts.append(f"{parent}/{child}" if parent and child else parent or child)
        targets.append(target)
    return _Header(sheet, rows, tuple(texts), tuple(targets), spec.anchor)


def _columns(spec: ImportSpec, grid: list[list], header: _Header,
             mapping: Mapping[int, str | None] | None) -> tuple[Column, ...]:
    width = max((len(row) for row in grid), default=0)
    first = header.rows[-1] + 1
    targets = list(header.targets) + [None] * (width - len(header.targets))
    texts = list(header.texts) + [""] * (width - len(header.texts))
    if mapping:
        targets = _remapped(spec, targets, mapping)
    columns = []
    for c in range(width):
        sample = tuple(cell_text(v) for v in (row[c] for row in grid[first:first + 50] if c < len(row))
                       if _filled(v))[:3]
        if texts[c] or sample or targets[c]:
            columns.append(Column(c, texts[c], targets[c], sample, spec.label_of(targets[c])))
    return tuple(columns)


def _remapped(spec: ImportSpec, targets: list, mapping: Mapping[int, str | None]) -> list:
    """The user's choices over the detected ones: a field chosen for a column leaves the column it was
    detected in; two columns chosen for one field are refused."""
    chosen: dict[str, int] = {}
    for index, key in mapping.items():
        if not 0 <= index < len(targets):
            raise PjdeskError(f"表中没有第 {index + 1} 列")
        if key is not None and key not in spec.by_key:
            raise PjdeskError(f"未知的导入项“{key}”")
        if key and key != spec.note_key:
            if key in chosen:
                raise PjdeskError(f"“{spec.by_key[key].label}”对应了两列（{column_letter(chosen[key])} 列和 "
                                  f"{column_letter(index)} 列），请只保留一列")
            chosen[key] = index
    out = [None if t in chosen else t for t in targets]
    for index, key in mapping.items():
        out[index] = key
    return out


# --- cell values ---------------------------------------------------------------------------------------

# What sheets write in a cell that has nothing to say.
PLACEHOLDERS = {"/", "／", "\\", "-", "－", "--", "—", "——", "无", "暂无", "空"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = range(29221, 73051)  # Excel day numbers of 1980-01-01 … 2099-12-31: a date cell left as General


class Refuse(Exception):
    """A value that makes the row wrong; the message is the reason shown."""


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if not text or text in PLACEHOLDERS else text
    return value


def _text_of_number(value: object, label: str) -> str:
    """A text cell Excel holds as a number: beyond 15 digits (an 18-digit 身份证号) its last digits are gone."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise Refuse(f"{label}在 Excel 中存成了数字，15 位以后的数字已丢失；请将该列设为文本格式，重新填写后再导入")
    return cell_text(value)


def cell_text(value: object) -> str:
    """A cell as text: a whole number without its .0, a date as YYYY-MM-DD."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number or a serial typed into a number cell
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# A sheet repeats its values (the same few hundred days, levels, sectors, units): the conversions below are
# memoised, which takes a 10,000-row preview from seconds to well under one.
@functools.lru_cache(maxsize=8192, typed=True)
def folded(value: object) -> str:
    """A cell as compared with words: full-width forms folded, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


@functools.lru_cache(maxsize=8192, typed=True)
def _day(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and int(value) in _SERIALS:
        return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    day = parse_date(value)
    return day.isoformat() if day else None


def read_date(value: object, label: str) -> str | None:
    """A date cell or a date written as text, as YYYY-MM-DD; Refuse with the reason when it is not one."""
    try:
        return _day(value)
    except NotADate as e:
        raise Refuse(f"{label}{e}") from None


_AT_ONCE = re.compile(r"^(立即|立行立改|即查即改|当场|现场|马上)(整改|改正|完成)?$")
_WITHIN_DAYS = re.compile(r"^(?:限期)?(\d{1,3})(?:个工作日|天|日)(?:内)?(?:整改|完成|整改完毕|整改完成)?$")


def _relative_date(value: object, base: str | None, label: str) -> str | None:
    """A date, or as old sheets write a deadline, relative to another date of the row (立即整改, 7天内)."""
    if isinstance(value, str) and base:
        text = folded(value)
        if _AT_ONCE.match(text):
            return base
        m = _WITHIN_DAYS.match(text)
        if m:
            return (dt.date.fromisoformat(base) + dt.timedelta(days=int(m.group(1)))).isoformat()
    return read_date(value, label)


_MONEY = re.compile(r"^(?:约)?(\d+(?:\.\d+)?)(万元|万|元)?$")


def _money(value: object, yuan_per_unit: int) -> int | None:
    """元 (or 万元 when the header says so) → integer 分. None when the cell is not an amount."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(value * yuan_per_unit * 100) if value >= 0 else None
    text = re.sub(r"[,，\s¥￥]|人民币", "", unicodedata.normalize("NFKC", str(value)))
    m = _MONEY.match(text)
    if not m:
        return None
    factor = {"万元": 10000, "万": 10000, "元": 1}.get(m.group(2), yuan_per_unit)
    return round(float(m.group(1)) * factor * 100)


# Obvious synonyms of vocabulary values, tried in order as substrings once an exact match fails.
_SYNONYMS = {
    "sector": (
        ("危险化学品", "危化"), ("危化", "危化"), ("化工", "危化"), ("非煤", "非煤矿山"), ("矿山", "非煤矿山"),
        ("烟花", "烟花爆竹"), ("爆竹", "烟花爆竹"), ("冶炼", "金属冶炼"), ("冶金", "金属冶炼"), ("粉尘", "涉爆粉尘"),
        ("钢铁", "钢铁/铝加工"), ("铝加工", "钢铁/铝加工"), ("建筑", "建筑施工"), ("房屋市政", "建筑施工"),
        ("燃气", "燃气"), ("液化气", "燃气"), ("交通", "交通运输"), ("运输", "交通运输"), ("特种设备", "特种设备使用"),
        ("人员密集", "人员密集场所"), ("自建房", "自建房经营"), ("旅游", "文旅"), ("文旅", "文旅"), ("学校", "学校"),
        ("教育", "学校"), ("工贸", "工贸其他"), ("其他", "其他"), ("其它", "其他"),
    ),
    "hazard_level": (("重大", "重大"), ("一般", "一般")),
    "hazard_source": (
        ("自查", "企业自查"), ("执法", "部门执法"), ("移送", "部门移送"), ("移交", "部门移送"), ("交办", "上级交办"),
        ("上级", "上级交办"), ("督查", "上级交办"), ("举报", "群众举报"), ("投诉", "群众举报"), ("媒体", "媒体曝光"),
        ("曝光", "媒体曝光"), ("部门", "部门执法"), ("乡镇", "乡镇检查"), ("检查", "乡镇检查"), ("排查", "乡镇检查"),
        ("巡查", "乡镇检查"),
    ),
    "hazard_category": (
        ("基础", "基础管理"), ("现场", "现场管理"), ("人的", "人的不安全行为"), ("行为", "人的不安全行为"),
        ("物的", "物的不安全状态"), ("环境", "环境因素"), ("管理缺陷", "管理缺陷"),
    ),
    "inspection_mode": (
        ("双随机", "双随机"), ("随机", "双随机"), ("暗查", "暗查暗访"), ("暗访", "暗查暗访"), ("复查", "整改复查"),
        ("回头看", "整改复查"), ("举报", "举报核查"), ("投诉", "举报核查"), ("联合", "联合检查"), ("专项", "专项检查"),
        ("计划", "计划执法"), ("日常", "日常巡查"), ("巡查", "日常巡查"),
    ),
    "person_role_class": (
        ("主要负责", "主要负责人"), ("法定代表", "主要负责人"), ("分管", "分管负责人"), ("安全管理", "专职安全管理人员"),
        ("安管", "专职安全管理人员"), ("安全员", "专职安全管理人员"), ("班组", "班组长"), ("特种作业", "特种作业人员"),
        ("特种设备", "特种作业人员"), ("高风险", "高风险岗位操作人员"), ("一般", "一般从业人员"), ("从业人员", "一般从业人员"),
        ("普通", "一般从业人员"), ("员工", "一般从业人员"),
    ),
    "employment_form": (("派遣", "劳务派遣"), ("灵活", "灵活用工"), ("临时", "灵活用工"), ("零工", "灵活用工"),
                        ("正式", "正式"), ("合同", "正式"), ("在编", "正式")),
    "training_type": (
        ("岗前", "岗前培训"), ("新员工", "岗前培训"), ("入职", "岗前培训"), ("再培训", "年度再培训"), ("年度", "年度再培训"),
        ("三类", "三类人员培训"), ("三级", "三级安全教育"), ("特种作业", "特种作业培训"), ("监管人员", "新调整监管人员培训"),
        ("其他", "其他"), ("其它", "其他"),
    ),
    "exam_result": (("不合格", "不合格"), ("未通过", "不合格"), ("不通过", "不合格"), ("合格", "合格"), ("通过", "合格"),
                    ("优", "合格"), ("良", "合格")),
    "certificate_type": (
        ("特种设备", "特种设备作业人员证"), ("建筑", "建筑施工特种作业操作资格证"), ("特种作业", "特种作业操作证"),
        ("管理能力", "安全生产知识和管理能力考核合格证"), ("安全生产知识", "安全生产知识和管理能力考核合格证"),
        ("安全资格", "安全生产知识和管理能力考核合格证"), ("安管", "安全生产知识和管理能力考核合格证"),
    ),
    "unit_status": (("停产", "停产"), ("停业", "停产"), ("注销", "注销"), ("关闭", "关闭"), ("正常", "正常"), ("在营", "正常")),
}


def _choice(vocabulary_name: str, value: object) -> str | None:
    """The choice a cell names: as written (spaces and full-width forms aside), by the code it begins with
    (T36 for “T36 新建生物防火隔离带”), or by a synonym the import knows."""
    text = folded(value)
    choices = vocabulary(vocabulary_name)
    if text in choices:
        return text
    by_form = {folded(c): c for c in choices}
    if text in by_form:
        return by_form[text]
    coded = [c for c in choices if " " in c and folded(c.split(" ", 1)[0]) == text]
    if len(coded) == 1:
        return coded[0]
    for word, choice in _SYNONYMS.get(vocabulary_name, ()):
        if word in text and choice in choices:
            return choice
    return None


def _strict_choice(vocabulary_name: str, value: object, label: str) -> str:
    chosen = _choice(vocabulary_name, value)
    if chosen is None:
        choices = [f"“{c}”" for c in vocabulary(vocabulary_name)]
        expected = "或".join(choices) if len(choices) <= 3 else "以下之一：" + "、".join(choices)
        raise Refuse(f"{label}“{cell_text(value)}”无法识别，应为{expected}")
    return chosen


def _tags(vocabulary_name: str, value: object) -> tuple[list[str], list[str]]:
    known = vocabulary(vocabulary_name)
    parts = [p for p in re.split(r"[、,，;；|\n]", unicodedata.normalize("NFKC", cell_text(value))) if p.strip()]
    by_form = {unicodedata.normalize("NFKC", t): t for t in known}
    good = [by_form[p.strip()] for p in parts if p.strip() in by_form]
    return good, [p.strip() for p in parts if p.strip() not in by_form]


_YES = {"是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "对"}
_NO = {"否", "×", "✗", "n", "no", "false", "0", "没有", "未"}


def _flag(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    text = folded(value).lower()
    return 1 if text in _YES else 0 if text in _NO else None


_COUNTED = re.compile(r"^(\d+)(?:项|处|条|个|家|人|次|份)?$")


def _whole_number(value: object, label: str) -> int:
    m = _COUNTED.match(folded(value))
    if not m:
        raise Refuse(f"{label}“{cell_text(value)}”应为整数")
    return int(m.group(1))


_DECIMAL = re.compile(r"^(\d+(?:\.\d+)?)(?:公顷|ha)?$", re.IGNORECASE)


def _decimal(value: object, label: str) -> int:
    """A number with decimals (1.5, "1.5公顷") → integer hundredths, as a DECIMAL field is stored."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value >= 0:
            return round(value * 100)
    elif m := _DECIMAL.match(folded(value).replace(",", "")):
        return round(float(m.group(1)) * 100)
    raise Refuse(f"{label}“{cell_text(value)}”应为数字（可带两位小数）")


def kept_or_noted(converted: object, value: object, label: str, context: tuple, why: str) -> object:
    """A value the import could not read is not a reason to refuse the row: it is left out with a warning,
    and its text goes to 备注 so that nothing the sheet said is lost."""
    if converted is None:
        _, warnings, notes = context
        warnings.append(f"{label}“{cell_text(value)}”{why}（原文已记入备注）")
        notes.append(f"{label}：{cell_text(value)}")
    return converted


# Lines under (or beside) the table that are not records: signatures, dates, notes, totals. Short words that
# could begin a description (注, 说明) count only with their colon.
_FOOTER = re.compile(
    r"^\s*(?:(?:填表|填报|制表|审核|审批|统计|报送)(?:人|日期|单位)?|(?:单位|主要)?负责人|分管领导|主要领导|联系人"
    r"|联系电话|签字|签名|盖章|[(（]盖章[)）]|合计|总计|小计)"
    r"|^\s*(?:注|说明|备注|日期)\s*\d*\s*[:：.．、]")


# --- rows ----------------------------------------------------------------------------------------------


def _read_rows(session: Session, preview: ImportPreview, sheet: Sheet, first: int, chosen: Mapping[str, str]) -> int:
    """Read every row under the header into the preview; returns how many looked like records."""
    spec = preview.spec
    grid = sheet.grid
    banners = _fill_merged(grid, sheet.merged, first)
    reader = _RowReader(session, preview, chosen)
    formulas = _unsaved_formulas(preview, sheet, first)
    note = spec.note_key
    mapped = [(c.index, c.target) for c in preview.columns if c.target and c.target not in (SERIAL, note)]
    # Several columns may feed 备注; each but a plain 备注 column says where its text came from.
    notes = [(c.index, "" if target_for_header(spec, c.header.rsplit("/", 1)[-1]) == note else f"{c.header}：")
             for c in preview.columns if note and c.target == note]
    anchor = spec.anchor
    text_anchor = spec.by_key[anchor].type in (TEXT, LONGTEXT)
    placeholders = PLACEHOLDERS
    records = 0
    for r in range(first, len(grid)):
        if r in formulas:
            preview.refused.append(RowIssue(r + 1, formulas[r]))
            records += 1
            continue
        cells = grid[r]
        width = len(cells)
        values: dict[str, object] = {}
        for index, key in mapped:
            value = cells[index] if index < width else None
            if value.__class__ is str:
                value = value.strip()
                if not value or value in placeholders:
                    continue
            elif value is None:
                continue
            values[key] = value
        if notes:
            texts = [prefix + cell_text(cells[i]) for i, prefix in notes if i < width and _cell(cells[i]) is not None]
            if texts:
                values[note] = "；".join(texts)
        marker = values.get(anchor)
        if (marker is None or (text_anchor and marker.__class__ is not str)  # a number: the column-number row
                or _is_footer(marker) and all(_is_footer(v) for v in values.values())):
            # Not a record, unless it is one that lacks its anchor (refused below).
            skip = _not_a_record(cells, r, banners, spec.record_words)
            if skip:
                preview.skipped.append(RowIssue(r + 1, skip))
                continue
            if not values:
                continue  # blank, or only a pre-printed 序号
        reader.read(r + 1, values)
        records += 1
    reader.finish()
    return records


def _unsaved_formulas(preview: ImportPreview, sheet: Sheet, first: int) -> dict[int, str]:
    """Rows with a formula whose result the file does not hold, in a column that is imported → the reason.

    Excel and WPS save each formula's result beside it; a program that writes formulas without calculating
    them (a report generator, openpyxl, xlsxwriter) leaves none, or a placeholder 0, so calamine would read
    an empty cell or "0" where the officer sees a value."""
    imported = {c.index: c for c in preview.columns if c.target and c.target != SERIAL}
    columns: dict[int, list[Column]] = {}
    for row, col in sheet.unsaved_formulas:
        if row >= first and col in imported:
            columns.setdefault(row, []).append(imported[col])
    return {row: f"{'、'.join(c.letter for c in cells)} 列（{'、'.join(c.target_label for c in cells)}）是公式，"
                 "文件中没有保存它的计算结果。请先在 Excel 或 WPS 中打开该文件并保存，再重新导入"
            for row, cells in ((row, sorted(cells, key=lambda c: c.index)) for row, cells in columns.items())}


def _is_footer(value: object) -> bool:
    return isinstance(value, str) and bool(_FOOTER.match(value))


def _fill_merged(grid: list[list], merged: list, first: int) -> dict[int, tuple[int, int]]:
    """Below the header, a cell merged down several rows (one unit's name over its three hazards) holds its
    value for each of them. Returns the rows whose one content is a cell merged across several columns:
    group titles (一、危化企业), not records."""
    banners = {}
    for (r1, c1), (r2, c2) in merged:
        if r1 < first or r1 >= len(grid) or c1 >= len(grid[r1]):
            continue  # header cells are spread by _spread
        if r2 > r1:
            value = grid[r1][c1]
            for r in range(max(r1 + 1, first), min(r2 + 1, len(grid))):
                if c1 < len(grid[r]) and not _filled(grid[r][c1]):
                    grid[r][c1] = value
        if c2 - c1 >= 2:
            banners[r1] = (c1, c2)
    return banners


def _not_a_record(cells: list, r: int, banners: dict, record_words: str) -> str | None:
    """Why a row without its anchor is not a record (a footer, a group title, the column numbers under the
    header, a note in an unmapped column); None when it is a record that lacks its anchor, or holds nothing
    worth mentioning."""
    filled = [(c, v) for c, v in enumerate(cells) if _filled(v)]
    if any(_is_footer(v) for _, v in filled):
        return f"页脚或说明行（填表人、审核人等），不是{record_words}，已跳过"
    if r in banners:
        c1, c2 = banners[r]
        if all(c1 <= c <= c2 for c, _ in filled):
            return f"分组标题“{cell_text(filled[0][1])[:30]}”，不是{record_words}，已跳过"
    numbers = [v for _, v in filled if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == len(filled) >= 3 and numbers == list(range(int(numbers[0]), int(numbers[0]) + len(numbers))):
        return "表头下的列序号行，已跳过"
    return None


class _RowReader:
    """Turns a row's values into a planned record, its child rows and its unit, collecting what is wrong."""

    def __init__(self, session: Session, preview: ImportPreview, chosen: Mapping[str, str]):
        self.session, self.preview, self.spec = session, preview, preview.spec
        self.kind = self.spec.kind
        self.today = session.today()
        self.county = session.require_station().is_county
        self.store = session.store
        spec = self.spec
        self.units = (_UnitBook(queries.township_units(session.store, preview.township), preview, self.today, chosen,
                                spec.sheet_noun) if spec.unit_ref is not None else None)
        self.unique = {f.name: {} for f in self.kind.fields if f.unique}  # value → the first row that has it
        header = {c.target: c.header for c in preview.columns if c.target}
        # Per target: where the value goes (record / unit / children / the spec's own) and how it is converted.
        self.plan = {}
        row_kind = spec.row_kind
        for target in spec.targets:
            prefix, _, name = target.key.partition(".")
            if prefix == self.kind.name and ">" in name:
                scope = "ref"
            elif prefix == self.kind.name and name:
                scope = "children" if target.type == CHILDREN else "record"
            elif row_kind is not None and prefix == row_kind.name and name:
                scope = "childref" if ">" in name else "child"
            elif prefix == UNIT.name and name:
                scope = "unit"
            else:
                scope, name = "extra", target.key
            self.plan[target.key] = (scope, name, self._converter(target, header.get(target.key, "")))
        self.children_of = {c.field: self.kind.field(c.field).ref for c in spec.child_columns}
        self.books: dict[str, _RecordBook] = {}  # referred kind → its records, for matched references
        self.groups: dict[tuple, ImportRow] = {}  # a row_child spec: the record of each group_by key
        self.members: dict[tuple, list[tuple[int, dict]]] = {}  # and its child rows, with their sheet rows

    def _refer(self, kind: RecordKind, given: dict, into: dict, reasons: list, warnings: list) -> None:
        """Fill each matched reference of ``kind`` from the row's columns naming its record (``given``:
        "field>its field" → text): the record found, or the row refused naming who was not found."""
        by_field: dict[str, dict] = {}
        for key, value in given.items():
            name, _, theirs = key.partition(">")
            by_field.setdefault(name, {})[theirs] = value
        for f in self.spec.matched_refs(kind):
            values = by_field.get(f.name)
            if not values:
                if f.required:
                    reasons.append(f"未填{f.label}")
                continue
            book = self.books.get(f.ref)
            if book is None:
                book = self.books[f.ref] = _RecordBook(self.store, KINDS[f.ref], self.preview.township)
            found = book.resolve(values, reasons, warnings)
            if found:
                into[f.name] = found

    def _converter(self, target: Target, header: str) -> Converter:
        """How a cell becomes what is stored for a target; a converter returns None (having said why in a
        warning, the original text kept in 备注) to leave a value out, and raises Refuse when it is wrong."""
        spec = self.spec
        label, kind, vocab = target.label, target.type, target.vocabulary
        if target.key in spec.converters:
            return spec.converters[target.key]
        field_name = target.key.partition(".")[2]
        base = spec.relative_dates.get(field_name) if target.key.startswith(self.kind.name + ".") else None
        if base is not None:
            base_key = f"{self.kind.name}.{base}"

            def relative(value, context):
                raw = context[0].get(base_key)
                try:
                    day = read_date(raw, "") if raw is not None else None
                except Refuse:
                    day = None  # reported by the base date's own converter
                return _relative_date(value, day, label)
            return relative
        if kind == DATE:
            return lambda value, _: read_date(value, label)
        if kind == MONEY:
            per = 10000 if "万元" in header else 1
            return lambda value, context: kept_or_noted(_money(value, per), value, label, context, "不是金额，未导入该项")
        if kind == CHOICE and vocab:
            if target.key in spec.strict_keys:
                return lambda value, _: _strict_choice(vocab, value, label)
            return lambda value, context: kept_or_noted(_choice(vocab, value), value, label, context,
                                                        "不在可选项中，已留空")
        if kind == TAGS and vocab:
            def tags(value, context):
                good, unknown = _tags(vocab, value)
                if unknown:
                    _, warnings, notes = context
                    warnings.append(f"{label}“{'、'.join(unknown)}”不在可选项中，未导入（原文已记入备注）")
                    notes.append(f"{label}：{'、'.join(unknown)}")
                return join_tags(good) or None
            return tags
        if kind == INT:
            return lambda value, _: _whole_number(value, label)
        if kind == DECIMAL:
            return lambda value, _: _decimal(value, label)
        if kind == BOOL:
            return lambda value, context: kept_or_noted(_flag(value), value, label, context,
                                                        "无法识别为“是”或“否”，未导入该项")
        if kind == CHILDREN:
            column = next(c for c in spec.child_columns if f"{self.kind.name}.{c.field}" == target.key)
            return lambda value, _: [{column.child_field: n.strip()} for n in column.split(cell_text(value))]
        personal = self._personal(target.key)
        if personal is not None:
            return self._personal_converter(personal, label)
        return lambda value, _: value if value.__class__ is str else _text_of_number(value, label)

    def _personal(self, key: str) -> tuple[RecordKind, Field] | None:
        """The kind and field of a target that is personal data (a 身份证号, a phone number)."""
        prefix, _, name = key.partition(".")
        kind = KINDS.get(prefix)
        if kind is None or ">" in name or name not in kind.field_names():
            return None
        f = kind.field(name)
        return (kind, f) if f.personal else None

    @staticmethod
    def _personal_converter(personal: tuple[RecordKind, Field], label: str) -> Converter:
        """A number as pjdesk's lists and exports show it (430626********1234) is not the number: where it tells
        who the record is (the kind's ``matched_by``) it is kept to find that record by; anywhere else it is
        left out, so that a masked value is never stored."""
        kind, f = personal
        identifies = any(f.name in alternative for alternative in kind.matched_by)

        def convert(value, context):
            text = value if value.__class__ is str else _text_of_number(value, label)
            if identifies or mask_of(text) is None:
                return text
            context[1].append(f"{label}“{text}”隐去了部分数字（从 pjdesk 导出的表），未导入该项；请填写完整的{label}")
            return None
        return convert

    def read(self, row: int, values: dict) -> None:
        spec = self.spec
        reasons: list[str] = []
        warnings: list[str] = []
        note = spec.note_key
        notes: list[str] = [values[note]] if note in values else []
        record: dict[str, object] = {**self.kind.defaults, **spec.defaults}
        unit_values: dict[str, object] = {}
        extra: dict[str, object] = {}
        listed: dict[str, list[dict]] = {}  # CHILDREN field → rows
        row_kind = spec.row_kind
        child = {**row_kind.defaults} if row_kind is not None else {}
        refs: dict[str, object] = {}
        child_refs: dict[str, object] = {}
        where = {"record": record, "unit": unit_values, "extra": extra, "children": listed, "ref": refs,
                 "child": child, "childref": child_refs}
        context = (values, warnings, notes)
        plan = self.plan
        for key, value in values.items():
            if key == note:
                continue
            scope, name, convert = plan[key]
            try:
                converted = convert(value, context)
            except Refuse as e:
                reasons.append(str(e))
                continue
            if converted is not None:
                where[scope][name] = converted
        if notes:
            record[note.partition(".")[2]] = "；".join(notes)
        for key in spec.required:
            if key not in values and plan[key][0] == "record":
                missing = f"未填{spec.by_key[key].label}"
                if key == spec.anchor:
                    reasons.insert(0, missing)
                else:
                    reasons.append(missing)
        children = spec.lifecycle(record, extra, reasons, warnings, self.today) if spec.lifecycle else {}
        if not reasons:
            self._refer(self.kind, refs, record, reasons, warnings)
        if row_kind is not None and not reasons:
            self._refer(row_kind, child_refs, child, reasons, warnings)
        unit = None
        if self.units is not None and not reasons and (unit_values or spec.unit_ref.required):
            sector = record.get(spec.unit_sector) if spec.unit_sector else unit_values.get("sector")
            unit = self.units.resolve(unit_values, sector, reasons, warnings)
        if not reasons and self._registered_already(row, record, unit, reasons):
            return
        incomplete = False
        if not reasons:
            incomplete = self._check(row, record, unit, listed, children, reasons, warnings)
        if reasons:
            if unit is not None:
                unit.rows -= 1
            self.preview.refused.append(RowIssue(row, "；".join(dict.fromkeys(reasons))))
            return
        for name, rows in listed.items():
            children[self.children_of[name]] = rows
        if row_kind is not None:
            self._grouped(row, unit, record, child, warnings, incomplete)
            return
        self.preview.warnings += [RowIssue(row, w) for w in warnings]
        self.preview.rows.append(self.spec.row_type(row, unit.key if unit else None, record, children, incomplete))

    def _registered_already(self, row: int, record: dict, unit: PlannedUnit | None, reasons: list) -> bool:
        """Whether a row is a record already registered though its sure identity (the first of the kind's
        ``matched_by``: a 身份证号) does not say so, in which case it is skipped; returns False to read it on.

        - Masked (430626********1234, as pjdesk's lists and exports show it): the record the kind's other
          fields find (姓名 within the unit) among those whose number shows the same digits, exactly one; the
          masked value never overwrites the whole one. A row that finds none, or several, is refused.
        - Left out: a record the other fields find that has none either (a roster read again must not register
          its people without a number twice); a row that finds none is a new record.
        """
        kind = self.kind
        if len(kind.matched_by) < 2:
            return False
        first = kind.matched_by[0]
        masked_fields = [n for n in first if n in record and kind.field(n).personal and mask_of(str(record[n]))]
        if not masked_fields and any(record.get(n) for n in first):
            return False
        named = dict.fromkeys(n for alternative in kind.matched_by for n in alternative)
        # The row's own values; its unit (a reference, matched by its title) as the unit the row was given.
        given = {n: record[n] for n in named if kind.field(n).type != REF and record.get(n)}
        ref = self.spec.unit_ref
        if unit is not None and ref is not None and ref.name in named:
            if unit.is_new and masked_fields:
                shown = "、".join(f"{kind.field(n).label} {record[n]}" for n in masked_fields)
                reasons.append(f"{shown}隐去了部分数字（从 pjdesk 导出的表），单位“{unit.name}”又未登记，无法核对是哪一位"
                               f"{kind.label}；请填写完整的{'、'.join(kind.field(n).label for n in masked_fields)}")
                return False
            if unit.is_new:
                return False  # nobody is registered in a unit the import creates
            given[ref.name] = unit.name
        book = self.books.get(kind.name)
        if book is None:
            book = self.books[kind.name] = _RecordBook(self.store, kind, self.preview.township)
        if masked_fields:
            found = book.resolve(given, reasons, [])
            if found is None:
                return False
            how = (f"{'、'.join(kind.field(n).label for n in masked_fields)}隐去了部分数字，"
                   f"按{book.label_of_rest(given)}和可见的数字核对为同一{kind.label}")
            titles = [book.title_of(found)]
        else:
            same = book.lacking(given)
            if not same:
                return False
            how = f"同一{book.label_of_rest(given)}，均未填{'、'.join(kind.field(n).label for n in first)}"
            if len(same) > 1:
                how += f"；这样的已登记{kind.label}有 {len(same)} 个，如是新的{kind.label}请填写" + \
                       "、".join(kind.field(n).label for n in first)
            titles = [book.title_of(same[0])]
        if unit is not None:
            unit.rows -= 1
        self.preview.skipped.append(RowIssue(
            row, f"与已登记的{self.spec.noun} {titles[0]} 相同（{how}），已跳过，不重复导入"))
        return True

    def _grouped(self, row: int, unit, record: dict, child: dict, warnings: list, incomplete: bool) -> None:
        """A row of a row_child sheet: its child row joins the record of its group, or starts it. A child row
        that is wrong, or the same referred record twice in one group, refuses the row."""
        row_kind = self.spec.row_kind
        child = normalise(row_kind, child)
        reasons = [p.message for p in errors(validate(row_kind, {**child, row_kind.parent[0]: "new"}, self.today))]
        key = tuple(record.get(f) for f in self.spec.group_by)
        group = self.groups.get(key)
        refs = [f.name for f in self.spec.matched_refs(row_kind)]
        if group is not None and not reasons:
            for other_row, other in self.members[key]:
                if all(other.get(n) == child.get(n) for n in refs):
                    reasons.append(f"与第 {other_row} 行是同一次{self.kind.label}的同一{row_kind.label}，重复")
                    break
        if reasons:
            if unit is not None:
                unit.rows -= 1
            self.preview.refused.append(RowIssue(row, "；".join(dict.fromkeys(reasons))))
            return
        self.preview.warnings += [RowIssue(row, w) for w in warnings]
        if group is None:
            group = self.groups[key] = self.spec.row_type(row, unit.key if unit else None, record,
                                                          {row_kind.name: []}, incomplete)
            self.members[key] = []
            self.preview.rows.append(group)
        group.children[row_kind.name].append(child)
        self.members[key].append((row, child))

    def _check(self, row: int, record: dict, unit: PlannedUnit | None, listed: dict, children: dict,
               reasons: list, warnings: list) -> bool:
        """The record as it would be stored, checked as any save is; returns whether it is 待补充."""
        spec, kind = self.spec, self.kind
        if unit is not None and spec.unit_sector and spec.unit_sector not in record:
            record[spec.unit_sector] = unit.values.get("sector")
        if kind.prepare:
            record.update(kind.prepare(dict(record)))
        whole = {**record, **listed}
        if unit is not None:
            whole[spec.unit_ref.name] = unit.key
        # Already what normalise() would store: stripped text, no empty values.
        problems = validate(kind, whole, self.today)
        if kind.station_rules:
            problems += kind.station_rules(whole, self.county)
        reasons += [p.message for p in errors(problems)]
        incomplete = [p.message for p in problems if p.level == INCOMPLETE]
        # A rule's own words may say when it is marked (保存后标为“待补充”); an import says it was taken.
        warnings += [m.replace("保存后", "已导入并") if "标为" in m else f"{m}，已导入并标为待补充" for m in incomplete]
        for name, rows in listed.items():
            f, child = kind.field(name), KINDS[self.children_of[name]]
            for number, child_row in enumerate(rows, 1):
                checked = {**child.defaults, **normalise(child, child_row), child.parent[0]: "new"}
                reasons += [f"{f.label}第 {number} 行：{p.message}" for p in errors(validate(child, checked, self.today))]
        for name, seen in self.unique.items():
            value = record.get(name)
            if value is None:
                continue
            if value in seen:
                reasons.append(f"{kind.field(name).label} {value} 与第 {seen[value]} 行相同")
            else:
                seen[value] = row
        if reasons:
            return False
        if incomplete:
            return True
        derived = kind.derive(whole) if kind.derive else {}
        if "incomplete" not in derived and kind.state:
            by_kind = {self.children_of[name]: rows for name, rows in listed.items()}
            derived = kind.state(whole, by_kind)
        return bool(derived.get("incomplete"))

    def finish(self) -> None:
        """Rows equal to a stored record are skipped, not doubled; references by a Link are filled."""
        preview = self.preview
        for fields in self.spec.duplicate_keys:
            self._skip_stored(fields)
        for link in self.spec.links:
            self._link(link)
        preview.skipped.sort()
        preview.warnings.sort(key=lambda issue: issue.row)
        preview.units = {k: u for k, u in preview.units.items() if u.rows}

    def _value(self, r: ImportRow, name: str) -> object:
        """A field of a planned record as it will be stored; None for a unit the import creates (it cannot equal
        a stored record's)."""
        ref = self.spec.unit_ref
        if ref is not None and name == ref.name:
            unit = self.preview.units.get(r.unit_key) if r.unit_key else None
            return unit.existing_id if unit else None
        return r.values.get(name)

    def _range(self, kind: RecordKind, rows: list[ImportRow], fields: tuple[str, ...],
               mine: tuple[str, ...]) -> tuple[str, str, str] | None:
        for theirs, own in zip(fields, mine, strict=True):
            if kind.field(theirs).type == DATE:
                days = [d for d in (self._value(r, own) for r in rows) if d]
                return (theirs, min(days), max(days)) if days else None
        return None

    def _skip_stored(self, fields: tuple[str, ...]) -> None:
        preview, kind = self.preview, self.kind
        keyed = [(r, tuple(self._value(r, f) for f in fields)) for r in preview.rows]
        candidates = [(r, key) for r, key in keyed if None not in key]
        if not candidates:
            return
        shown = kind.assigned[0] if kind.assigned else kind.title_field
        known = record_io.keyed(self.store, kind, preview.township, fields, shown=shown,
                                between=self._range(kind, [r for r, _ in candidates], fields, fields))
        labels = [kind.field(f).label for f in fields]
        said = labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "和" + labels[-1]
        skipped = set()
        for r, key in candidates:
            if key in known:
                skipped.add(id(r))
                if r.unit_key:
                    preview.units[r.unit_key].rows -= 1
                preview.skipped.append(RowIssue(
                    r.row, f"与已登记的{self.spec.noun} {known[key][0][1]} 相同（同一{said}），已跳过，不重复导入"))
        if skipped:
            gone = {r.row for r in preview.rows if id(r) in skipped}
            preview.rows = [r for r in preview.rows if id(r) not in skipped]
            # What a skipped row would have been warned of is not news: it is not imported.
            preview.warnings = [w for w in preview.warnings if w.row not in gone]

    def _link(self, link: Link) -> None:
        preview, kind = self.preview, self.kind
        target = KINDS[kind.field(link.field).ref]
        mine, theirs = tuple(m for m, _ in link.on), tuple(t for _, t in link.on)
        keyed = [(r, tuple(self._value(r, f) for f in mine)) for r in preview.rows if link.field not in r.values]
        candidates = [(r, key) for r, key in keyed if None not in key]
        if not candidates:
            return
        known = record_io.keyed(self.store, target, preview.township, theirs,
                                between=self._range(target, [r for r, _ in candidates], theirs, mine))
        for r, key in candidates:
            found = known.get(key, ())
            if len(found) == 1:
                r.values[link.field] = found[0][0]
                preview.linked += 1
            elif found:
                said = "、".join(f"{kind.field(m).label}" for m in mine)
                preview.warnings.append(RowIssue(r.row, f"{said}相同的{target.label}有 {len(found)} 条，未自动关联，"
                                                        f"请在{kind.label}中选择所属的{target.label}"))


class _RecordBook:
    """The township's records of a kind that rows refer to (people), found as the kind's ``matched_by`` says:
    the first alternative whose fields the row gives and that finds exactly one record. A later alternative
    (姓名 within the unit, after 身份证号) is unsure: its match is taken with a warning to check it, and a record
    whose first-alternative value differs from the row's (another 身份证号) is never its match."""

    def __init__(self, store, kind: RecordKind, township: str):
        self.kind = kind
        self.fields = tuple(dict.fromkeys(n for alternative in kind.matched_by for n in alternative))
        self.titles: dict[str, dict[str, str]] = {}  # REF field → {id: name key of its record's title}
        for name in self.fields:
            f = kind.field(name)
            if f.type == REF:
                titled = KINDS[f.ref]
                known = record_io.keyed(store, titled, township, ("id",), shown=titled.title_field)
                self.titles[name] = {key[0]: _name_key(str(ids[0][1] or "")) for key, ids in known.items()}
        self.records = [(dict(zip(self.fields, key, strict=True)), record_id, title)
                        for key, ids in record_io.keyed(store, kind, township, self.fields, shown=kind.title_field).items()
                        for record_id, title in ids]
        self.index: dict[tuple[str, ...], dict[tuple, list]] = {}

    def _comparable(self, name: str, value: object) -> object:
        if value is None:
            return None
        if name in self.titles:
            return self.titles[name].get(value)
        f = self.kind.field(name)
        if f.type in (TEXT, LONGTEXT):
            value = _name_key(str(value))
        return value

    def _by(self, alternative: tuple[str, ...]) -> dict[tuple, list]:
        if alternative not in self.index:
            index: dict[tuple, list] = {}
            for values, record_id, title in self.records:
                key = tuple(self._comparable(n, values[n]) for n in alternative)
                index.setdefault(key, []).append((values, record_id, title))
            self.index[alternative] = index
        return self.index[alternative]

    def _said(self, given: dict) -> str:
        parts = []
        for name, value in given.items():
            f = self.kind.field(name)
            shown = masked(value) if f.personal else value
            parts.append(f"{self._label(name)} {shown}")
        return "，".join(parts)

    def _label(self, name: str) -> str:
        f = self.kind.field(name)
        if f.type == REF:
            titled = KINDS[f.ref]
            return titled.field(titled.title_field).label
        return f.label

    def resolve(self, raw: dict, reasons: list, warnings: list) -> str | None:
        kind = self.kind
        given = {n: cell_text(v).strip() for n, v in raw.items() if v is not None and cell_text(v).strip()}
        plain = {n: v for n, v in given.items() if kind.field(n).type != REF}
        if kind.prepare:
            plain = {n: v for n, v in kind.prepare(dict(plain)).items() if n in plain}
        wanted = {**given, **plain}
        # A number as pjdesk exports it (430626********1234) only narrows the match: the record is found by the
        # other fields, among those whose number shows the same digits.
        masks = {n: m for n, v in wanted.items() if kind.field(n).personal and (m := mask_of(v)) is not None}
        wanted = {n: v for n, v in wanted.items() if n not in masks}
        hidden = "、".join(self._label(n) for n in masks)
        first = kind.matched_by[0]
        for number, alternative in enumerate(kind.matched_by):
            if not all(n in wanted for n in alternative if kind.field(n).type != REF):
                continue
            used = tuple(n for n in alternative if n in wanted)
            if not used:
                continue
            found = self._by(used).get(self._key(used, wanted), [])
            if number:  # never a record that the surer alternative says is another
                found = [r for r in found if not any(r[0].get(n) and n in wanted and r[0][n] != wanted[n]
                                                     for n in first)]
            if masks:
                found = [r for r in found if all(fits_mask(r[0].get(n), m) for n, m in masks.items())]
            if len(found) > 1:
                if masks:
                    reasons.append(f"{self._said(given)}：{self._said_fields(used)}相同、{hidden}可见数字也相符的"
                                   f"{kind.label}有 {len(found)} 个，无法确定是哪一个；请填写完整的{hidden}")
                    return None
                reasons.append(f"{self._said({n: wanted[n] for n in used})}的{kind.label}有 {len(found)} 个，"
                               f"无法确定是哪一个，请填写{'、'.join(self._label(n) for n in first)}")
                return None
            if not found:
                continue
            values, record_id, title = found[0]
            if masks:
                return record_id  # the visible digits bear the name out
            if number or len(used) < len(alternative):
                warnings.append(f"{self._said(given)}：按{'、'.join(self._label(n) for n in used)}匹配到已登记的"
                                f"{kind.label}“{title}”，请核对是否同一{kind.label}")
            else:
                for n in (n for n in self.fields if n in wanted and n not in used and n not in self.titles):
                    if values.get(n) and self._comparable(n, values[n]) != self._comparable(n, wanted[n]):
                        warnings.append(f"{self._label(n)}“{wanted[n]}”与按{'、'.join(self._label(u) for u in used)}"
                                        f"登记的“{values[n]}”不同，已按{'、'.join(self._label(u) for u in used)}匹配")
            return record_id
        if masks:
            rest = [n for n in self.fields if n in wanted]
            reasons.append(f"{self._said(given)}：{hidden}隐去了部分数字（从 pjdesk 导出的表），"
                           + (f"没有{self._said_fields(rest)}相同、{hidden}可见数字相符的已登记{kind.label}"
                              if rest else f"只凭可见数字无法确定是哪一位{kind.label}")
                           + f"；请填写完整的{hidden}")
            return None
        reasons.append(f"{kind.label}（{self._said(given)}）未登记，不能导入；请先在{kind.label}页登记或导入后再导入本表")
        return None

    def _said_fields(self, names) -> str:
        return "、".join(self._label(n) for n in names)

    def _key(self, used: tuple[str, ...], wanted: dict) -> tuple:
        kind = self.kind
        return tuple(_name_key(wanted[n]) if n in self.titles or kind.field(n).type in (TEXT, LONGTEXT)
                     else wanted[n] for n in used)

    def lacking(self, given: dict) -> list[str]:
        """The records a later alternative finds for ``given`` (whole values, as read) that have no value for
        any field of the first, sure one: the ids."""
        kind = self.kind
        first = kind.matched_by[0]
        for alternative in kind.matched_by[1:]:
            if not all(n in given for n in alternative):
                continue
            found = self._by(alternative).get(self._key(alternative, given), [])
            return [record_id for values, record_id, _ in found if not any(values.get(n) for n in first)]
        return []

    def title_of(self, record_id: str) -> str:
        return next((str(title) for _, i, title in self.records if i == record_id), "")

    def label_of_rest(self, given: dict) -> str:
        """The fields a masked row was matched by: those it gives in full (单位、姓名)."""
        return self._said_fields(n for n in self.fields if n in given and mask_of(str(given[n])) is None)


_checked_uscc = functools.lru_cache(maxsize=8192)(check_uscc)
# A value as pjdesk.core.records.masked shows it: the first and last characters, the rest as asterisks.
_MASK = re.compile(r"^([^*]*)(\*{2,})([^*]+)$")


def mask_of(text: str) -> tuple[str, int, str] | None:
    """(the visible head, the whole length, the visible tail) of a masked value; None for a value in full."""
    m = _MASK.match(text.strip()) if isinstance(text, str) and "*" in text else None
    return (m.group(1).upper(), len(m.group(0)), m.group(3).upper()) if m else None


def fits_mask(value: object, mask: tuple[str, int, str]) -> bool:
    """Whether a stored value is the one a masked value shows (same length, same visible characters)."""
    if not value:
        return False
    text, (head, length, tail) = str(value).upper(), mask
    return len(text) == length and text.startswith(head) and text.endswith(tail)


@functools.lru_cache(maxsize=8192)
def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


# What a unit's name may carry or lack and still be the same unit: where it is, and its legal form.
_PLACE = re.compile(r"^(?:湖南省)?(?:岳阳市)?(?:平江县)?")
_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|公司)$")


@functools.lru_cache(maxsize=8192)
def _core_name(name: str) -> str:
    core = _FORM.sub("", _PLACE.sub("", re.sub(r"[(（].*?[)）]", "", _name_key(name))))
    return core if len(core) >= 2 else ""


class _UnitBook:
    """The township's units, and those the import will create, by credit code and by name."""

    def __init__(self, existing: list[dict], preview: ImportPreview, today: dt.date, chosen: Mapping[str, str],
                 sheet_noun: str):
        self.preview, self.today, self.sheet = preview, today, sheet_noun
        self.by_code: dict[str, PlannedUnit] = {}
        self.by_name: dict[str, PlannedUnit] = {}
        self.by_core: dict[str, list[PlannedUnit]] = {}
        self.by_id: dict[str, PlannedUnit] = {}
        self.existing = existing
        self.chosen = {_name_key(name): unit_id for name, unit_id in chosen.items()}
        self._indexed = False
        self.created = 0

    def _index_existing(self) -> None:
        # Built on first use: a preview refused for its columns never needs it.
        for u in self.existing:
            planned = PlannedUnit(u["id"], {"name": u["name"], "uscc": u["uscc"], "sector": u["sector"]}, u["id"])
            if u["uscc"]:
                self.by_code.setdefault(u["uscc"], planned)
            self.by_name.setdefault(_name_key(u["name"]), planned)
            self.by_id[u["id"]] = planned
            if core := _core_name(u["name"]):
                self.by_core.setdefault(core, []).append(planned)
        unknown = [name for name, i in self.chosen.items() if i not in self.by_id]
        if unknown:
            raise PjdeskError(f"为“{unknown[0]}”选择的单位已不在单位登记中，请重新预览后再导入")
        self._indexed = True

    def resolve(self, values: dict, sector: str | None, reasons: list, warnings: list) -> PlannedUnit | None:
        if not self._indexed:
            self._index_existing()
        name = values.get("name")
        code, code_note, dropped = self._code(values.get("uscc"), warnings)
        unit = self.by_code.get(code) if code else None
        if unit is not None:
            if name and _name_key(name) != _name_key(unit.name):
                warnings.append(f"单位名称“{name}”与信用代码 {code} 对应的“{unit.name}”不同，已按信用代码归入“{unit.name}”")
            matched_by = "uscc"
        else:
            if not name:
                reasons.append("未填单位名称" if not code else f"未填单位名称，且信用代码 {code} 未登记")
                return None
            unit = self.by_name.get(_name_key(name))
            matched_by = "name"
            if unit is None and _name_key(name) in self.chosen:
                unit, matched_by = self.by_id[self.chosen[_name_key(name)]], "chosen"
            if unit is not None and code:
                self._code_of_named(unit, code, code_note, warnings)
        if unit is None:
            unit = self._new(name, code, code_note, dropped, sector, values, reasons, warnings)
            if unit is None:
                return None
        elif unit.is_new:
            self._complete(unit, values, sector)
        elif unit.matched_by is None:
            unit.matched_by = matched_by
        if unit.key not in self.preview.units:
            self.preview.units[unit.key] = unit
        unit.rows += 1
        return unit

    def _code(self, raw: object, warnings: list) -> tuple[str | None, str | None, str | None]:
        """(code to keep, its note, a code dropped as malformed). A failing check digit keeps the code with
        the reason recorded (early pilot codes fail and are real); a wrong length or character drops it —
        it cannot identify a unit — and the original text goes to the unit's 备注."""
        if raw is None:
            return None, None, None
        check = _checked_uscc(cell_text(raw))
        if check.ok:
            return check.value or None, None, None
        if check.warning:
            # stdnum loads with the first wrong check digit, not with every list page (~25 ms)
            from stdnum.cn import uscc as uscc_digits

            digit = uscc_digits.calc_check_digit(check.value[:17])
            warnings.append(f"统一社会信用代码 {check.value} 校验位不符（应为 {digit}），已按原{self.sheet}录入并记录原因，请核对营业执照")
            return check.value, f"导入时校验位不符（应为 {digit}），按原{self.sheet}录入", None
        reason = check.message.removesuffix("，请核对营业执照")
        warnings.append(f"“{cell_text(raw)}”：{reason}。代码未导入，按单位名称匹配或新建，请核对营业执照后补录")
        return None, None, cell_text(raw)

    def _code_of_named(self, unit: PlannedUnit, code: str, note: str | None, warnings: list) -> None:
        known = unit.values.get("uscc")
        if known and known != code:
            warnings.append(f"信用代码 {code} 与同名单位“{unit.name}”登记的 {known} 不同，已按单位名称归入该单位，请核对")
        elif not known and unit.is_new:
            unit.values.update(uscc=code, uscc_note=note)
            self.by_code[code] = unit
        elif not known:
            warnings.append(f"已登记的“{unit.name}”未填信用代码，{self.sheet}中为 {code}；导入不修改单位信息，请在单位页补录")

    def _new(self, name: str, code: str | None, code_note: str | None, dropped: str | None, sector: str | None,
             values: dict, reasons: list, warnings: list) -> PlannedUnit | None:
        unit_values = {
            "name": name, "uscc": code, "uscc_note": code_note, "sector": sector or "其他",
            "is_high_risk": 1 if is_high_risk_sector(sector) else 0, "status": "正常", "no_licence": 0,
            "is_above_scale": 0, **{k: v for k, v in values.items() if k not in ("name", "uscc", "sector")},
            "note": f"原{self.sheet}信用代码“{dropped}”格式不正确，未录入" if dropped else None,
        }
        unit_values = normalise(UNIT, unit_values)
        problems = errors(validate(UNIT, unit_values, self.today))
        if problems:
            reasons += [p.message for p in problems]
            return None
        self.created += 1
        similar = tuple((u.existing_id, u.name) for u in self.by_core.get(_core_name(name), ()))
        unit = PlannedUnit(f"new:{self.created}", unit_values, sector_given=sector is not None, similar=similar)
        if similar:
            shown = "、".join(f"“{n}”" for _, n in similar[:3])
            warnings.append(f"单位“{name}”未登记，与已登记的{shown}名称相近，将新建该单位；如为同一单位，"
                            "请在导入对话框中选择该单位，或在原表中改用登记的名称、填写信用代码后重新导入")
        self.by_name[_name_key(name)] = unit
        if code:
            self.by_code[code] = unit
        return unit

    @staticmethod
    def _complete(unit: PlannedUnit, values: dict, sector: str | None) -> None:
        """A later row of a new unit may carry what its first row lacked."""
        for key, value in values.items():
            if key not in ("name", "uscc", "sector") and not unit.values.get(key):
                unit.values[key] = value
        if sector and not unit.sector_given:
            unit.values.update(sector=sector, is_high_risk=1 if is_high_risk_sector(sector) else 0)
            unit.sector_given = True
