"""The user guide as an A4 PDF to print: its title, then each section under its heading, in the shipped CJK
font (text that copies and searches as written), a page number at the foot of every page."""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from pjdesk.core.guide import BULLET, NUMBERED, Guide, GuideSection

from .files import write_replacing
from .fonts import register_cjk_font

MARGIN = 20 * mm
BODY_SIZE = 11


def render_guide_pdf(guide: Guide, path: str | os.PathLike, *, version: str) -> Path:
    """Writes the guide to ``path`` (replacing it only once the new file is complete); returns the path."""
    font = register_cjk_font()
    # wordWrap CJK: a line may break between any two Chinese characters, as Chinese is set.
    body = ParagraphStyle("body", fontName=font, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.6, wordWrap="CJK",
                          spaceAfter=4)
    item = ParagraphStyle("item", parent=body, leftIndent=6 * mm, bulletIndent=1.5 * mm, spaceAfter=2)
    heading = ParagraphStyle("heading", parent=body, fontSize=15, leading=22, spaceBefore=10, spaceAfter=6,
                             textColor=colors.HexColor("#1a5fb4"), keepWithNext=True)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=1, spaceAfter=4)
    subtitle = ParagraphStyle("subtitle", parent=body, alignment=1, textColor=colors.grey, spaceAfter=10)

    def section(part: GuideSection, heading_style) -> list:
        flowables = [Paragraph(escape(part.title), heading_style)] if heading_style else []
        for block in part.blocks:
            if block.kind == BULLET:
                flowables.append(Paragraph(escape(block.text), item, bulletText="•"))
            elif block.kind == NUMBERED:
                flowables.append(Paragraph(escape(block.text), item, bulletText=f"{block.number}."))
            else:
                flowables.append(Paragraph(escape(block.text), body))
        return flowables

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(A4[0] / 2, MARGIN / 2, f"{guide.title}　第 {doc.page} 页")
        canvas.restoreState()

    story = [Paragraph(escape(guide.title), title), Paragraph(f"pjdesk {escape(version)}", subtitle),
             *section(guide.intro, None), Spacer(1, 4)]
    for part in guide.sections:
        story += section(part, heading)

    def write(temporary: Path) -> None:
        doc = SimpleDocTemplate(str(temporary), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=MARGIN, bottomMargin=MARGIN, title=guide.title, author="pjdesk",
                                creator="pjdesk", initialFontName=font, invariant=True)
        doc.build(story, onFirstPage=footer, onLaterPages=footer)

    return write_replacing(path, write)
