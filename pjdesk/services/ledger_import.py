"""Importing a township's existing hazard ledger (隐患排查治理台账) from Excel (.xlsx or .xls, Excel or WPS).

Two steps, so that nothing is written before the officer has seen what will happen:

- ``preview_import`` reads the workbook, finds the header under the merged title row (one or two header
  rows), maps each column to a field by its common names, and checks every row. Rows that are wrong (no
  description, a date that is not a date, dates out of order) are *refused* and listed with their row
  number as Excel shows it; rows that are merely incomplete (a 重大 hazard without its 判定依据 or 五落实
  items, as old ledgers rarely have them) are taken and marked 待补充.
- ``apply_import`` writes the preview in one transaction, after a backup: all rows or none.

Units are matched by credit code, else by exact name, else created. The completion, review and close dates
of a row become the hazard's lifecycle events, so its status (整改中 … 销号) is derived as for any hazard.
Whole-file refusals (not a spreadsheet, password, empty, no header, bigger than any ledger: see
``pjdesk.services.excel_file``) raise PjdeskError; nothing is written. A formula whose result the file does
not hold refuses its row, and every date must lie in the range pjdesk.core.dates allows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from stdnum.cn import uscc as uscc_digits

from pjdesk.core.dates import NotADate, out_of_range, parse_date
from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import CLOSE, GENERAL, HAZARD, HAZARD_EVENT, MAJOR, PASS, RECTIFIED, REVIEW
from pjdesk.core.identifiers import check_uscc
from pjdesk.core.records import (
    CHOICE,
    DATE,
    INCOMPLETE,
    INT,
    MONEY,
    TAGS,
    TEXT,
    errors,
    join_tags,
    normalise,
    validate,
    vocabulary,
)
from pjdesk.core.unit import UNIT, is_high_risk_sector
from pjdesk.storage import ledger_import_queries as queries
from pjdesk.storage.backup import backup_file
from pjdesk.storage.database import plain_errors

from .bulk import collector_paused
from .excel_file import ExcelFile, Sheet, column_letter, open_excel
from .session import Session

# --- what a column can be ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a column can be imported as: a field of the hazard or of its unit, or a column of the ledger
    itself (its completion, review and close dates become events). ``names`` are the headers recognised."""

    key: str
    label: str
    group: str
    names: tuple[str, ...] = ()
    required: bool = False
    type: str = TEXT


# The ledger's own columns: not fields of a record, but the steps of its lifecycle and its bookkeeping.
RECTIFIED_DATE, REVIEWER, REVIEW_DATE, CLOSED_DATE = "rectified_date", "reviewer", "review_date", "closed_date"
PROGRESS, SERIAL = "progress", "serial"
DESCRIPTION, FOUND_DATE, DEADLINE, NOTE = "hazard.description", "hazard.found_date", "hazard.deadline", "hazard.note"

_LEDGER_TARGETS = (
    Target(RECTIFIED_DATE, "整改完成日期", "整改闭环", (
        "整改完成日期", "完成日期", "完成时间", "整改完成时间", "整改日期", "实际完成日期", "实际完成时间"), type=DATE),
    Target(REVIEWER, "复查人", "整改闭环", ("复查人", "复查人员", "复查责任人", "验收人")),
    Target(REVIEW_DATE, "复查日期", "整改闭环", ("复查日期", "复查时间", "验收日期", "验收时间"), type=DATE),
    Target(CLOSED_DATE, "销号日期", "整改闭环", ("销号日期", "销号时间"), type=DATE),
    Target(PROGRESS, "整改情况（文字）", "整改闭环", (
        "整改情况", "整改状态", "整改进度", "整改完成情况", "完成情况", "是否整改", "整改结果", "是否销号")),
    Target(SERIAL, "序号（不导入）", "其他", ("序号", "No", "No.")),
)
# Unit fields a ledger may carry. Its 行业 column is the hazard's sector, which a new unit also takes.
_UNIT_FIELDS = ("name", "uscc", "village", "address", "principal", "phone", "lead_dept")


def _field_targets() -> Iterable[Target]:
    for name in _UNIT_FIELDS:
        f = UNIT.field(name)
        label = f.label if f.label.startswith("单位") or name == "uscc" else "单位" + f.label
        yield Target("unit." + name, label, "单位", f.import_names, name == "name", f.type)
    for f in HAZARD.fields:
        if f.name != "unit_id":
            yield Target("hazard." + f.name, f.label, "隐患", f.import_names, f.name in ("description", "found_date"),
                         f.type)


