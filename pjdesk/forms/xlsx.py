"""Any filled form as an XLSX sheet that prints like the PDF: the same title, header block, merged header rows,
figures as numbers under number formats that show what the PDF prints, 合计, notes and signature line, set
up for A4 at the form's orientation, fitted to the page width, header rows repeated, panes frozen.

Row heights are set from the text, because Excel keeps a row one line high when a file does not say
otherwise, and a wrapped 隐患描述 would be cut off on screen and on paper.

Text is stored as text, always: a description or unit name such as ``=HYPERLINK(...)`` or ``#N/A`` is what
the officer typed, and Excel or WPS must show it, not run it. pjdesk writes no formulas.

The returns are written with XlsxWriter, which writes a sheet several times faster than openpyxl builds and
saves one (a year of returns is 120 files, a month's 台账 thousands of cells); openpyxl is not even imported.
The documents (``document_xlsx``) are written with openpyxl, with this module's measures.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet as BookSheet

from .files import as_day, redate_zip, write_replacing
from .spec import DATE, SERIAL_KEY, Column, FilledForm
from .table import NUMBER_FORMATS, FormTable, build_table, footer_label, header_block, note_lines

FONT_NAME = "宋体"  # present on every Chinese Windows; WPS and LibreOffice substitute their own 宋体
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per line of 10-point text
UNITS_PER_CHAR = 1.9  # a CJK character of 10-point 宋体 in Excel width units (the width of "0")
CELL_PADDING = 1.5  # width units
HEADER_FILL, TOTAL_FILL = "#E6E6E6", "#F2F2F2"
# The control characters an XLSX cannot hold (as openpyxl refuses them), left out of any text.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

_OPTIONS = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def render_xlsx(filled: FilledForm, path: str | os.PathLike, table: FormTable | None = None) -> Path:
    """Writes the form to ``path`` (replacing it only once the new file is complete) and returns the path.
    The file is dated by the form (its created and modified, and its members'), never by the clock.
    ``table``: the form's build_table, when the caller has it (it draws the PDF from the same)."""
    day = as_day(filled.filled_date) or dt.date(2000, 1, 1)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _OPTIONS)
    book.set_properties({"title": filled.spec.title, "author": filled.unit_name,
                         "created": dt.datetime.combine(day, dt.time())})
    _Sheet(book, book.add_worksheet(filled.spec.code, _PrintedSheet), filled, table or build_table(filled)).fill()
    book.close()
    data = redate_zip(buffer.getvalue(), day)
    return write_replacing(path, lambda temporary: temporary.write_bytes(data))


class _PrintedSheet(BookSheet):
    """XlsxWriter leaves out a page setup's fitToWidth when it is 1 (the format's default); it is written, as
    Excel writes it, so that every reader fits the width to one page."""

    def _xml_empty_tag(self, tag, attributes=None):
        if tag == "pageSetup" and self.fit_page and not any(name == "fitToWidth" for name, _ in attributes or ()):
            attributes = list(attributes or ())
            at = 1 if attributes and attributes[0][0] == "paperSize" else 0
            attributes.insert(at, ("fitToWidth", 1))
        super()._xml_empty_tag(tag, attributes)


