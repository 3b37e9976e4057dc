"""Export of the hazard ledger (the current filter and sort) as a print-ready XLSX.

The sheet is what a township files and prints: a title and a line saying what was exported and when, one
header row that repeats on every printed page and stays frozen on screen, A4 landscape fitted to the page
width, 第 x 页 共 y 页 in the footer; dates are real Excel dates (yyyy-mm-dd) and money is 元 with two decimals.
The header names are those the ledger import recognises, so an exported ledger imports again as it is.

The ledger is read by one statement, a batch of rows at a time, and each row goes straight into the file
(pjdesk.forms.xlsx_stream): 200,000 rows cost about 5 s of processor time and 75 MB (budget 15 s), where
xlsxwriter alone took 31 s for the same cells and pages by OFFSET sorted the ledger again for each page. The file is written beside the target under a temporary name and renamed at the end, so a failed or
cancelled export leaves no broken file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.hazard import HazardFilter, overdue
from pjdesk.forms.xlsx_stream import (
    DATE,
    MAX_ROWS,
    NUMBER,
    TEXT,
    CellStyle,
    SheetColumn,
    SheetFull,
    StreamedSheet,
)
from pjdesk.storage import ledger

from .hazards import _scoped, count_hazards
from .session import Session

# Rows read at a time; progress and cancel are checked between batches.
PAGE_ROWS = 2000
SHEET_NAME = "隐患台账"
FONT = "宋体"  # what Chinese offices print ledgers in; Excel, WPS and LibreOffice substitute where missing


@dataclass(frozen=True)
class Column:
    header: str  # as the import recognises it (pjdesk.services.ledger_import)
    key: str  # the query column it shows
    width: float  # in characters
    kind: str = "text"  # text / wrap / date / money / center


COLUMNS = (
    Column("序号", "serial", 5, "center"),
    Column("隐患编号", "hazard_no", 19),
    Column("单位名称", "unit_name", 22, "wrap"),
    Column("统一社会信用代码", "unit_uscc", 20),
    Column("隐患描述", "description", 34, "wrap"),
    Column("隐患部位", "location", 12, "wrap"),
    Column("隐患等级", "level", 6, "center"),
    Column("行业领域", "sector", 10, "center"),
    Column("隐患来源", "source", 9, "center"),
    Column("发现日期", "found_date", 11, "date"),
    Column("发现人", "found_by", 10, "wrap"),
    Column("整改期限", "due_date", 11, "date"),  # the deadline in force, after any 延期
    Column("整改责任人", "resp_person", 9, "center"),
    Column("整改措施", "measures", 28, "wrap"),
    Column("整改资金（元）", "funds", 12, "money"),
    Column("整改完成日期", "rectified_date", 11, "date"),
    Column("复查日期", "review_date", 11, "date"),
    Column("销号日期", "closed_date", 11, "date"),
    Column("状态", "status", 10, "center"),
    Column("是否逾期", "overdue", 6, "center"),
    Column("备注", "note", 16, "wrap"),
)
QUERY_COLUMNS = (
    "h.hazard_no", "u.name AS unit_name", "u.uscc AS unit_uscc", "h.description", "h.location", "h.level",
    "h.sector", "h.source", "h.found_date", "h.found_by", "h.due_date", "h.resp_person", "h.measures", "h.funds",
    "h.rectified_date", "h.review_date", "h.closed_date", "h.status", "h.note",
)
_NAMES = tuple(c.rpartition(" AS ")[2].rpartition(".")[2] for c in QUERY_COLUMNS)
# A row of the sheet from a row of the query followed by what the export adds (序号, 是否逾期).
_ADDED = ("serial", "overdue")
_IN_ORDER = itemgetter(*(_NAMES.index(c.key) if c.key in _NAMES else len(_NAMES) + _ADDED.index(c.key)
                         for c in COLUMNS))
_STATUS, _DUE = _NAMES.index("status"), _NAMES.index("due_date")
HEADER_ROW = 3  # under the title and the line that says what was exported

Progress = Callable[[int, int], None]


def export_ledger(session: Session, path: str | Path, f: HazardFilter = HazardFilter(), *, sort=None,  # noqa: B008 - frozen
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> int:
    """Write the hazards that ``f`` selects, in the ledger's ``sort`` order, to ``path`` (.xlsx); returns the
    number of rows written.

    ``progress(done, total)`` follows the rows; ``cancelled()`` is asked between batches of PAGE_ROWS rows, and a
    cancel raises PjdeskError("已取消导出"). On a cancel or a failure nothing is left at ``path`` (a file
    already there is untouched), and the error says in Chinese what to do.
    """
    station = session.require_station()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise PjdeskError(f"导出文件名应以 .xlsx 结尾（如 隐患台账.xlsx），现为“{path.name}”")
    today = session.today()
    total = count_hazards(session, f)
    if total > MAX_ROWS - HEADER_ROW:
        raise _too_many_rows(total)
    scoped = _scoped(session, f)
    written = 0
    with written_beside(path) as temporary, Book(temporary, title=f"{station.name}隐患排查治理台账",
                                                 operator=session.operator, day=today) as book:
        book.begin(f"填报单位：{station.label}　　筛选：{f.describe()}　　导出日期：{today.isoformat()}"
                   f"　　共 {total} 条")
        write, in_order = book.write_values, _IN_ORDER
        batches = ledger.batches(session.store, scoped, today, sort=sort, columns=QUERY_COLUMNS, size=PAGE_ROWS)
        with contextlib.closing(batches):
            for rows in batches:
                if cancelled and cancelled():
                    raise PjdeskError("已取消导出")
                for row in rows[:total - written]:  # a ledger grown since the count: the count is what is written
                    written += 1
                    flag = "是" if overdue(row[_STATUS], row[_DUE], today) else "否"
                    write(in_order((*row, written, flag)))
                if progress:
                    progress(written, total)
                if written >= total:
                    break
    return written


_CELL = {"size": 10, "border": True, "vertical": "top"}
STYLES = {  # one per kind of column
    "text": CellStyle(**_CELL),
    "wrap": CellStyle(**_CELL, wrap=True),
    "center": CellStyle(**_CELL, horizontal="center"),
    "date": CellStyle(**_CELL, horizontal="center", number_format="yyyy-mm-dd"),
    "money": CellStyle(**_CELL, number_format="#,##0.00"),
}
HOLDS = {"date": (DATE, 1), "money": (NUMBER, 100)}  # money is kept in 分 and shown in 元
TITLE_STYLE = CellStyle(size=16, bold=True, horizontal="center", vertical="center")
SUBTITLE_STYLE = CellStyle(horizontal="left", vertical="center")
HEADER_STYLE = CellStyle(bold=True, border=True, wrap=True, horizontal="center", vertical="center", fill="D9E1F2")


class Book:
    """A print-ready sheet: title, subtitle, one header row frozen and repeated on every page, A4 fitted to the
    page width, page numbers; a handful of shared formats (one per kind of column), rows written in order
    straight into the file (pjdesk.forms.xlsx_stream), so memory does not grow with the rows. Every text is
    written as text, never as a formula. The hazard ledger's columns unless told others.

    Used as a context manager: the file is finished when the block ends well and abandoned (closed, for the
    caller to remove) when it fails; a refusal of the file system becomes a PjdeskError in plain words."""

    def __init__(self, path: Path, *, title: str, operator: str, day: dt.date,
                 columns: tuple[Column, ...] = COLUMNS, sheet_name: str = SHEET_NAME, landscape: bool = True):
        self.path, self.title, self.columns = path, title, columns
        self.keys = [c.key for c in columns]
        sheet_columns = [SheetColumn(c.width, STYLES[c.kind], *HOLDS.get(c.kind, (TEXT, 1))) for c in columns]
        try:
            self.sheet = StreamedSheet(path, name=sheet_name, columns=sheet_columns, day=day, font=FONT, title=title,
                                       author=operator or "pjdesk", comments="pjdesk 导出", landscape=landscape)
        except OSError as e:
            raise _plain(e, path) from e

    def begin(self, subtitle: str) -> None:
        self.sheet.banner(self.title, TITLE_STYLE, height=30)
        self.sheet.banner(subtitle, SUBTITLE_STYLE, height=20)
        self.sheet.header([c.header for c in self.columns], HEADER_STYLE, height=30)

    def write_row(self, values: dict) -> None:
        """A row from a mapping of the columns' keys."""
        self.sheet.row([values.get(k) for k in self.keys])

    def write_values(self, values: Sequence) -> None:
        """A row of values in the order of the columns."""
        self.sheet.row(values)

    def __enter__(self) -> Book:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self.sheet.discard()
            if isinstance(error, SheetFull):
                raise _too_many_rows(self.sheet.rows) from error
            if isinstance(error, OSError):
                raise _plain(error, self.path) from error
            return
        try:
            self.sheet.close()
        except OSError as e:
            raise _plain(e, self.path) from e