TARGETS: tuple[Target, ...] = (*_field_targets(), *_LEDGER_TARGETS)
TARGET_BY_KEY = {t.key: t for t in TARGETS}
REQUIRED = tuple(t.key for t in TARGETS if t.required)
# Several columns may go to 备注 (an old ledger's 编号 mapped by hand beside its own 备注); any other field
# takes one column.
_MULTI = {NOTE}


def header_key(text: object) -> str:
    """A header as compared: full-width forms folded (（元）→ (元)), no spaces or line breaks, no '*'
    required-marks, no trailing colon."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).strip("*★※:").lower()


def _names_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for target in TARGETS:
        for name in target.names:
            index.setdefault(header_key(name), target.key)
    return index


_NAMES = _names_index()


def target_for_header(text: object) -> str | None:
    """The target a header names, if any; a bracketed note is ignored when needed (整改资金（万元）)."""
    key = header_key(text)
    if not key:
        return None
    hit = _NAMES.get(key)
    if hit is None:
        bare = re.sub(r"\(.*?\)", "", key)
        hit = _NAMES.get(bare) if bare and bare != key else None
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

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def target_label(self) -> str:
        return TARGET_BY_KEY[self.target].label if self.target else "（不导入）"


@dataclass
class PlannedUnit:
    """A unit the rows refer to: an existing one (``existing_id``) or one the import will create."""

    key: str
    values: dict
    existing_id: str | None = None
    matched_by: str | None = None  # "uscc" or "name" for an existing unit
    rows: int = 0
    sector_given: bool = True  # False while a new unit has the default sector: a later row may give it

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


@dataclass
class ImportRow:
    """A row that will be written: the hazard as stored (its unit_id is filled at apply) and its events."""

    row: int
    unit_key: str
    hazard: dict
    events: list[dict]
    incomplete: bool = False


@dataclass
class ImportPreview:
    """What importing a file would do, before anything is written. Plain data: it may be built on one
    thread and applied on another (``session.reopen()``). To remap columns, call preview_import again with
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
    skipped: list[RowIssue]  # rows that are not records (footer, group title) or already in the ledger
    missing: tuple[str, ...]  # labels of required columns not found; nothing is checked until they are mapped
    township: str
    applied: bool = False

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
    def hazards(self) -> int:
        return len(self.rows)

    @property
    def events(self) -> int:
        return sum(len(r.events) for r in self.rows)

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
        text = (f"“{self.file_name}”工作表“{self.sheet}”：可导入隐患 {self.hazards} 条"
                + (f"（其中 {self.incomplete} 条重大隐患待补充）" if self.incomplete else "")
                + f"，整改/复查/销号记录 {self.events} 条，新建单位 {self.new_units} 家，"
                  f"匹配已有单位 {self.matched_units} 家")
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
            return f"“{self.file_name}”中没有新的隐患记录可导入"
        return None


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (nothing for a dry run): the ids by kind, and the backup made before it."""

    preview: ImportPreview
    written: bool
    unit_ids: tuple[str, ...] = ()  # units created
    hazard_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    backup: Path | None = None

    @property
    def changed(self) -> dict[str, frozenset[str]]:
        """What a screen must refresh, as in services.Outcome."""
        return {"unit": frozenset(self.unit_ids), "hazard": frozenset(self.hazard_ids),
                "hazard_event": frozenset(self.event_ids)}

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.preview.warnings)

    def summary(self) -> str:
        if not self.written:
            return self.preview.summary()
        p = self.preview
        return (f"已导入隐患 {len(self.hazard_ids)} 条"
                + (f"（其中 {p.incomplete} 条重大隐患待补充）" if p.incomplete else "")
                + f"，整改/复查/销号记录 {len(self.event_ids)} 条，新建单位 {len(self.unit_ids)} 家。"
                + (f"导入前的数据已备份到 {self.backup}。" if self.backup else ""))


# --- the three calls -----------------------------------------------------------------------------------

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


def preview_import(session: Session, path: str | Path, *, sheet: str | None = None,
                   mapping: Mapping[int, str | None] | None = None) -> ImportPreview:
    """Read a ledger and say what importing it would do. Writes nothing.

    ``sheet`` names the worksheet (default: the one whose header is best recognised). ``mapping`` overrides
    the detected mapping, column index (0-based) → Target key, or None to leave a column out.
    Raises PjdeskError when the file as a whole cannot be imported.
    """
    station = session.require_station()
    path = Path(path)
    book = open_excel(path)
    with collector_paused():
        names, (chosen, header) = _choose_sheet(book, path, sheet)
        columns = _columns(chosen.grid, header, mapping)
        missing = tuple(TARGET_BY_KEY[k].label for k in REQUIRED if k not in {c.target for c in columns})
        preview = ImportPreview(path=path, sheet_names=names, sheet=header.sheet,
                                header_rows=tuple(r + 1 for r in header.rows), columns=columns, rows=[], units={},
                                refused=[], warnings=[], skipped=[], missing=missing, township=station.code)
        # Until the required columns are mapped the rows are not checked: every one would be refused alike.
        if not missing and not _read_rows(session, preview, chosen, header.rows[-1] + 1):
            raise PjdeskError(f"“{path.name}”的工作表“{header.sheet}”在表头下没有隐患记录。请检查是否选错了工作表或文件。")
    return preview


def apply_import(session: Session, preview: ImportPreview, *, progress: ProgressFn | None = None,
                 cancelled: CancelledFn | None = None) -> ImportResult:
    """Write a preview: a backup first, then every unit, hazard and event in one transaction.

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
    store = session.store
    _check_units_unchanged(session, preview)
    units = [u for u in preview.units.values() if u.is_new and u.rows]
    # The commit derives every hazard's status from its events: about as long again as writing the hazards.
    total = len(units) + 2 * preview.hazards + preview.events
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
    who = session.operator
    with collector_paused(), store.transaction():
        unit_ids = store.insert_many(UNIT, [u.values for u in units], township=station.code, operator=who)
        ids = {u.key: i for u, i in zip(units, unit_ids, strict=True)}
        ids.update({u.key: u.existing_id for u in preview.units.values() if not u.is_new})
        step(len(units))
        hazard_ids: list[str] = []
        for chunk in _chunks(preview.rows, _CHUNK):
            hazards = [{**r.hazard, "unit_id": ids[r.unit_key]} for r in chunk]
            hazard_ids += store.insert_many(HAZARD, hazards, township=station.code, operator=who)
            step(len(chunk))
        events = [{**e, "hazard_id": h} for r, h in zip(preview.rows, hazard_ids, strict=True) for e in r.events]
        event_ids: list[str] = []
        for chunk in _chunks(events, _CHUNK):
            event_ids += store.insert_many(HAZARD_EVENT, chunk, township=station.code, operator=who)
            step(len(chunk))
    preview.applied = True
    if progress:
        progress(total, total)
    return ImportResult(preview, True, tuple(unit_ids), tuple(hazard_ids), tuple(event_ids), backup)


