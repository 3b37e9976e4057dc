"""The long table of a return, drawn quickly: its plain text cells written as PDF operators directly.

reportlab draws a plain cell line by line through ``Canvas.drawString``: a text object per line, its origin,
font and leading formatted anew each time (by a slow pure-Python number formatter), the width of a centred or
right-aligned line measured by its own slow lookup. A ledger of a month is thousands of cells, and a year of
returns tens of thousands: that was two thirds of the time of a ledger's PDF. Here each line is written as
the same operators, byte for byte, found quicker: the lines met before in the document, with their widths and
font subsets, are kept, and the numbers are formatted as reportlab formats them. Cells that are flowables
(the bold header and 合计 cells) are drawn by reportlab.
"""

from __future__ import annotations

import math
import weakref

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import LongTable

from .fonts import text_width


class GridTable(LongTable):
    """A LongTable whose plain string cells are written directly (see the module's docstring)."""

    def _drawCell(self, cellval, cellstyle, pos, size):
        font = pdfmetrics.getFont(cellstyle.fontname)
        if (not isinstance(cellval, str) or not font._dynamicFont or cellstyle.alignment == "DECIMAL"
                or cellstyle.href or cellstyle.destination or cellstyle.direction or cellstyle.shaping):
            return super()._drawCell(cellval, cellstyle, pos, size)
        canvas = self.canv
        if self._curcellstyle is not cellstyle:  # as reportlab does: the colour and font follow the style
            current = self._curcellstyle
            if current is None or cellstyle.color != current.color:
                canvas.setFillColor(cellstyle.color)
            if (current is None or cellstyle.leading != current.leading or cellstyle.fontname != current.fontname
                    or cellstyle.fontsize != current.fontsize):
                canvas.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        canvas._code.extend(_cell_text(canvas, font, cellval, cellstyle, pos, size))
        return None


def _cell_text(canvas, font, text: str, style, pos, size) -> list[str]:
    """The PDF operators of a cell's lines, one text object a line: what reportlab's Table._drawCell writes
    through drawString, drawCentredString and drawRightString, to the byte (a PDF reader's text extraction
    reads the lines as it did)."""
    (x0, row_y), (width, height) = pos, size
    lines = text.split("\n")
    leading, font_size = style.leading, style.fontsize
    if style.valign == "BOTTOM":
        y = row_y + style.bottomPadding + len(lines) * leading - font_size
    elif style.valign == "TOP":
        y = row_y + height - style.topPadding - font_size
    else:
        y = row_y + (style.bottomPadding + height - style.topPadding + len(lines) * leading) / 2.0 - font_size
    align = style.alignment
    known = _runs_of(canvas._doc)
    code = []
    for line in lines:
        key = (line, style.fontname, font_size, leading)
        if key not in known:
            known[key] = _runs(canvas._doc, font, line, font_size, leading, style.fontname)
        line_width, shown = known[key]
        if align == "LEFT":
            x = x0 + style.leftPadding
        elif align == "RIGHT":
            x = x0 + width - style.rightPadding - line_width
        else:  # CENTRE
            x = x0 + (width + style.leftPadding - style.rightPadding) * 0.5 - 0.5 * line_width
        code.append(f"BT 1 0 0 1 {pdf_number(x)} {pdf_number(y)} Tm {shown} T* ET")
        y -= leading
    return code


def _runs_of(doc) -> dict:
    """The lines met in this document, each with its width and its runs (a table of a ledger repeats its
    dates, statuses, sectors and units on every page). Kept per document: a glyph's code is the document's."""
    known = _DOCUMENT_LINES.get(doc)
    if known is None:
        known = _DOCUMENT_LINES[doc] = {}
    return known


_DOCUMENT_LINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _runs(doc, font, line: str, font_size: float, leading: float, font_name: str) -> tuple[float, str]:
    """A line's width and the operators that show it, as reportlab's text object writes a line: each run of
    glyphs of one font subset after the operator that selects the subset (with the size and leading)."""
    selected = f" {pdf_number(font_size)} Tf {pdf_number(leading)} TL"
    shown = " ".join(f"{font.getSubsetInternalName(subset, doc)}{selected} ({escapePDF(chunk)}) Tj"
                     for subset, chunk in font.splitString(line, doc))
    return text_width(line, font_name, font_size), shown


def pdf_number(value: float) -> str:
    """A coordinate as reportlab writes it (its fp_str: six significant places, no trailing zeros, no leading
    zero), so that a cell stands exactly where reportlab would put it; the columns' x repeat on every row."""
    text = _NUMBERS.get(value)
    if text is None:
        if len(_NUMBERS) > 50_000:
            _NUMBERS.clear()
        text = _NUMBERS[value] = _formatted(value)
    return text


_NUMBERS: dict[float, str] = {}


def _formatted(value: float) -> str:
    size = abs(value)
    if size <= 1e-7:
        return "0"
    places = 6 if size <= 1 else min(max(0, 6 - int(math.log(size) / _LOG_10)), 6)
    text = f"{value:.{places}f}"
    if places:
        text = text.rstrip("0").rstrip(".")
    return text[1:] if text[0] == "0" and len(text) > 1 else text


_LOG_10 = math.log(10.0)
