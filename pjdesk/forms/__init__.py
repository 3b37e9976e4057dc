"""Statutory returns and printable lists: declared once as data (``spec``, ``returns``), filled by services with
plain values, drawn to PDF and XLSX by generic renderers that read the same cells (``table``)."""

from .fonts import register_cjk_font
from .pdf import render_pdf
from .returns import FORMS, LEDGER, TABLE2, TABLE3, ranking_form
from .spec import (
    DATE,
    INT,
    MONEY,
    PERCENT,
    ROW_LABEL_KEY,
    TEXT,
    WANYUAN,
    YUAN,
    Column,
    FilledForm,
    FormSpec,
    Ratio,
)
from .xlsx import render_xlsx

__all__ = [
    "DATE", "FORMS", "INT", "LEDGER", "MONEY", "PERCENT", "ROW_LABEL_KEY", "TABLE2", "TABLE3", "TEXT", "WANYUAN",
    "YUAN", "Column", "FilledForm", "FormSpec", "Ratio", "ranking_form", "register_cjk_font", "render_pdf",
    "render_xlsx",
]