def import_ledger(session: Session, path: str | Path, *, dry_run: bool = False, sheet: str | None = None,
                  mapping: Mapping[int, str | None] | None = None, progress: ProgressFn | None = None,
                  cancelled: CancelledFn | None = None) -> ImportResult:
    """Preview and write in one call (``pjdesk ledger import FILE [--dry-run]``).

    A dry run returns the preview unwritten (``written`` False), refused rows included, so that every
    problem can be printed. Otherwise a file or a row that cannot be taken raises PjdeskError, whose message
    lists the refused rows, and nothing is written.
    """
    preview = preview_import(session, path, sheet=sheet, mapping=mapping)
    if dry_run:
        return ImportResult(preview, False)
    return apply_import(session, preview, progress=progress, cancelled=cancelled)


# Records per insert_many call: progress and cancel are checked between calls.
_CHUNK = 1000


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _missing_message(labels: Iterable[str]) -> str:
    return ("表中没有找到" + "、".join(f"“{label}”" for label in labels)
            + "列。请在导入对话框中为其指定对应的列，或在原表表头中写明后重新导入。")


def _check_units_unchanged(session: Session, preview: ImportPreview) -> None:
    """The registry may have changed since the preview (a unit deleted, or added by hand): then the preview's
    matching no longer holds, and writing it would point at a missing unit or register one twice."""
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

    @property
    def score(self) -> int:
        found = {t for t in self.targets if t}
        return len(found) + (2 if DESCRIPTION in found else 0)


