"""Chinese text set in a given width: line breaking, and a small flowable for titles, headers and 合计.

reportlab's Paragraph breaks CJK text too, but it is slow on the thousands of cells of a long ledger and
has no bold for a font without a bold face. Here a cell's text is broken once into lines that a plain
table cell draws as is; a ``TextBlock`` draws the few cells that must be bold by filling and stroking
the outlines (the text stays text: it extracts and searches as written).
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from .fonts import text_width
from .pdf_table import pdf_number

# Characters a line must not start with, and ones it must not end with (禁则): they travel with their
# neighbour to the next line instead.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’%％·…—,.;:?!)]}")
_NO_LINE_END = frozenset("（《「『【〔“‘([{")
# A run of Latin letters, digits and their joiners breaks as one word (GB 35181-2025, 91430626MA4L…);
# every other character, Chinese included, may break on its own.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/_:%～~]*|\s|.")
# Headers break between pairs of characters: most Chinese words have two, so 逾期未销号 reads 逾期/未销号.
_PAIRED_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/_:%～~]*|[\u4e00-\u9fff]{1,2}|\s|.")
_JOINED_PART = re.compile(r"[^.\-/_:～~]+[.\-/_:～~]*|[.\-/_:～~]+")


def break_lines(text: str, font_name: str, size: float, width: float, *, pairs: bool = False) -> list[str]:
    """The text as lines no wider than ``width`` points; explicit newlines are kept."""
    return list(_broken(str(text), font_name, size, width, pairs))


@lru_cache(maxsize=20_000)
def _broken(text: str, font_name: str, size: float, width: float, pairs: bool) -> tuple[str, ...]:
    """break_lines, kept: a table's header cells are set again on every page, a ledger repeats its texts."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_break_paragraph(paragraph, font_name, size, width, pairs))
    return tuple(lines)


def _break_paragraph(text: str, font_name: str, size: float, width: float, pairs: bool) -> list[str]:
    if text_width(text, font_name, size) <= width:
        return [text]
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    tokens = (_PAIRED_TOKEN if pairs else _TOKEN).findall(text)
    for token in _split_long_tokens(tokens, font_name, size, width):
        token_width = text_width(token, font_name, size)
        if used + token_width <= width or not line:
            line.append(token)
            used += token_width
            continue
        carried = _carry(line, token)
        lines.append("".join(line).rstrip())
        while carried and carried[0].isspace():
            carried.pop(0)
        line = carried
        used = sum(text_width(t, font_name, size) for t in line)
    if line:
        lines.append("".join(line).rstrip())
    return lines


def _carry(line: list[str], token: str) -> list[str]:
    """What starts the next line: the token, plus the last token of this line when the token may not
    start a line or that last token may not end one (and the line keeps something)."""
    carried = [token]
    while len(line) > 1 and (carried[0][0] in _NO_LINE_START or line[-1][-1] in _NO_LINE_END):
        carried.insert(0, line.pop())
    return carried


def _split_long_tokens(tokens: list[str], font_name: str, size: float, width: float) -> list[str]:
    """A word wider than the cell is broken after its joiners (430626101-|2026-|0001), and a part still too
    wide (an 18-character credit code in a narrow column) between any two characters."""
    out: list[str] = []
    for token in tokens:
        if len(token) == 1 or text_width(token, font_name, size) <= width:
            out.append(token)
            continue
        for part in _JOINED_PART.findall(token):
            out.extend(part if text_width(part, font_name, size) > width else [part])
    return out


def balanced_lines(text: str, font_name: str, size: float, width: float) -> list[str]:
    """A header: broken between pairs of characters, into as few lines as fit and as even as they can be,
    so it reads 整改/责任人, not 整改责任/人."""
    return list(_balanced(text, font_name, size, width))


@lru_cache(maxsize=2_000)
def _balanced(text: str, font_name: str, size: float, width: float) -> tuple[str, ...]:
    lines = _broken(text, font_name, size, width, True)
    if len(lines) < 2:
        return lines
    narrow, wide = 0.0, width
    while wide - narrow > 0.5:  # points: the narrowest width that still needs no more lines
        middle = (narrow + wide) / 2
        if len(_broken(text, font_name, size, middle, True)) <= len(lines):
            wide = middle
        else:
            narrow = middle
    return _broken(text, font_name, size, wide, True)


class TextBlock(Flowable):
    """Lines of text broken to the width it is given, aligned left, centre or right, optionally bold."""

    def __init__(self, text: str, font_name: str, size: float, *, leading: float | None = None,
                 align: str = "left", bold: bool = False, balanced: bool = False):
        super().__init__()
        self.text = text
        self.font_name = font_name
        self.size = size
        self.leading = leading or size * 1.25
        self.align = align
        self.bold = bold
        self.balanced = balanced
        self.lines: list[str] = []

    def wrap(self, avail_width, avail_height):
        breaker = balanced_lines if self.balanced else break_lines
        self.lines = breaker(self.text, self.font_name, self.size, avail_width)
        self.width = avail_width
        self.height = self.leading * len(self.lines)
        return self.width, self.height

    def draw(self):
        if pdfmetrics.getFont(self.font_name)._dynamicFont:
            return self._draw_text_object()
        canvas = self.canv
        text = canvas.beginText()
        text.setFont(self.font_name, self.size, self.leading)
        if self.bold:
            # Fill and stroke: the outline thickens by the line width, like a bold face.
            canvas.setLineWidth(self.size * 0.045)
            text.setTextRenderMode(2)
        # Centre the glyph box (about 0.76 above and 0.24 below the baseline) in each line's leading.
        baseline = self.height - self.leading + (self.leading - self.size) / 2 + self.size * 0.24
        for number, line in enumerate(self.lines):
            x = self._x(line)
            text.setTextOrigin(x, baseline - number * self.leading)
            text.textOut(line)
        canvas.drawText(text)

    def _draw_text_object(self) -> None:
        """``draw`` for an embedded TrueType font (the CJK font): the text object that draw makes through
        reportlab's PDFTextObject, written out directly and byte for byte (a header cell is drawn again on
        every page of a long table)."""
        canvas, font, doc = self.canv, pdfmetrics.getFont(self.font_name), self.canv._doc
        code = ["BT", "1 0 0 1 0 0 Tm"]
        if self.bold:
            canvas.setLineWidth(self.size * 0.045)
            code.append("2 Tr")
        baseline = self.height - self.leading + (self.leading - self.size) / 2 + self.size * 0.24
        selected = f" {pdf_number(self.size)} Tf {pdf_number(self.leading)} TL"
        subset_now = -1
        for number, line in enumerate(self.lines):
            code.append(f"1 0 0 1 {pdf_number(self._x(line))} {pdf_number(baseline - number * self.leading)} Tm")
            shown = []
            for subset, chunk in font.splitString(line, doc):
                if subset != subset_now:
                    shown.append(font.getSubsetInternalName(subset, doc) + selected)
                    subset_now = subset
                shown.append(f"({escapePDF(chunk)}) Tj")
            code.append(" ".join(shown))
        code.append("ET")
        canvas._code.append(" ".join(code))

    def _x(self, line: str) -> float:
        if self.align == "left":
            return 0
        spare = self.width - text_width(line, self.font_name, self.size)
        return spare / 2 if self.align == "center" else spare
