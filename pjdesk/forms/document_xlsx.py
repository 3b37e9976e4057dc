"""A filled document (文书) as an XLSX sheet that prints like the PDF, drawn from the same parts.

The sheet is a grid of narrow equal columns that every part merges as it needs: the labelled grid in
label and value spans, the child table in spans proportional to its columns' widths, the prose across the
whole width. Long prose is cut into rows of a few lines each, so no row is taller than Excel
allows or a page can hold, and the sheet still reads the whole text. Set up for A4 portrait, fitted to the
page width. Text is stored as text, never a formula (``_put``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from .document import (
    FilledDocument,
    GridPart,
    SealPart,
    SignaturePart,
    TablePart,
    TextPart,
    TitlePart,
    build_document,
    footer_label,
)
from .files import save_workbook, write_replacing
from .spec import DATE, SERIAL_KEY
from .table import NUMBER_FORMATS, FormTable
from .xlsx import (
    FONT_NAME,
    FONT_SIZE,
    HEADER_FILL,
    ILLEGAL_CHARACTERS_RE,
    LINE_HEIGHT,
    UNITS_PER_CHAR,
    _display_width,
    _lines,
)

GRID = 24  # columns of the sheet
PAGE_CHARS = 46  # CJK characters across the printed width, as the PDF sets its prose
COLUMN_UNITS = PAGE_CHARS * UNITS_PER_CHAR / GRID
LABEL_SPAN = 5  # of GRID, for a label of the labelled grid; its value takes 7, or 19 when wide
ROWS_PER_CELL = 8  # lines of prose in one cell
SIGN_HEIGHT = 30  # points: room to sign by hand
_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL[1:])
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
_ISSUER = Font(name=FONT_NAME, size=14)
_TITLE = Font(name=FONT_NAME, size=18, bold=True)
_SIGN_ALIGN = {side: Alignment(horizontal=side, vertical="bottom") for side in ("left", "right")}


def render_document_xlsx(filled: FilledDocument, path: str | os.PathLike) -> Path:
    """Writes the document to ``path`` (replacing it only once the new file is complete); returns the path."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = filled.spec.title[:31]
    workbook.properties.title = f"{filled.spec.title}（{filled.doc_no}）"
    workbook.properties.creator = filled.issuer
    for index in range(1, GRID + 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_UNITS
    row = 1
    for part in build_document(filled):
        if isinstance(part, TitlePart):
            row = _title(sheet, part, row)
        elif isinstance(part, GridPart):
            row = _grid(sheet, part, row) + 1
        elif isinstance(part, TextPart):
            row = _text(sheet, part, row)
        elif isinstance(part, TablePart):
            row = _table(sheet, part, row) + 1
        elif isinstance(part, SignaturePart):
            row = _signatures(sheet, part, row)
        elif isinstance(part, SealPart):
            row = _seal(sheet, part, row)
    _print_setup(sheet, filled, row - 1)
    return write_replacing(path, lambda temporary: save_workbook(workbook, temporary, filled.dated))


def _title(sheet: Worksheet, part: TitlePart, row: int) -> int:
    for text, font, height in ((part.issuer, _ISSUER, 24), (part.title, _TITLE, 34), (part.doc_no, _FONT, 20)):
        cell = _merged(sheet, row, 1, GRID, text)
        cell.font = font
        cell.alignment = _PLAIN["center"]
        sheet.row_dimensions[row].height = height
        row += 1
    return row + 1


def _grid(sheet: Worksheet, part: GridPart, row: int) -> int:
    value_span = GRID // 2 - LABEL_SPAN
    for pairs in part.rows:
        spans = ([(1, LABEL_SPAN), (LABEL_SPAN + 1, GRID - LABEL_SPAN)] if len(pairs) == 1 else
                 [(1, LABEL_SPAN), (LABEL_SPAN + 1, value_span), (GRID // 2 + 1, LABEL_SPAN),
                  (GRID // 2 + LABEL_SPAN + 1, value_span)])
        texts = [text for pair in pairs for text in pair]
        lines = 1
        for index, ((start, span), text) in enumerate(zip(spans, texts, strict=True)):
            cell = _merged(sheet, row, start, span, text, border=True)
            cell.font = _FONT
            cell.alignment = _ALIGN["left"]
            if index % 2 == 0:
                cell.fill = _HEADER_FILL
            lines = max(lines, _lines(text, _chars(span)))
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 8
        row += 1
    return row


def _text(sheet: Worksheet, part: TextPart, row: int) -> int:
    if part.heading:
        cell = _merged(sheet, row, 1, GRID, part.heading)
        cell.font = _BOLD
        cell.alignment = _PLAIN["left"]
        sheet.row_dimensions[row].height = LINE_HEIGHT + 8
        row += 1
    for chunk in prose_chunks(part.text, _chars(GRID)):
        cell = _merged(sheet, row, 1, GRID, chunk)
        cell.font = _FONT
        cell.alignment = _ALIGN["left"]
        sheet.row_dimensions[row].height = _lines(chunk, _chars(GRID)) * LINE_HEIGHT + 4
        row += 1
    return row


def _table(sheet: Worksheet, part: TablePart, row: int) -> int:
    if part.heading:
        cell = _merged(sheet, row, 1, GRID, part.heading)
        cell.font = _BOLD
        cell.alignment = _PLAIN["left"]
        sheet.row_dimensions[row].height = LINE_HEIGHT + 8
        row += 1
    table: FormTable = part.table
    starts, spans = _column_spans([column.width for column in table.columns])
    for cell in table.header:
        target = _merged(sheet, row, starts[cell.col], spans[cell.col], cell.text, border=True)
        target.font = _BOLD
        target.fill = _HEADER_FILL
        target.alignment = _ALIGN["center"]
    sheet.row_dimensions[row].height = max(_lines(c.text, _chars(spans[c.col])) for c in table.header) * LINE_HEIGHT + 6
    row += 1
    for cells in table.body:
        lines = 1
        for index, (column, cell) in enumerate(zip(table.columns, cells, strict=True)):
            value = cell.value if cell.value is not None else (cell.text or None)
            target = _merged(sheet, row, starts[index], spans[index], value, border=True)
            target.font = _FONT
            side = "center" if column.key == SERIAL_KEY or column.kind == DATE else "left"
            target.alignment = _ALIGN[side]
            target.number_format = NUMBER_FORMATS.get(column.kind, "General")
            if column.kind != DATE:
                lines = max(lines, _lines(cell.text, _chars(spans[index])))
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 6
        row += 1
    return row


def _signatures(sheet: Worksheet, part: SignaturePart, row: int) -> int:
    left = GRID * 3 // 5
    for label, date in part.lines:
        cell = _merged(sheet, row, 1, left, f"{label}：")
        cell.font = _FONT
        cell.alignment = _SIGN_ALIGN["left"]
        cell = _merged(sheet, row, left + 1, GRID - left, f"日期：{date}")
        cell.font = _FONT
        cell.alignment = _SIGN_ALIGN["right"]
        sheet.row_dimensions[row].height = SIGN_HEIGHT
        row += 1
    return row


def _seal(sheet: Worksheet, part: SealPart, row: int) -> int:
    sheet.row_dimensions[row].height = 45  # where the seal is pressed
    row += 1
    start = GRID // 2 + 1
    for text in (part.issuer, part.date):
        cell = _merged(sheet, row, start, GRID - start + 1, text)
        cell.font = _FONT
        cell.alignment = _PLAIN["center"]
        sheet.row_dimensions[row].height = LINE_HEIGHT + 6
        row += 1
    return row + 1


def _print_setup(sheet: Worksheet, filled: FilledDocument, last_row: int) -> None:
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages as the text needs
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.6, right=0.6, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    sheet.print_area = f"A1:{get_column_letter(GRID)}{last_row}"
    sheet.sheet_view.showGridLines = False
    sheet.oddFooter.left.text = footer_label(filled)
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.right.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.right.size = 8


def prose_chunks(text: str, chars: float) -> list[str]:
    """The text cut into pieces of about ``ROWS_PER_CELL`` lines of ``chars`` characters, one row each; a
    paragraph (a newline in the text) always starts a new piece. Joined, the pieces are the text."""
    chunks: list[str] = []
    for paragraph in text.split("\n"):
        piece, used = "", 0.0
        limit = chars * ROWS_PER_CELL
        for char in paragraph:
            width = _display_width(char)
            if used + width > limit:
                chunks.append(piece)
                piece, used = "", 0.0
            piece += char
            used += width
        chunks.append(piece)
    return chunks


def _column_spans(widths: list[float]) -> tuple[list[int], list[int]]:
    """Each column's first grid column (1-based) and how many it spans: shares of GRID by width, largest
    remainders first, at least two each (one is too narrow for 序号)."""
    total = sum(widths)
    exact = [GRID * w / total for w in widths]
    spans = [max(2, math.floor(e)) for e in exact]
    order = sorted(range(len(widths)), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    index = 0
    while sum(spans) < GRID:
        spans[order[index % len(order)]] += 1
        index += 1
    while sum(spans) > GRID:  # narrow columns took more than their share: take it back from the widest
        spans[spans.index(max(spans))] -= 1
    starts = [1 + sum(spans[:i]) for i in range(len(spans))]
    return starts, spans


def _chars(span: int) -> float:
    """CJK characters that fit across ``span`` grid columns, a little less than the width, as Excel wraps
    at words and pads its cells."""
    return span * COLUMN_UNITS / UNITS_PER_CHAR * 0.92


def _merged(sheet: Worksheet, row: int, start: int, span: int, value: object, *, border: bool = False):
    """The cell at (row, start) holding ``value``, merged across ``span`` columns, optionally bordered (the
    merge gives its edge cells the border of this one)."""
    cell = _put(sheet, row, start, value)
    if border:
        cell.border = _BORDER
    if span > 1:
        sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=start + span - 1)
    return cell


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