def _choose_sheet(book: ExcelFile, path: Path, wanted: str | None) -> tuple[tuple[str, ...], tuple[Sheet, _Header]]:
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
        header = _find_header(name, sheet.grid, sheet.merged)
        if header and (best is None or header.score > best[1].score):
            best = (sheet, header)
    if empty:
        where = f"的工作表“{wanted}”" if wanted is not None else ""
        raise PjdeskError(f"“{path.name}”{where}是空表格，没有可导入的内容。请选择填写了隐患记录的台账。")
    if best is None:
        where = f"工作表“{wanted}”" if wanted is not None else f"“{path.name}”"
        raise PjdeskError(
            f"在{where}中没有找到台账表头。请确认表格前 {HEADER_SCAN} 行内有表头，至少包括“隐患描述”"
            "（或 隐患内容、存在问题、隐患问题）、“单位名称”（或 企业名称、检查单位）和“发现日期”"
            "（或 排查日期、检查日期、发现时间）等列名。")
    return names, best


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _find_header(sheet: str, grid: list[list], merged: list) -> _Header | None:
    """The header is the row, or pair of rows, among the first rows whose cells name the most fields; the
    earliest on a tie (a child row whose parents are merged down into it names as many as the pair)."""
    best = None
    # Only the ranges that reach into the header rows matter here; a long ledger may merge thousands below.
    merged = [m for m in merged if m[0][0] <= HEADER_SCAN]
    for r in range(min(HEADER_SCAN, len(grid))):
        rows = (r, r + 1) if _two_row_header(grid, r, merged) else (r,)
        header = _header_at(sheet, grid, rows, merged)
        if best is None or header.score > best.score:
            best = header
    # Three recognised columns, or the description and one more: enough to show the mapping dialog, where
    # the officer can name the rest by hand.
    if best is None or best.score < 3:
        return None
    return best


def _two_row_header(grid: list[list], r: int, merged: list) -> bool:
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
        if any(target_for_header(t) for t in (child, parent + child, child + parent)):
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


def _header_at(sheet: str, grid: list[list], rows: tuple[int, ...], merged: list) -> _Header:
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
        target = next((t for t in map(target_for_header, filter(None, candidates)) if t), None)
        if target in taken and target not in _MULTI:
            target = None
        taken.add(target)
        texts.append(f"{parent}/{child}" if parent and child else parent or child)
        targets.append(target)
    return _Header(sheet, rows, tuple(texts), tuple(targets))


def _columns(grid: list[list], header: _Header, mapping: Mapping[int, str | None] | None) -> tuple[Column, ...]:
    width = max((len(row) for row in grid), default=0)
    first = header.rows[-1] + 1
    targets = list(header.targets) + [None] * (width - len(header.targets))
    texts = list(header.texts) + [""] * (width - len(header.texts))
    if mapping:
        targets = _remapped(targets, mapping)
    columns = []
    for c in range(width):
        sample = tuple(_text(v) for v in (row[c] for row in grid[first:first + 50] if c < len(row)) if _filled(v))[:3]
        if texts[c] or sample or targets[c]:
            columns.append(Column(c, texts[c], targets[c], sample))
    return tuple(columns)


def _remapped(targets: list, mapping: Mapping[int, str | None]) -> list:
    """The user's choices over the detected ones: a field chosen for a column leaves the column it was
    detected in; two columns chosen for one field are refused."""
    chosen: dict[str, int] = {}
    for index, key in mapping.items():
        if not 0 <= index < len(targets):
            raise PjdeskError(f"表中没有第 {index + 1} 列")
        if key is not None and key not in TARGET_BY_KEY:
            raise PjdeskError(f"未知的导入项“{key}”")
        if key and key not in _MULTI:
            if key in chosen:
                raise PjdeskError(f"“{TARGET_BY_KEY[key].label}”对应了两列（{column_letter(chosen[key])} 列和 "
                                  f"{column_letter(index)} 列），请只保留一列")
            chosen[key] = index
    out = [None if t in chosen else t for t in targets]
    for index, key in mapping.items():
        out[index] = key
    return out


# --- cell values ---------------------------------------------------------------------------------------

# What ledgers write in a cell that has nothing to say.
_PLACEHOLDERS = {"/", "／", "\\", "-", "－", "--", "—", "——", "无", "暂无", "空"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = range(29221, 73051)  # Excel day numbers of 1980-01-01 … 2099-12-31: a date cell left as General


class _Refuse(Exception):
    """A value that makes the row wrong; the message is the reason shown."""


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if not text or text in _PLACEHOLDERS else text
    return value


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number or a serial typed into a number cell
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# A ledger repeats its values (the same few hundred days, levels, sectors, units): the conversions below
# are memoised, which takes a 10,000-row preview from seconds to well under one.
@functools.lru_cache(maxsize=8192, typed=True)
def _folded(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value)))


