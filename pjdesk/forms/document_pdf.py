"""A filled document (文书) as an A4 portrait PDF, drawn from the parts ``build_document`` resolves.

It shares the returns' machinery: the embedded CJK font, line breaking, the table of child rows (header row
repeated on every page), the page stamp 第 x 页 共 y 页, and the write that never leaves half a file. Long
free text flows onto the next page line by line; the signatures and the seal stay together.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

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
from .files import write_replacing
from .fonts import register_cjk_font, text_width
from .pdf import FOOT_MARGIN, HEADER_FILL, PADDING, _lines, _PagedCanvas, _table
from .pdf_text import TextBlock, break_lines

FRAME_PADDING = 6  # points: reportlab's frame pads its width on each side, so a table as wide as the
# margins allow would stand out past the text on both sides
SIDE_MARGIN = 18 * mm  # wider than a return's: a document is read, bound and stamped
TOP_MARGIN = 15 * mm
ISSUER_SIZE, TITLE_SIZE = 15, 20
TABLE_SIZE_STEP = 1  # child tables a point smaller than the prose
PROSE_LEADING = 1.6  # times the font size
TABLE_START = 22 * mm  # a table's header row and its first rows, kept with its heading
SIGN_HEIGHT = 11 * mm  # room to sign by hand
SEAL_ROOM = 16 * mm  # above the issuer's name, where the seal is pressed


def render_document_pdf(filled: FilledDocument, path: str | os.PathLike) -> Path:
    """Writes the document to ``path`` (replacing it only once the new file is complete); returns the path."""
    font = register_cjk_font()

    def write(temporary: Path) -> None:
        doc = SimpleDocTemplate(
            str(temporary), pagesize=A4, leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN, topMargin=TOP_MARGIN,
            bottomMargin=FOOT_MARGIN, title=f"{filled.spec.title}（{filled.doc_no}）", author=filled.issuer,
            subject=filled.spec.code, creator="pjdesk", initialFontName=font, invariant=True,
        )
        story = _story(filled, font, doc.width - 2 * FRAME_PADDING)
        doc.build(story, canvasmaker=partial(_PagedCanvas, footer=footer_label(filled), font=font,
                                             dated=filled.dated))

    return write_replacing(path, write)


def _story(filled: FilledDocument, font: str, width: float) -> list:
    size = filled.spec.font_size
    story: list = []
    closing: list = []  # the signatures and the seal, with whatever follows them, are kept on one page
    for part in build_document(filled):
        target = closing if closing or isinstance(part, (SignaturePart, SealPart)) else story
        if isinstance(part, TitlePart):
            story += _title(part, font, size)
        elif isinstance(part, GridPart):
            story += [_grid(part, font, size, width), Spacer(0, 2 * mm)]
        elif isinstance(part, TextPart):
            if part.heading:
                target += _heading(part.heading, font, size, then=3 * size * PROSE_LEADING)
            target += [FlowingText(part.text, font, size, leading=size * PROSE_LEADING), Spacer(0, 1.5 * mm)]
        elif isinstance(part, TablePart):
            if part.heading:
                target += _heading(part.heading, font, size, then=TABLE_START)
            target += [_table(part.table, font, size - TABLE_SIZE_STEP, width), Spacer(0, 2.5 * mm)]
        elif isinstance(part, SignaturePart):
            target.append(_signatures(part, font, size, width))
        elif isinstance(part, SealPart):
            target.append(_seal(part, font, size, width))
    if closing:
        story.append(KeepTogether(closing))
    return story


def _title(part: TitlePart, font: str, size: float) -> list:
    return [
        TextBlock(part.issuer, font, ISSUER_SIZE, align="center", leading=ISSUER_SIZE * 1.5),
        Spacer(0, 1 * mm),
        TextBlock(part.title, font, TITLE_SIZE, align="center", bold=True, leading=TITLE_SIZE * 1.4),
        Spacer(0, 1.5 * mm),
        TextBlock(part.doc_no, font, size, align="center"),
        Spacer(0, 4 * mm),
    ]


def _heading(text: str, font: str, size: float, *, then: float) -> list:
    """A heading, on the next page unless ``then`` points of what follows fit under it. (Not keepWithNext:
    that would carry a whole table or a long text that fits a page to the next one, leaving a half-empty
    page behind.)"""
    heading = TextBlock(text, font, size + 0.5, bold=True, leading=(size + 0.5) * 1.8)
    return [CondPageBreak(heading.leading + then), heading]


def _grid(part: GridPart, font: str, size: float, width: float) -> Table:
    """Labels shaded at the left of each half; a wide value, or a lone one, takes the rest of the row."""
    labels = [label for row in part.rows for label, _ in row]
    label_width = min(max(text_width(label, font, size) for label in labels) + 2 * PADDING + 2, width * 0.24)
    value_width = width / 2 - label_width
    rows, style = [], [
        ("FONT", (0, 0), (-1, -1), font, size, size * 1.35),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
    ]
    for index, row in enumerate(part.rows):
        if len(row) == 1:
            (label, text), = row
            rows.append([_lines(label, font, size, label_width - 2 * PADDING),
                         _lines(text, font, size, width - label_width - 2 * PADDING), "", ""])
            style.append(("SPAN", (1, index), (3, index)))
        else:
            (left, left_text), (right, right_text) = row
            rows.append([_lines(left, font, size, label_width - 2 * PADDING),
                         _lines(left_text, font, size, value_width - 2 * PADDING),
                         _lines(right, font, size, label_width - 2 * PADDING),
                         _lines(right_text, font, size, value_width - 2 * PADDING)])
            style.append(("BACKGROUND", (2, index), (2, index), HEADER_FILL))
    table = Table(rows, colWidths=[label_width, value_width, label_width, value_width])
    table.setStyle(TableStyle(style))
    return table


def _signatures(part: SignaturePart, font: str, size: float, width: float) -> Table:
    """Each line: the label with room to sign, and its date at the right."""
    rows = [[f"{label}：", f"日期：{date}"] for label, date in part.lines]
    table = Table(rows, colWidths=[width * 0.6, width * 0.4], rowHeights=[SIGN_HEIGHT] * len(rows))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
    ]))
    return table


def _seal(part: SealPart, font: str, size: float, width: float) -> Table:
    """The issuer and the date at the right, centred on each other, under room for the seal."""
    column = max(text_width(part.issuer, font, size + 1), text_width(part.date, font, size + 1)) + 8 * mm
    column = min(column, width * 0.6)
    rows = [[""], [_lines(part.issuer, font, size + 1, column)], [part.date]]
    table = Table(rows, colWidths=[column], rowHeights=[SEAL_ROOM, None, None], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size + 1, (size + 1) * 1.5),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


class FlowingText(TextBlock):
    """A paragraph that may break between its lines at the foot of a page, so 2,000 characters of findings
    run on to the next page instead of failing the layout or being cut off."""

    def split(self, avail_width, avail_height):
        lines = break_lines(self.text, self.font_name, self.size, avail_width)
        fits = int(avail_height // self.leading)
        if fits >= len(lines):
            return [self]
        if len(lines) >= 4:
            fits = min(fits, len(lines) - 2)  # no line left alone at the head of the next page
        if fits < 2:
            return []  # nor alone at the foot of this one: the paragraph starts on the next page
        return [FlowingText("\n".join(part), self.font_name, self.size, leading=self.leading)
                for part in (lines[:fits], lines[fits:])]
