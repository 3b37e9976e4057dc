"""Any filled form as an XLSX sheet that prints like the PDF: the same title, header block, merged header rows,
figures as numbers under number formats that show what the PDF prints, 合计, notes and signature line, set
up for A4 at the form's orientation, fitted to the page width, header rows repeated, panes frozen.

Row heights are set from the text, because Excel keeps a row one line high when a file does not say
otherwise, and a wrapped 隐患描述 would be cut off on screen and on paper.

Text is stored as text, always: a description or unit name such as ``=HYPERLINK(...)`` or ``#N/A`` is what
the officer typed, and Excel or WPS must show it, not run it (see ``_put``). pjdesk writes no formulas.
"""

from __future__ import annotations

import math
import os
import unicodedata
import weakref
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from .files import save_workbook, write_replacing
from .spec import DATE, SERIAL_KEY, Column, FilledForm
from .table import NUMBER_FORMATS, Cell, FormTable, build_table, footer_label, header_block, note_lines

FONT_NAME = "宋体"  # present on every Chinese Windows; WPS and LibreOffice substitute their own 宋体
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per line of 10-point text
UNITS_PER_CHAR = 1.9  # a CJK character of 10-point 宋体 in Excel width units (the width of "0")
CELL_PADDING = 1.5  # width units

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_TITLE = Font(name=FONT_NAME, size=16, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_ALIGN = {
    "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
    "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "right": Alignment(horizontal="right", vertical="center", wrap_text=True),
}
_PLAIN = {
    "left": Alignment(horizontal="left", vertical="center"),
    "center": Alignment(horizontal="center", vertical="center"),
    "right": Alignment(horizontal="right", vertical="center"),
}


def render_xlsx(filled: FilledForm, path: str | os.PathLike) -> Path:
    """Writes the form to ``path`` (replacing it only once the new file is complete) and returns the path."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = filled.spec.code
    workbook.properties.title = filled.spec.title
    workbook.properties.creator = filled.unit_name
    _fill_sheet(sheet, filled)
    return write_replacing(path, lambda temporary: save_workbook(workbook, temporary, filled.filled_date))


def _fill_sheet(sheet: Worksheet, filled: FilledForm) -> None:
    table = build_table(filled)
    width = len(table.columns)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _units(column)
    row = _title(sheet, filled, width)
    row = _header_block(sheet, filled, width, row)
    first_header = row
    row = _header(sheet, table, row)
    first_body = row
    body_styles = [_cell_style(sheet, column, total=False) for column in table.columns]
    wrapped = [_wraps(column) for column in table.columns]
    for cells in table.body:
        _body_row(sheet, table.columns, cells, row, body_styles, wrapped)
        row += 1
    if table.total:
        _body_row(sheet, table.columns, table.total, row,
                  [_cell_style(sheet, column, total=True) for column in table.columns], wrapped)
        row += 1
    row = _notes(sheet, filled, width, row + 1)
    row = _signatures(sheet, filled, width, row + 1)
    _print_setup(sheet, filled, table, first_header, first_body, row - 1)


def _styled(sheet: Worksheet, **parts) -> StyleArray:
    """The style ids of a cell with these parts (font, border, fill, alignment, number format), for
    ``cell._style``; worked out once per workbook, as setting each part of each cell makes openpyxl hash the
    part again to find its id. (Plain cell styles, not named ones: a named style per kind of cell made every
    file's style sheet several times longer to write.)"""
    known = _WORKBOOK_STYLES.setdefault(sheet.parent, {})
    key = tuple((name, id(value)) for name, value in parts.items())
    if key not in known:
        styled = SheetCell(sheet)  # not placed in the sheet: it only turns the parts into style ids
        for name, value in parts.items():
            setattr(styled, name, value)
        known[key] = (styled._style, tuple(parts.values()))  # the parts kept alive: their ids stay theirs
    return StyleArray(known[key][0])


_WORKBOOK_STYLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _merge_plain(sheet: Worksheet, row: int, first_column: int, last_column: int) -> None:
    """Merge a borderless row of cells (title, header block, notes, signatures). ``merge_cells`` would also
    give each covered cell the first cell's borders and protection, one style lookup per cell: a border-less
    cell has neither, and the sheet reads the same."""
    merged = MergedCellRange(sheet, f"{get_column_letter(first_column)}{row}:{get_column_letter(last_column)}{row}")
    sheet.merged_cells.add(merged)
    for column in range(first_column + 1, last_column + 1):
        sheet._cells[(row, column)] = MergedCell(sheet, row, column)


def _put(sheet: Worksheet, row: int, column: int, value: object) -> SheetCell:
    """The cell at (row, column) holding ``value``. Text is stored as a string whatever it begins with:
    openpyxl would otherwise store "=…" as a formula (which Excel runs on opening, e.g. a HYPERLINK or a DDE
    call) and "#N/A" as an error. Control characters, which an XLSX cannot hold, are left out."""
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _title(sheet: Worksheet, filled: FilledForm, width: int) -> int:
    cell = _put(sheet, 1, 1, filled.spec.title)
    cell._style = _styled(sheet, font=_TITLE, alignment=_PLAIN["center"])
    _merge_plain(sheet, 1, 1, width)
    sheet.row_dimensions[1].height = 30
    return 2


def _header_block(sheet: Worksheet, filled: FilledForm, width: int, row: int) -> int:
    for line in header_block(filled):
        _spread(sheet, row, width, line, ("left", "center", "right"))
        row += 1
    return row


def _header(sheet: Worksheet, table: FormTable, row: int) -> int:
    for cell in table.header:
        target = _put(sheet, row + cell.row, cell.col + 1, cell.text)
        # (a merge gives its edge cells the border of this one)
        target._style = _styled(sheet, font=_BOLD, border=_BORDER, fill=_HEADER_FILL, alignment=_ALIGN["center"])
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(start_row=row + cell.row, start_column=cell.col + 1,
                              end_row=row + cell.row + cell.rowspan - 1, end_column=cell.col + cell.colspan)
    for level in range(table.header_rows):
        lines = max(_lines(c.text, _span_chars(table, c)) for c in table.header if c.row + c.rowspan - 1 == level)
        sheet.row_dimensions[row + level].height = max(lines, 1) * LINE_HEIGHT + 4
    return row + table.header_rows


def _body_row(sheet: Worksheet, columns: tuple[Column, ...], cells: tuple[Cell, ...], row: int,
              styles: list[StyleArray], wrapped: list[bool]) -> None:
    """A row of the table, its cells made directly with their column's style (the thousands of cells of a
    ledger: openpyxl's cell() and style lookup by name cost more than the writing), as ``_put`` stores them."""
    lines = 1
    found = sheet._cells
    for index, (column, cell, style, wraps) in enumerate(zip(columns, cells, styles, wrapped, strict=True), start=1):
        value = cell.value if cell.value is not None else (cell.text or None)
        target = SheetCell(sheet, row=row, column=index, style_array=style)
        if isinstance(value, str):
            target._value = ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value
            target.data_type = "s"
        elif value is not None:
            target.value = value
        found[(row, index)] = target
        if wraps:
            lines = max(lines, _lines(cell.text, column.width))
    if lines > 1:
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 2


def _wraps(column: Column) -> bool:
    return not (column.numeric or column.kind == DATE)


def _cell_style(sheet: Worksheet, column: Column, *, total: bool) -> StyleArray:
    """The style of a kind of cell (body or 合计, its side and number format), worked out once per workbook."""
    side = _side(column)
    parts = {"font": _BOLD if total else _FONT, "border": _BORDER,
             "number_format": NUMBER_FORMATS.get(column.kind, "General"),
             "alignment": (_ALIGN if _wraps(column) else _PLAIN)[side]}
    if total:
        parts["fill"] = _TOTAL_FILL
    return _styled(sheet, **parts)


def _notes(sheet: Worksheet, filled: FilledForm, width: int, row: int) -> int:
    chars = sum(c.width for c in filled.spec.table_columns)
    for line in note_lines(filled):
        cell = _put(sheet, row, 1, line)
        cell._style = _styled(sheet, font=_FONT, alignment=_ALIGN["left"])
        _merge_plain(sheet, row, 1, width)
        lines = _lines(line, chars)
        if lines > 1:
            sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 2
        row += 1
    return row


def _signatures(sheet: Worksheet, filled: FilledForm, width: int, row: int) -> int:
    labels = tuple(f"{label}：" for label in filled.spec.signature_labels)
    _spread(sheet, row, width, labels, ("left",) * len(labels))
    sheet.row_dimensions[row].height = 30
    return row + 1


def _print_setup(sheet: Worksheet, filled: FilledForm, table: FormTable, first_header: int, first_body: int,
                 last_row: int) -> None:
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = filled.spec.orientation
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_title_rows = f"{first_header}:{first_body - 1}"
    sheet.print_area = f"A1:{get_column_letter(len(table.columns))}{last_row}"
    # Keep the header rows, and the row labels of an aggregate return, in view while scrolling.
    frozen_columns = 1 if filled.spec.row_label else 0
    sheet.freeze_panes = sheet.cell(first_body, frozen_columns + 1)
    sheet.oddFooter.left.text = footer_label(filled)
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.right.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.right.size = 8


def _spread(sheet: Worksheet, row: int, width: int, items: tuple[str, ...], sides: tuple[str, ...]) -> None:
    """Items across the table width in equal merged parts, each aligned to its side; on a table with fewer
    columns than items, all of them in one line."""
    if width < len(items):
        items, sides = ("　　".join(item for item in items if item),), ("left",)
    bounds = [round(width * i / len(items)) for i in range(len(items) + 1)]
    for item, start, end, side in zip(items, bounds, bounds[1:], sides, strict=False):
        cell = _put(sheet, row, start + 1, item or None)
        cell._style = _styled(sheet, font=_FONT, alignment=_PLAIN[side])
        if end - start > 1:
            _merge_plain(sheet, row, start + 1, end)


def _side(column: Column) -> str:
    if column.key == SERIAL_KEY or column.kind == DATE:
        return "center"
    return "right" if column.numeric else "left"


def _units(column: Column) -> float:
    return column.width * UNITS_PER_CHAR + CELL_PADDING


def _span_chars(table: FormTable, cell) -> float:
    return sum(c.width for c in table.columns[cell.col:cell.col + cell.colspan])


@lru_cache(maxsize=20_000)
def _lines(text: str, chars: float) -> int:
    """How many lines the text takes in a cell ``chars`` CJK characters wide (Latin counts about half). Kept,
    as the PDF's line breaking is: a year of ledgers lists the same hazards month after month."""
    if not text:
        return 1
    return sum(max(1, math.ceil(_display_width(part) / max(chars, 1))) for part in text.split("\n"))


def _display_width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)
