"""A filled form for the screen and for files: the very cells the PDF and the XLSX print, and writing either.

The screen shows what the paper shows, so the desktop's form view asks here for the forms engine's table
rather than laying out figures of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from pjdesk.forms import DATE, FilledForm, render_pdf, render_xlsx
from pjdesk.forms.spec import SERIAL_KEY, Column
from pjdesk.forms.table import CODE_LABEL, PERIOD_LABEL, UNIT_LABEL, FormTable, build_table, note_lines

RIGHT, CENTRE, LEFT = "right", "centre", "left"


def table_of(filled: FilledForm) -> FormTable:
    """Header cells with their spans, body and 合计 cells with their printed text."""
    return build_table(filled)


def caption(filled: FilledForm) -> str:
    """The line under the title: 填报单位, 报告期, 表号."""
    return "　　".join((f"{UNIT_LABEL}：{filled.unit_name}（{filled.unit_code}）",
                        f"{PERIOD_LABEL}：{filled.period_label}", f"{CODE_LABEL}：{filled.spec.code}"))


def notes_of(filled: FilledForm) -> tuple[str, ...]:
    return note_lines(filled)


def alignment(column: Column) -> str:
    """As the paper aligns a column: figures right, dates and serials centred, text left."""
    if column.numeric and column.key != SERIAL_KEY:
        return RIGHT
    if column.kind == DATE or column.key == SERIAL_KEY:
        return CENTRE
    return LEFT


def file_stem(filled: FilledForm) -> str:
    """A file name for the form (without extension), safe on Windows."""
    return re.sub(r'[\\/:*?"<>|]', "_", f"{filled.spec.code}-{filled.spec.title}-{filled.unit_name}-"
                                          f"{filled.period_label}")


def write_form(filled: FilledForm, path: str | Path, kind: str) -> Path:
    """Write the form as ``kind`` (pdf or xlsx) to ``path``."""
    return (render_pdf if kind == "pdf" else render_xlsx)(filled, path)