@functools.lru_cache(maxsize=8192, typed=True)
def _day(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and int(value) in _SERIALS:
        return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    day = parse_date(value)
    return day.isoformat() if day else None


def _date(value: object, label: str) -> str | None:
    try:
        return _day(value)
    except NotADate as e:
        raise _Refuse(f"{label}{e}") from None


_AT_ONCE = re.compile(r"^(立即|立行立改|即查即改|当场|现场|马上)(整改|改正|完成)?$")
_WITHIN_DAYS = re.compile(r"^(?:限期)?(\d{1,3})(?:个工作日|天|日)(?:内)?(?:整改|完成|整改完毕|整改完成)?$")


def _deadline(value: object, found: str | None) -> str | None:
    """整改期限 as a date, or as old ledgers write it relative to discovery (立即整改, 7天内)."""
    if isinstance(value, str) and found:
        text = _folded(value)
        if _AT_ONCE.match(text):
            return found
        m = _WITHIN_DAYS.match(text)
        if m:
            return (dt.date.fromisoformat(found) + dt.timedelta(days=int(m.group(1)))).isoformat()
    return _date(value, "整改期限")


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


def _level(value: object) -> str:
    text = _folded(value)
    if "重大" in text:
        return MAJOR
    if "一般" in text:
        return GENERAL
    raise _Refuse(f"隐患等级“{_text(value)}”无法识别，应为“一般”或“重大”")


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
}


def _choice(vocabulary_name: str, value: object) -> str | None:
    text = _folded(value)
    choices = vocabulary(vocabulary_name)
    if text in choices:
        return text
    for word, choice in _SYNONYMS.get(vocabulary_name, ()):
        if word in text:
            return choice
    return None


def _tags(value: object) -> tuple[list[str], list[str]]:
    known = vocabulary("hazard_tag")
    parts = [p for p in re.split(r"[、,，;；|\n]", unicodedata.normalize("NFKC", _text(value))) if p.strip()]
    folded = {unicodedata.normalize("NFKC", t): t for t in known}
    good = [folded[p.strip()] for p in parts if p.strip() in folded]
    return good, [p.strip() for p in parts if p.strip() not in folded]


# 整改情况 words: those that claim the work is done, and the bare status words not worth keeping in 备注.
_DONE_WORDS = ("已整改", "已完成", "已销号", "已闭环", "整改完成", "已复查", "完成整改", "整改完毕", "已验收")
_STATUS_WORDS = {"已整改", "已完成", "已销号", "已闭环", "整改完成", "已复查", "完成", "销号", "闭环", "是", "否", "未整改",
                 "整改中", "正在整改", "未完成", "待整改", "未销号", "待复查", "已整改完成", "合格"}
# Lines under (or beside) the table that are not records: signatures, dates, notes, totals. Short words that
# could begin a description (注, 说明) count only with their colon.
_FOOTER = re.compile(
    r"^\s*(?:(?:填表|填报|制表|审核|审批|统计|报送)(?:人|日期|单位)?|(?:单位|主要)?负责人|分管领导|主要领导|联系人"
    r"|联系电话|签字|签名|盖章|[(（]盖章[)）]|合计|总计|小计)"
    r"|^\s*(?:注|说明|备注|日期)\s*\d*\s*[:：.．、]")


# --- rows ----------------------------------------------------------------------------------------------