def _too_many_rows(rows: int) -> PjdeskError:
    return PjdeskError(f"要导出的记录超过 Excel 一张表最多能容纳的 {MAX_ROWS:,} 行（现约 {rows:,} 条）。"
                       "请先筛选（如按乡镇、年份或状态），再分几次导出。")


@contextlib.contextmanager
def written_beside(path: Path) -> Iterator[Path]:
    """A temporary file in the target's folder to write an export to: renamed onto ``path`` when the block ends
    well, removed when it fails or is cancelled, so that no half file is ever left under the name asked for."""
    temporary = temporary_beside(path)
    try:
        yield temporary
        replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def temporary_beside(path: Path) -> Path:
    """An empty file in the target's folder, so that the final rename stays on one disk."""
    try:
        fd, name = tempfile.mkstemp(prefix=".pjdesk-导出-", suffix=".xlsx.tmp", dir=path.parent)
    except OSError as e:
        raise _plain(e, path) from e
    os.close(fd)
    return Path(name)


def replace(temporary: Path, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except OSError as e:
        raise _plain(e, path, renaming=True) from e


def _plain(error: OSError, path: Path, *, renaming: bool = False) -> PjdeskError:
    """The file system's refusal, in words an officer can act on."""
    folder = path.parent
    if isinstance(error, FileNotFoundError) and not folder.is_dir():
        return PjdeskError(f"导出失败：文件夹“{folder}”不存在。请选择其他位置。")
    if isinstance(error, NotADirectoryError):
        return PjdeskError(f"导出失败：“{folder}”不是文件夹。请选择其他位置。")
    if isinstance(error, IsADirectoryError) or path.is_dir():
        return PjdeskError(f"导出失败：“{path.name}”是一个文件夹，请换一个文件名。")
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        if renaming and path.exists():
            return PjdeskError(f"导出失败：“{path.name}”正被其他程序（如 Excel、WPS）打开或为只读。请关闭该文件后重试，或换一个文件名。")
        return PjdeskError(f"导出失败：没有权限写入文件夹“{folder}”。请选择其他位置（如“桌面”或“文档”）。")
    if error.errno == errno.ENOSPC:
        return PjdeskError("导出失败：磁盘已满。请清理磁盘空间或选择其他位置后重试。")
    return PjdeskError(f"导出失败：写入“{path.name}”时出错（{os_reason(error)}）。请检查磁盘或换一个位置后重试。")
