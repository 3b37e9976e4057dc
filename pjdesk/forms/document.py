"""A single-record document (文书), declared once as data, the same declaration filled, and the layout both
renderers draw.

A ``DocumentSpec`` says what the paper shows, top to bottom: the issuing body, the title and the 文号, then
its blocks in order: a grid of labelled values (the party: 被检查单位, 地址, 负责人 …), fixed wording with
placeholders (the legal text), free text that wraps (发现问题), a table of child rows (the checklist items,
the hazards with their deadlines), the signature lines with their dates, and the seal. A service fills it
with plain values (``FilledDocument``); ``build_document`` resolves every block to the text that is printed,
once, and ``render_document_pdf`` and ``render_document_xlsx`` draw those parts, so the two never disagree.
Documents are A4 portrait.

Values, by where they are used:
  DocField     a string, a number, or for kind DATE an ISO date or ``datetime.date`` (printed 2026年11月29日)
  Section      a string; newlines start new paragraphs
  Wording      every ``{placeholder}`` of the template is a key of ``values`` (a string)
  ChildRows    ``rows[key]``: a list of dicts, one per row, values by column key (as ``Column`` kinds say)
  Signature    the date key, when given, holds the date printed beside the line; else a blank date to write in
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .spec import DATE, SERIAL_KEY, TEXT, Column
from .table import BLANK, Cell, FormTable, format_value, header_cells, long_date

HAND_DATE = "　　　年　　月　　日"  # written in by hand on paper
INDENT = "　　"  # two ideographic spaces: a paragraph's first line
CHINESE_NUMERALS = "一二三四五六七八九十"
MAX_CHILD_COLUMNS = 10  # besides 序号: what an A4 portrait page holds legibly


@dataclass(frozen=True)
class DocField:
    """One labelled value of a grid: two fields share a row unless one is ``wide``."""

    key: str
    label: str
    kind: str = TEXT  # TEXT or DATE
    wide: bool = False
    optional: bool = False  # left out of the grid when it has no value (a 双随机 draw reference)


@dataclass(frozen=True)
class Fields:
    """The bordered grid of labelled values: the party, the time and place, the inspectors."""

    fields: tuple[DocField, ...]


@dataclass(frozen=True)
class Section:
    """Free text under a heading (检查情况, 发现问题, 处理措施); it wraps and may run onto the next page."""

    key: str
    heading: str
    empty: str = "无"  # printed when nothing was written, so the blank cannot be filled in later
    optional: bool = False  # left out altogether when nothing was written
    indent: bool = False  # each paragraph indented two characters, as prose is (a numbered list is not)


@dataclass(frozen=True)
class Wording:
    """Fixed text with ``{placeholders}`` filled from the values: the legal wording of a document."""

    template: str
    # Left out when every placeholder is blank: a delegation sentence that does not apply to the bureau itself.
    optional: bool = False


@dataclass(frozen=True)
class ChildRows:
    """A table of the record's child rows, numbered (序号), under a heading."""

    key: str
    heading: str | None
    columns: tuple[Column, ...]
    serial_label: str = "序号"
    empty: str = "无"  # the one row printed when there are none


@dataclass(frozen=True)
class Signature:
    label: str  # 检查人员（签名）
    date_key: str | None = None  # a value printed as the date; None leaves the date to be written in


@dataclass(frozen=True)
class Signatures:
    lines: tuple[Signature, ...]


@dataclass(frozen=True)
class Seal:
    """The issuer's name and the document's date at the right, with room for the seal pressed over them."""

    date_key: str


Block = Fields | Section | Wording | ChildRows | Signatures | Seal