def _read_rows(session: Session, preview: ImportPreview, sheet: Sheet, first: int) -> int:
    """Read every row under the header into the preview; returns how many looked like records."""
    grid = sheet.grid
    banners = _fill_merged(grid, sheet.merged, first)
    reader = _RowReader(session, preview)
    formulas = _unsaved_formulas(preview, sheet, first)
    mapped = [(c.index, c.target) for c in preview.columns if c.target and c.target not in (SERIAL, NOTE)]
    # Several columns may feed 备注; each but a plain 备注 column says where its text came from.
    notes = [(c.index, "" if target_for_header(c.header.rsplit("/", 1)[-1]) == NOTE else f"{c.header}：")
             for c in preview.columns if c.target == NOTE]
    placeholders = _PLACEHOLDERS
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
            texts = [prefix + _text(cells[i]) for i, prefix in notes if i < width and _cell(cells[i]) is not None]
            if texts:
                values[NOTE] = "；".join(texts)
        description = values.get(DESCRIPTION)
        if (description is None or description.__class__ is not str  # a number: the column-number row
                or _is_footer(description) and all(_is_footer(v) for v in values.values())):
            # Not a record, unless it is one that lacks its description (refused below).
            skip = _not_a_record(cells, r, banners)
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
    an empty cell or "0" where the officer sees a description."""
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


def _not_a_record(cells: list, r: int, banners: dict) -> str | None:
    """Why a row without a description is not a record (a footer, a group title, the column numbers under
    the header, a note in an unmapped column); None when it is a record that lacks its description, or
    holds nothing worth mentioning."""
    filled = [(c, v) for c, v in enumerate(cells) if _filled(v)]
    if any(_is_footer(v) for _, v in filled):
        return "页脚或说明行（填表人、审核人等），不是隐患记录，已跳过"
    if r in banners:
        c1, c2 = banners[r]
        if all(c1 <= c <= c2 for c, _ in filled):
            return f"分组标题“{_text(filled[0][1])[:30]}”，不是隐患记录，已跳过"
    numbers = [v for _, v in filled if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == len(filled) >= 3 and numbers == list(range(int(numbers[0]), int(numbers[0]) + len(numbers))):
        return "表头下的列序号行，已跳过"
    return None


def _kept_or_noted(converted: object, value: object, label: str, context: tuple, why: str) -> object:
    """A value the import could not read is not a reason to refuse the row: it is left out with a warning,
    and its text goes to 备注 so that nothing the ledger said is lost."""
    if converted is None:
        _, warnings, notes = context
        warnings.append(f"{label}“{_text(value)}”{why}（原文已记入备注）")
        notes.append(f"{label}：{_text(value)}")
    return converted


def _deadline_cell(value: object, context: tuple) -> str | None:
    found = context[0].get(FOUND_DATE)
    try:
        found = _date(found, "") if found is not None else None
    except _Refuse:
        found = None  # reported by the found date's own converter
    return _deadline(value, found)


def _tags_cell(value: object, context: tuple) -> str | None:
    good, unknown = _tags(value)
    if unknown:
        _, warnings, notes = context
        warnings.append(f"专项行动“{'、'.join(unknown)}”不在可选项中，未导入（原文已记入备注）")
        notes.append(f"专项行动：{'、'.join(unknown)}")
    return join_tags(good) or None


def _whole_number(value: object, label: str) -> int:
    text = _folded(value)
    if not text.isdigit():
        raise _Refuse(f"{label}“{_text(value)}”应为整数")
    return int(text)


def _progress_cell(value: object, context: tuple) -> str:
    """整改情况 text is kept in 备注 unless it is a bare status word; whether it claims the work is done is
    checked against the dates in _events."""
    if _folded(value) not in _STATUS_WORDS:
        context[2].append(f"整改情况：{_text(value)}")
    return _text(value)


class _RowReader:
    """Turns a row's values into a planned hazard, its events and its unit, collecting what is wrong."""

    def __init__(self, session: Session, preview: ImportPreview):
        self.session, self.preview = session, preview
        self.today = session.today()
        self.units = _UnitBook(queries.township_units(session.store, preview.township), preview, self.today)
        header = {c.target: c.header for c in preview.columns if c.target}
        self.yuan_per_unit = 10000 if "万元" in header.get("hazard.funds", "") else 1
        # Per target: where the value goes (hazard / unit / the ledger's own) and how it is converted.
        self.plan = {}
        for target in TARGETS:
            scope, _, name = target.key.partition(".")
            self.plan[target.key] = (scope if name else "ledger", name or target.key, self._converter(target))

    def read(self, row: int, values: dict) -> None:
        reasons: list[str] = []
        warnings: list[str] = []
        notes: list[str] = [values[NOTE]] if NOTE in values else []
        hazard: dict[str, object] = {"level": GENERAL, "source": "乡镇检查"}
        unit_values: dict[str, object] = {}
        ledger: dict[str, object] = {}
        where = {"hazard": hazard, "unit": unit_values, "ledger": ledger}
        context = (values, warnings, notes)
        for key, value in values.items():
            if key == NOTE:
                continue
            scope, name, convert = self.plan[key]
            try:
                converted = convert(value, context)
            except _Refuse as e:
                reasons.append(str(e))
                continue
            if converted is not None:
                where[scope][name] = converted
        if notes:
            hazard["note"] = "；".join(notes)
        if "description" not in hazard:
            reasons.insert(0, "未填隐患描述")
        if FOUND_DATE not in values:
            reasons.append("未填发现日期")
        events = self._events(hazard, ledger, reasons, warnings)
        unit = None if reasons else self.units.resolve(unit_values, hazard.get("sector"), reasons, warnings)
        incomplete: list[str] = []
        if unit is not None:
            # Already what normalise() would store: stripped text, no empty values.
            if "sector" not in hazard:
                hazard["sector"] = unit.values.get("sector")
            problems = validate(HAZARD, {**hazard, "unit_id": unit.key}, self.today)
            reasons += [p.message for p in errors(problems)]
            incomplete = [p.message for p in problems if p.level == INCOMPLETE]
            warnings += [f"{m}，已导入并标为待补充" for m in incomplete]
        if reasons:
            if unit is not None:
                unit.rows -= 1
            self.preview.refused.append(RowIssue(row, "；".join(dict.fromkeys(reasons))))
            return
        self.preview.warnings += [RowIssue(row, w) for w in warnings]
        self.preview.rows.append(ImportRow(row, unit.key, hazard, events, bool(incomplete)))

    def _converter(self, target: Target) -> Callable[[object, tuple], object]:
        """How a cell becomes what is stored for a target; a converter returns None (having said why in a
        warning, the original text kept in 备注) to leave a value out, and raises _Refuse when it is wrong."""
        label, kind = target.label, target.type
        if target.key == DEADLINE:
            return _deadline_cell
        if kind == DATE:
            return lambda value, _: _date(value, label)
        if target.key == "hazard.level":
            return lambda value, _: _level(value)
        if kind == MONEY:
            return lambda value, context: _kept_or_noted(_money(value, self.yuan_per_unit), value, label, context,
                                                         "不是金额，未导入该项")
        if kind == CHOICE:
            vocab = HAZARD.field(target.key.partition(".")[2]).vocabulary
            return lambda value, context: _kept_or_noted(_choice(vocab, value), value, label, context,
                                                         "不在可选项中，已留空")
        if kind == TAGS:
            return _tags_cell
        if kind == INT:
            return lambda value, _: _whole_number(value, label)
        if target.key == PROGRESS:
            return _progress_cell
        return lambda value, _: value if value.__class__ is str else _text(value)

    def _events(self, hazard: dict, ledger: dict, reasons: list, warnings: list) -> list[dict]:
        """整改完成, 复查 (合格) and 销号 from the row's dates, which must keep their order; a later step
        without the earlier ones fills them with its own date, as the hazard cannot close otherwise."""
        found = hazard.get("found_date")
        steps = [("整改完成日期", ledger.get(RECTIFIED_DATE)), ("复查日期", ledger.get(REVIEW_DATE)),
                 ("销号日期", ledger.get(CLOSED_DATE))]
        before_label, before = "发现日期", found
        for label, day in steps:
            if not day:
                continue
            reason = out_of_range(dt.date.fromisoformat(day), self.today, label)
            if reason:
                reasons.append(reason)
            if before and day < before:
                reasons.append(f"{label}（{day}）早于{before_label}（{before}）")
            before_label, before = label, day
        progress = ledger.get(PROGRESS)
        reviewer = ledger.get(REVIEWER)
        if not any(day for _, day in steps):
            said = _folded(progress) if progress is not None else ""
            if "未" not in said and any(w in said for w in _DONE_WORDS):
                warnings.append(f"整改情况为“{progress}”但未填整改完成日期，按未整改导入，请补录")
            if reviewer:
                warnings.append(f"填了复查人“{reviewer}”但未填复查日期，复查未导入，请补录")
            return []
        rectified, review, closed = (day for _, day in steps)
        filled = []
        if closed and not review:
            review = closed
            filled.append("复查日期")
        if review and not rectified:
            rectified = review
            filled.insert(0, "整改完成日期")
        if filled:
            later = "销号日期" if "复查日期" in filled else "复查日期"
            steps_made = "、".join({"整改完成日期": "整改完成", "复查日期": "复查（合格）"}[f] for f in filled)
            warnings.append(f"有{later}但未填{'、'.join(filled)}，已按{later}补记{steps_made}")
        elif reviewer and not review:
            warnings.append(f"填了复查人“{reviewer}”但未填复查日期，复查未导入，请补录")

        def note(step: str) -> str:
            return f"导入自原台账，未载明{step}" if step in filled else "导入自原台账"

        events = [{"kind": RECTIFIED, "date": rectified, "result": None, "actor": None, "note": note("整改完成日期")}]
        if review:
            events.append({"kind": REVIEW, "date": review, "result": PASS, "actor": reviewer, "note": note("复查日期")})
        if closed:
            events.append({"kind": CLOSE, "date": closed, "result": None, "actor": None, "note": "导入自原台账"})
        return events

    def finish(self) -> None:
        """Rows already in the ledger (same unit, found date and description) are skipped, not doubled."""
        preview = self.preview
        matched = [r for r in preview.rows if not preview.units[r.unit_key].is_new]
        if matched:
            days = [r.hazard["found_date"] for r in matched]
            known = queries.hazard_keys(self.session.store, preview.township, min(days), max(days))
            kept = []
            for r in preview.rows:
                unit = preview.units[r.unit_key]
                number = None if unit.is_new else known.get(
                    (unit.existing_id, r.hazard["found_date"], r.hazard["description"]))
                if number:
                    unit.rows -= 1
                    preview.skipped.append(RowIssue(r.row, f"与已登记的隐患 {number} 相同（同一单位、发现日期和隐患描述），"
                                                           "已跳过，不重复导入"))
                else:
                    kept.append(r)
            preview.rows = kept
        preview.skipped.sort()
        preview.units = {k: u for k, u in preview.units.items() if u.rows}