class _Sheet:
    """One return on one sheet: its rows from the top, each part in its own format."""

    def __init__(self, book: xlsxwriter.Workbook, sheet: BookSheet, filled: FilledForm, table: FormTable):
        self.book = book
        self.sheet = sheet
        self.filled = filled
        self.table = table
        self.width = len(self.table.columns)
        self.formats: dict[tuple, object] = {}

    def fill(self) -> None:
        sheet, table = self.sheet, self.table
        for index, column in enumerate(table.columns):
            sheet.set_column(index, index, _sheet_width(_units(column)))
        row = self._title()
        row = self._header_block(row)
        first_header = row
        row = self._header(row)
        first_body = row
        body = [self._cell_format(column, total=False) for column in table.columns]
        wrapped = [_wraps(column) for column in table.columns]
        for cells in table.body:
            self._body_row(row, cells, body, wrapped)
            row += 1
        if table.total:
            self._body_row(row, table.total, [self._cell_format(column, total=True) for column in table.columns],
                           wrapped)
            row += 1
        row = self._notes(row + 1)
        row = self._signatures(row + 1)
        self._print_setup(first_header, first_body, row - 1)

    # Rows are numbered from 1 here, as in the sheet; XlsxWriter counts rows and columns from 0.
    def _format(self, **properties):
        key = tuple(sorted(properties.items()))
        if key not in self.formats:
            self.formats[key] = self.book.add_format({"font_name": FONT_NAME, "font_size": FONT_SIZE,
                                                      "valign": "vcenter", **properties})
        return self.formats[key]

    def _title(self) -> int:
        self._merge(1, 0, self.width - 1, self.filled.spec.title,
                    self._format(bold=True, font_size=16, align="center"))
        self.sheet.set_row(0, 30)
        return 2

    def _header_block(self, row: int) -> int:
        for line in header_block(self.filled):
            self._spread(row, line, ("left", "center", "right"))
            row += 1
        return row

    def _header(self, row: int) -> int:
        table = self.table
        look = self._format(bold=True, border=1, pattern=1, bg_color=HEADER_FILL, align="center", text_wrap=True)
        for cell in table.header:
            top, left = row + cell.row, cell.col
            bottom, right = top + cell.rowspan - 1, left + cell.colspan - 1
            if cell.rowspan > 1 or cell.colspan > 1:
                self.sheet.merge_range(top - 1, left, bottom - 1, right, None, look)
            _write(self.sheet, top - 1, left, cell.text, look)
        for level in range(table.header_rows):
            lines = max(_lines(c.text, _span_chars(table, c)) for c in table.header if c.row + c.rowspan - 1 == level)
            self.sheet.set_row(row + level - 1, max(lines, 1) * LINE_HEIGHT + 4)
        return row + table.header_rows

    def _body_row(self, row: int, cells, formats: list, wrapped: list[bool]) -> None:
        lines = 1
        sheet = self.sheet
        for index, (column, cell, look, wraps) in enumerate(
                zip(self.table.columns, cells, formats, wrapped, strict=True)):
            _write(sheet, row - 1, index, cell.value if cell.value is not None else (cell.text or None), look)
            if wraps:
                lines = max(lines, _lines(cell.text, column.width))
        if lines > 1:
            sheet.set_row(row - 1, lines * LINE_HEIGHT + 2)

    def _cell_format(self, column: Column, *, total: bool):
        properties = {"border": 1, "num_format": NUMBER_FORMATS.get(column.kind, "General"), "align": _side(column),
                      "text_wrap": _wraps(column)}
        if total:
            properties.update(bold=True, pattern=1, bg_color=TOTAL_FILL)
        return self._format(**properties)

    def _notes(self, row: int) -> int:
        chars = sum(c.width for c in self.filled.spec.table_columns)
        look = self._format(align="left", text_wrap=True)
        for line in note_lines(self.filled):
            self._merge(row, 0, self.width - 1, line, look)
            lines = _lines(line, chars)
            if lines > 1:
                self.sheet.set_row(row - 1, lines * LINE_HEIGHT + 2)
            row += 1
        return row

    def _signatures(self, row: int) -> int:
        labels = tuple(f"{label}：" for label in self.filled.spec.signature_labels)
        self._spread(row, labels, ("left",) * len(labels))
        self.sheet.set_row(row - 1, 30)
        return row + 1

    def _spread(self, row: int, items: tuple[str, ...], sides: tuple[str, ...]) -> None:
        """Items across the table width in equal merged parts, each aligned to its side; on a table with fewer
        columns than items, all of them in one line."""
        width = self.width
        if width < len(items):
            items, sides = ("　　".join(item for item in items if item),), ("left",)
        bounds = [round(width * i / len(items)) for i in range(len(items) + 1)]
        for item, start, end, side in zip(items, bounds, bounds[1:], sides, strict=False):
            self._merge(row, start, end - 1, item or None, self._format(align=side))

    def _merge(self, row: int, first: int, last: int, value, look) -> None:
        if last > first:
            self.sheet.merge_range(row - 1, first, row - 1, last, None, look)
        _write(self.sheet, row - 1, first, value, look)

    def _print_setup(self, first_header: int, first_body: int, last_row: int) -> None:
        sheet, filled = self.sheet, self.filled
        sheet.set_paper(9)  # A4
        if filled.spec.orientation == "landscape":
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.fit_to_pages(1, 0)  # as many pages as the rows need
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.repeat_rows(first_header - 1, first_body - 2)
        sheet.print_area(0, 0, last_row - 1, self.width - 1)
        # Keep the header rows, and the row labels of an aggregate return, in view while scrolling.
        sheet.freeze_panes(first_body - 1, 1 if filled.spec.row_label else 0)
        footer = footer_label(filled).replace("&", "&&")
        sheet.set_footer(f"&L&8{footer}&R&8第 &P 页 共 &N 页", {"margin": 0.3})
        sheet.set_header("", {"margin": 0.3})


def _write(sheet: BookSheet, row: int, column: int, value: object, look) -> None:
    """A cell of a return: text always as text (see the module's docstring), without the control characters
    an XLSX cannot hold; a date as a date; a number as a number; nothing as a blank cell in its format."""
    if value is None:
        sheet.write_blank(row, column, None, look)
    elif isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        sheet.write_string(row, column, value, look)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, value, look)
    else:
        sheet.write_number(row, column, value, look)


def _sheet_width(units: float) -> float:
    """A column width as XlsxWriter takes it (what Excel shows, without the cell's five pixels of padding),
    for a width in the file's units (``_units``), so that the columns are as wide as openpyxl made them."""
    return max(units - 5 / 7, 0)


def _wraps(column: Column) -> bool:
    return not (column.numeric or column.kind == DATE)


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
