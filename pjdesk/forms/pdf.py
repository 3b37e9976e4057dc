"""Any filled form as an A4 PDF: title, header block, the table with its header rows on every page, notes,
the signature and seal area, and 第 x 页 共 y 页 at the foot of each page.

The layout comes from the spec alone; nothing here knows one return from another.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache, partial
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from .files import date_pdf, write_replacing
from .fonts import register_cjk_font, text_width
from .pdf_table import GridTable, pdf_number
from .pdf_text import TextBlock, break_lines
from .spec import DATE, SERIAL_KEY, FilledForm
from .table import FormTable, build_table, footer_label, header_block, note_lines

# Binary Flate streams, not ASCII85 on top: a quarter smaller and quicker to write, and every PDF reader
# takes them. (reportlab is used by this package alone, so the process-wide setting is ours to make.)
rl_config.useA85 = 0

MARGIN = 12 * mm
FOOT_MARGIN = 15 * mm  # room for the page number under the frame
PADDING = 2.5
TOP_PADDING, BOTTOM_PADDING = 1.5, 2  # of a table's cells
LEADING = 1.25  # a table's lines, times the font size
HEADER_FILL = colors.HexColor("#e6e6e6")
TOTAL_FILL = colors.HexColor("#f2f2f2")
TITLE_SIZE = 16
SEAL_SPACE = 12 * mm  # under the signatures; a 40 mm seal is pressed over the 单位（盖章） line as usual


def render_pdf(filled: FilledForm, path: str | os.PathLike, table: FormTable | None = None) -> Path:
    """Writes the form to ``path`` (replacing it only once the new file is complete) and returns the path.
    ``table``: the form's build_table, when the caller has it (it draws the XLSX from the same)."""
    font = register_cjk_font()
    pagesize = landscape(A4) if filled.spec.orientation == "landscape" else portrait(A4)

    def write(temporary: Path) -> None:
        doc = SimpleDocTemplate(
            str(temporary), pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=FOOT_MARGIN, title=f"{filled.spec.title}（{filled.unit_name} {filled.period_label}）",
            author=filled.unit_name, subject=filled.spec.code, creator="pjdesk", initialFontName=font,
            invariant=True,
        )
        story = _story(filled, table or build_table(filled), font, doc.width)
        doc.build(story, canvasmaker=partial(_PagedCanvas, footer=footer_label(filled), font=font,
                                             dated=filled.filled_date))

    return write_replacing(path, write)


def _story(filled: FilledForm, table: FormTable, font: str, width: float) -> list:
    size = filled.spec.font_size
    story = [
        TextBlock(filled.spec.title, font, TITLE_SIZE, align="center", bold=True),
        Spacer(0, 3 * mm),
        _header_block(filled, font, width),
        Spacer(0, 1.5 * mm),
        _table(table, font, size, width),
    ]
    closing: list = [Spacer(0, 2 * mm)]
    closing += [TextBlock(line, font, size - 0.5, leading=(size - 0.5) * 1.2) for line in note_lines(filled)]
    closing += [Spacer(0, 3 * mm), _signature_block(filled, font, width)]
    story.append(KeepTogether(closing))  # the signatures never stand alone at the top of a page
    return story


def _header_block(filled: FilledForm, font: str, width: float) -> Table:
    size = filled.spec.font_size + 1
    thirds = [width / 3] * 3
    rows = [[_lines(text, font, size, third - 2 * PADDING) for text, third in zip(line, thirds, strict=True)]
            for line in header_block(filled)]
    table = Table(rows, colWidths=thirds)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size, size * 1.3),
        ("ALIGN", (0, 0), (0, -1), "LEFT"),
        ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _table(table: FormTable, font: str, size: float, width: float) -> GridTable:
    widths = _column_widths(table, font, size, width)
    depth = table.header_rows
    rows = [[""] * len(table.columns) for _ in range(depth)]
    for cell in table.header:
        rows[cell.row][cell.col] = TextBlock(cell.text, font, size, align="center", bold=True, balanced=True)
    # The body's rows are plain text: each as tall as reportlab would measure it (its most lines, the padding
    # above and below), given, so that the table is not measured again on every page it is split over.
    heights: list[float | None] = [None] * depth
    leading = size * LEADING
    for body_row in table.body:
        cells = [_lines(cell.text, font, size, w - 2 * PADDING) if not column.numeric else cell.text
                 for cell, column, w in zip(body_row, table.columns, widths, strict=True)]
        rows.append(cells)
        heights.append(leading * (max(c.count("\n") for c in cells) + 1) + (BOTTOM_PADDING + TOP_PADDING))
    if table.total:
        rows.append([TextBlock(cell.text, font, size, align=_align(column).lower(), bold=True) if cell.text else ""
                     for cell, column in zip(table.total, table.columns, strict=True)])
        heights.append(None)  # measured: its cells are flowables
    flowable = GridTable(rows, colWidths=widths, rowHeights=heights, repeatRows=depth,
                         cellStyles=_cell_styles(table, font, size, len(rows)))
    flowable.setStyle(TableStyle(_table_style(table)))
    return flowable