_checked_uscc = functools.lru_cache(maxsize=8192)(check_uscc)


@functools.lru_cache(maxsize=8192)
def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


class _UnitBook:
    """The township's units, and those the import will create, by credit code and by name."""

    def __init__(self, existing: list[dict], preview: ImportPreview, today: dt.date):
        self.preview, self.today = preview, today
        self.by_code: dict[str, PlannedUnit] = {}
        self.by_name: dict[str, PlannedUnit] = {}
        self.existing = existing
        self._indexed = False
        self.created = 0

    def _index_existing(self) -> None:
        # Built on first use: a preview refused for its columns never needs it.
        for u in self.existing:
            planned = PlannedUnit(u["id"], {"name": u["name"], "uscc": u["uscc"], "sector": u["sector"]}, u["id"])
            if u["uscc"]:
                self.by_code.setdefault(u["uscc"], planned)
            self.by_name.setdefault(_name_key(u["name"]), planned)
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
            if unit is not None and code:
                self._code_of_named(unit, code, code_note, warnings)
        if unit is None:
            unit = self._new(name, code, code_note, dropped, sector, values, reasons)
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
        check = _checked_uscc(_text(raw))
        if check.ok:
            return check.value or None, None, None
        if check.warning:
            digit = uscc_digits.calc_check_digit(check.value[:17])
            warnings.append(f"统一社会信用代码 {check.value} 校验位不符（应为 {digit}），已按原台账录入并记录原因，请核对营业执照")
            return check.value, f"导入时校验位不符（应为 {digit}），按原台账录入", None
        reason = check.message.removesuffix("，请核对营业执照")
        warnings.append(f"“{_text(raw)}”：{reason}。代码未导入，按单位名称匹配或新建，请核对营业执照后补录")
        return None, None, _text(raw)

    def _code_of_named(self, unit: PlannedUnit, code: str, note: str | None, warnings: list) -> None:
        known = unit.values.get("uscc")
        if known and known != code:
            warnings.append(f"信用代码 {code} 与同名单位“{unit.name}”登记的 {known} 不同，已按单位名称归入该单位，请核对")
        elif not known and unit.is_new:
            unit.values.update(uscc=code, uscc_note=note)
            self.by_code[code] = unit
        elif not known:
            warnings.append(f"已登记的“{unit.name}”未填信用代码，台账中为 {code}；导入不修改单位信息，请在单位页补录")

    def _new(self, name: str, code: str | None, code_note: str | None, dropped: str | None, sector: str | None,
             values: dict, reasons: list) -> PlannedUnit | None:
        unit_values = {
            "name": name, "uscc": code, "uscc_note": code_note, "sector": sector or "其他",
            "is_high_risk": 1 if is_high_risk_sector(sector) else 0, "status": "正常", "no_licence": 0,
            "is_above_scale": 0, **{k: v for k, v in values.items() if k not in ("name", "uscc")},
            "note": f"原台账信用代码“{dropped}”格式不正确，未录入" if dropped else None,
        }
        unit_values = normalise(UNIT, unit_values)
        problems = errors(validate(UNIT, unit_values, self.today))
        if problems:
            reasons += [p.message for p in problems]
            return None
        self.created += 1
        unit = PlannedUnit(f"new:{self.created}", unit_values, sector_given=sector is not None)
        self.by_name[_name_key(name)] = unit
        if code:
            self.by_code[code] = unit
        return unit

    @staticmethod
    def _complete(unit: PlannedUnit, values: dict, sector: str | None) -> None:
        """A later row of a new unit may carry what its first row lacked."""
        for key, value in values.items():
            if key not in ("name", "uscc") and not unit.values.get(key):
                unit.values[key] = value
        if sector and not unit.sector_given:
            unit.values.update(sector=sector, is_high_risk=1 if is_high_risk_sector(sector) else 0)
            unit.sector_given = True