@dataclass(frozen=True)
class DocumentSpec:
    code: str  # the document type, as 文号 configuration and services name it: 责令限期整改指令书
    title: str
    blocks: tuple[Block, ...]
    # Section and table headings numbered 一、二、三、 in order, as long records are.
    numbered: bool = False
    font_size: float = 11

    def __post_init__(self):
        keys = self.value_keys
        tables = [b.key for b in self.blocks if isinstance(b, ChildRows)]
        if len(tables) != len(set(tables)):
            raise ValueError(f"{self.code}：子表代码重复")
        for block in self.blocks:
            if isinstance(block, ChildRows):
                columns = [c.key for c in block.columns]
                if len(columns) != len(set(columns)) or SERIAL_KEY in columns:
                    raise ValueError(f"{self.code}：子表“{block.heading or block.key}”的栏目代码重复")
                if not 1 <= len(columns) <= MAX_CHILD_COLUMNS:
                    raise ValueError(f"{self.code}：子表“{block.heading or block.key}”应有 1 至 "
                                     f"{MAX_CHILD_COLUMNS} 栏（A4 纵向放不下更多）")
            if isinstance(block, DocField) or (isinstance(block, Fields) and not block.fields):
                raise ValueError(f"{self.code}：字段须放在 Fields 中，且不能为空")
        headed = [b for b in self.blocks if isinstance(b, (Section, ChildRows)) and b.heading]
        if self.numbered and len(headed) > len(CHINESE_NUMERALS):
            raise ValueError(f"{self.code}：编号的标题最多 {len(CHINESE_NUMERALS)} 个")
        if not keys and not tables:
            raise ValueError(f"{self.code}：文书没有任何内容")

    @property
    def value_keys(self) -> dict[str, str]:
        """The keys a service must give in ``values``, with what they are for (to name a missing one)."""
        keys: dict[str, str] = {}
        for block in self.blocks:
            if isinstance(block, Fields):
                keys.update((f.key, f.label) for f in block.fields)
            elif isinstance(block, Section):
                keys[block.key] = block.heading
            elif isinstance(block, Wording):
                keys.update((name, f"文书用语中的 {{{name}}}") for name in placeholders(block.template))
            elif isinstance(block, Signatures):
                keys.update((s.date_key, f"{s.label}的日期") for s in block.lines if s.date_key)
            elif isinstance(block, Seal):
                keys[block.date_key] = "落款日期"
        return keys

    @property
    def table_keys(self) -> dict[str, str]:
        return {b.key: b.heading or b.key for b in self.blocks if isinstance(b, ChildRows)}


@dataclass(frozen=True)
class FilledDocument:
    spec: DocumentSpec
    issuer: str  # 平江县安定镇人民政府: over the title and at the seal
    doc_no: str  # 文号
    values: Mapping[str, object]
    rows: Mapping[str, Sequence[Mapping[str, object]]]

    def __post_init__(self):
        # A key the declaration uses but the service did not give would print as a silent blank.
        missing = [f"{label}（{key}）" for key, label in self.spec.value_keys.items() if key not in self.values]
        missing += [f"{label}（{key}）" for key, label in self.spec.table_keys.items() if key not in self.rows]
        if missing:
            raise ValueError(f"{self.spec.title} 缺少：{'、'.join(missing)}")

    @property
    def dated(self) -> str | None:
        """The day the document bears: signed under the seal (issued), else the day of what it records."""
        return next((str(v) for k in ("issued", "date") if (v := self.values.get(k))), None)

    def as_data(self) -> dict:
        """What the document says, as JSON-able data, to keep beside the printed files when it is frozen."""
        return {"code": self.spec.code, "title": self.spec.title, "issuer": self.issuer, "doc_no": self.doc_no,
                "values": {k: _plain(v) for k, v in self.values.items()},
                "rows": {k: [{c: _plain(v) for c, v in row.items()} for row in rows] for k, rows in self.rows.items()}}


# --- the layout both renderers draw -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TitlePart:
    issuer: str
    title: str
    doc_no: str


@dataclass(frozen=True)
class GridPart:
    rows: tuple[tuple[tuple[str, str], ...], ...]  # each row: one wide (label, text) or two side by side


