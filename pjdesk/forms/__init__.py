"""Statutory returns and printable lists: declared once as data (``spec``, ``returns``), filled by services with
plain values, drawn to PDF and XLSX by generic renderers that read the same cells (``table``).

Single-record documents (文书) likewise: declared as data (``document``, ``documents``), filled from plain
records, drawn to PDF and XLSX from the same resolved parts; their 文号 are worded by ``doc_numbers``."""

from .doc_numbers import default_issuer, delegation_sentence, document_number, document_types
from .document import DocumentSpec, FilledDocument
from .document_pdf import render_document_pdf
from .document_xlsx import render_document_xlsx
from .documents import (
    DOCUMENTS,
    ORDER,
    REVIEW,
    SITE_RECORD,
    rectification_order,
    review_opinion,
    site_inspection_record,
)
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
    "DATE", "DOCUMENTS", "FORMS", "INT", "LEDGER", "MONEY", "ORDER", "PERCENT", "REVIEW", "ROW_LABEL_KEY",
    "SITE_RECORD", "TABLE2", "TABLE3", "TEXT", "WANYUAN", "YUAN", "Column", "DocumentSpec", "FilledDocument",
    "FilledForm", "FormSpec", "Ratio", "default_issuer", "delegation_sentence", "document_number",
    "document_types", "ranking_form", "rectification_order", "register_cjk_font", "render_document_pdf",
    "render_document_xlsx", "render_pdf", "render_xlsx", "review_opinion", "site_inspection_record",
]
