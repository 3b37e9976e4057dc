"""Statutory returns and printable lists: declared once as data (``spec``, ``returns``), filled by services with
plain values, drawn to PDF and XLSX by generic renderers that read the same cells (``table``).

Single-record documents (文书) likewise: declared as data (``document``, ``documents``), filled from plain
records, drawn to PDF and XLSX from the same resolved parts; their 文号 are worded by ``doc_numbers``."""

import importlib

from .doc_numbers import default_issuer, delegation_sentence, document_number, document_types
from .document import DocumentSpec, FilledDocument
from .documents import (
    DOCUMENTS,
    ORDER,
    REVIEW,
    SITE_RECORD,
    rectification_order,
    review_opinion,
    site_inspection_record,
)
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

# The renderers load reportlab and openpyxl (0.6 s): imported when first asked for, not with the declarations,
# which the window needs at start-up (PEP 562).
_RENDERERS = {"render_document_pdf": "document_pdf", "render_document_xlsx": "document_xlsx",
              "register_cjk_font": "fonts", "render_pdf": "pdf", "render_xlsx": "xlsx"}


def __getattr__(name: str):
    if name not in _RENDERERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_RENDERERS[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DATE", "DOCUMENTS", "FORMS", "INT", "LEDGER", "MONEY", "ORDER", "PERCENT", "REVIEW", "ROW_LABEL_KEY",
    "SITE_RECORD", "TABLE2", "TABLE3", "TEXT", "WANYUAN", "YUAN", "Column", "DocumentSpec", "FilledDocument",
    "FilledForm", "FormSpec", "Ratio", "default_issuer", "delegation_sentence", "document_number",
    "document_types", "ranking_form", "rectification_order", "register_cjk_font", "render_document_pdf",
    "render_document_xlsx", "render_pdf", "render_xlsx", "review_opinion", "site_inspection_record",
]