@dataclass(frozen=True)
class TextPart:
    heading: str | None
    text: str


@dataclass(frozen=True)
class TablePart:
    heading: str | None
    table: FormTable


@dataclass(frozen=True)
class SignaturePart:
    lines: tuple[tuple[str, str], ...]  # (label, date as printed)


@dataclass(frozen=True)
class SealPart:
    issuer: str
    date: str


Part = TitlePart | GridPart | TextPart | TablePart | SignaturePart | SealPart


def build_document(filled: FilledDocument) -> tuple[Part, ...]:
    spec = filled.spec
    parts: list[Part] = [TitlePart(filled.issuer, spec.title, filled.doc_no)]
    headings = iter(CHINESE_NUMERALS)
    for block in spec.blocks:
        if isinstance(block, Fields):
            grid = _grid(block, filled.values)
            if grid.rows:  # every field optional and blank
                parts.append(grid)
        elif isinstance(block, Section):
            text = _text(filled.values.get(block.key)) or ("" if block.optional else block.empty)
            if text:
                if block.indent:
                    text = "\n".join(INDENT + line.strip() for line in text.split("\n") if line.strip())
                parts.append(TextPart(_heading(spec, block.heading, headings), text))
        elif isinstance(block, Wording):
            values = {name: _text(filled.values.get(name)) for name in placeholders(block.template)}
            if not block.optional or any(values.values()):
                parts.append(TextPart(None, block.template.format_map(values)))
        elif isinstance(block, ChildRows):
            heading = _heading(spec, block.heading, headings) if block.heading else None
            parts.append(TablePart(heading, child_table(block, filled.rows[block.key])))
        elif isinstance(block, Signatures):
            parts.append(SignaturePart(tuple(
                (s.label, _long_date(filled.values.get(s.date_key)) if s.date_key else HAND_DATE)
                for s in block.lines)))
        elif isinstance(block, Seal):
            parts.append(SealPart(filled.issuer, _long_date(filled.values.get(block.date_key))))
    return tuple(parts)


def child_table(block: ChildRows, rows: Sequence[Mapping[str, object]]) -> FormTable:
    """The child rows as the returns' table: a numbered header row, cells as a spreadsheet stores and paper
    prints them; with no rows, one row that says so."""
    columns = (Column(SERIAL_KEY, block.serial_label, "int", width=2.5, in_total=False), *block.columns)
    header, depth = header_cells(columns)
    if not rows:
        body = ((Cell(None, ""), Cell(block.empty, block.empty), *([BLANK] * (len(columns) - 2))),)
    else:
        body = tuple((Cell(number, str(number)), *(format_value(c, row.get(c.key)) for c in block.columns))
                     for number, row in enumerate(rows, start=1))
    return FormTable(columns, header, depth, body, None)


def footer_label(filled: FilledDocument) -> str:
    """On every page beside the page number, so a loose sheet still says what it belongs to."""
    return f"{filled.spec.title}　{filled.doc_no}"


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _grid(block: Fields, values: Mapping[str, object]) -> GridPart:
    rows: list[tuple[tuple[str, str], ...]] = []
    pending: tuple[str, str] | None = None
    for field in block.fields:
        text = _long_date(values.get(field.key)) if field.kind == DATE else _text(values.get(field.key))
        if field.optional and not text:
            continue
        pair = (field.label, text)
        if field.wide:
            if pending:
                rows.append((pending,))
                pending = None
            rows.append((pair,))
        elif pending:
            rows.append((pending, pair))
            pending = None
        else:
            pending = pair
    if pending:
        rows.append((pending,))
    return GridPart(tuple(rows))


def _heading(spec: DocumentSpec, heading: str, numbers) -> str:
    return f"{next(numbers)}、{heading}" if spec.numbered else heading


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return _long_date(value)
    return str(value).strip()


def _long_date(value: object) -> str:
    if value is None or value == "":
        return HAND_DATE
    return long_date(value)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