def _cell_styles(table: FormTable, font: str, size: float, rows: int) -> list[list[CellStyle]]:
    """The cells' styles: the font at its leading, centred vertically, the padding, and in the body and 合计
    each column's alignment. One style object per kind of cell (reportlab would make one per cell and set it
    by a command for each of these, thousands of times for a ledger): nothing changes a cell's style after."""

    def style(alignment: str | None = None) -> CellStyle:
        made = CellStyle("pjdesk")
        made.fontname, made.fontsize, made.leading = font, size, size * LEADING
        made.valign = "MIDDLE"
        made.leftPadding = made.rightPadding = PADDING
        made.topPadding, made.bottomPadding = TOP_PADDING, BOTTOM_PADDING
        if alignment is not None:
            made.alignment = alignment
        return made

    header = [style()] * len(table.columns)
    body = [style(_align(column)) for column in table.columns]
    return [header] * table.header_rows + [body] * (rows - table.header_rows)


def _table_style(table: FormTable) -> list:
    depth = table.header_rows
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1, colors.black),
        ("BACKGROUND", (0, 0), (-1, depth - 1), HEADER_FILL),
    ]
    style += [("SPAN", (c.col, c.row), (c.col + c.colspan - 1, c.row + c.rowspan - 1))
              for c in table.header if c.rowspan > 1 or c.colspan > 1]
    if table.total:
        style += [("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL), ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black)]
    return style


def _align(column) -> str:
    if column.numeric and column.key != SERIAL_KEY:
        return "RIGHT"
    if column.kind == DATE or column.key == SERIAL_KEY:
        return "CENTER"
    return "LEFT"


def _column_widths(table: FormTable, font: str, size: float, width: float) -> list[float]:
    """The spec's widths as shares of the page, except that a figure or a date is never broken: such a
    column gets at least its widest cell, and the other columns share what is left."""
    shares = [column.width for column in table.columns]
    needed = _unbroken_widths(table, font, size)
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(shares)) if i not in fixed]
        room = width - sum(fixed.values())
        if not free or room <= 0:  # more figures than the page holds: keep the proportions
            return [width * share / sum(shares) for share in shares]
        scale = room / sum(shares[i] for i in free)
        short = {i: needed[i] for i in free if i in needed and shares[i] * scale < needed[i]}
        if not short:
            return [fixed[i] if i in fixed else shares[i] * scale for i in range(len(shares))]
        fixed.update(short)


def _unbroken_widths(table: FormTable, font: str, size: float) -> dict[int, float]:
    rows = [*table.body, *([table.total] if table.total else [])]
    needed = {}
    for index, column in enumerate(table.columns):
        if column.numeric or column.kind == DATE:
            widest = max((text_width(row[index].text, font, size) for row in rows), default=0)
            needed[index] = widest + 2 * PADDING + 1
    return needed


@lru_cache(maxsize=20_000)
def _lines(text: str, font: str, size: float, width: float) -> str:
    """A plain cell's text broken to the cell: the table draws the lines, which is far faster than a
    Paragraph per cell. Kept: a ledger repeats its units and statuses, and a year of returns its hazards."""
    return "\n".join(break_lines(text, font, size, width)) if text else ""


def _signature_block(filled: FilledForm, font: str, width: float) -> Table:
    size = filled.spec.font_size + 1
    labels = filled.spec.signature_labels
    cells = [f"{label}：" for label in labels]
    table = Table([cells, [""] * len(cells)], colWidths=[width / len(cells)] * len(cells),
                  rowHeights=[size * 1.6, SEAL_SPACE])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


class _PagedCanvas(Canvas):
    """Holds every page until the end, when the page count is known, then stamps 第 x 页 共 y 页."""

    def __init__(self, *args, footer: str, font: str, dated: dt.date | str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        date_pdf(self, dated)
        self._footer = footer
        self._font = font
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    # A table's grid is thousands of segments: written as reportlab writes them, with a quicker number format.
    def line(self, x1, y1, x2, y2):
        self._code.append(f"n {pdf_number(x1)} {pdf_number(y1)} m {pdf_number(x2)} {pdf_number(y2)} l S")

    def setLineWidth(self, width):
        self._lineWidth = width
        self._code.append(f"{pdf_number(width)} w")

    def save(self):
        count = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self._stamp(number, count)
            super().showPage()
        super().save()

    def _stamp(self, number: int, count: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(self._font, 8)
        self.setFillColor(colors.HexColor("#404040"))
        self.drawString(MARGIN, FOOT_MARGIN / 2, self._footer)
        pages = f"第 {number} 页 共 {count} 页"
        # A slightly wider space: pdftotext drops a plain one between CJK and digits (第1页共3页).
        word_space = 8 * 0.2
        pages_width = self.stringWidth(pages) + pages.count(" ") * word_space
        self.drawString(width - MARGIN - pages_width, FOOT_MARGIN / 2, pages, wordSpace=word_space)
        self.restoreState()
