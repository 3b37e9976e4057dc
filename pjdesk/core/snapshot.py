"""A frozen return (冻结的报表): what was printed, signed and sent, kept so it can be reproduced and compared.

The figures are kept as JSON, the files by their SHA-256; the files themselves are kept beside the database.
"""

from __future__ import annotations

from .records import DATE, LONGTEXT, Field, RecordKind

SNAPSHOT_FIELDS = (
    Field("form", "报表", required=True, in_list=True),
    Field("period", "报告期", required=True, in_list=True),
    Field("title", "名称", in_list=True),
    Field("preparer", "填报人", required=True, in_list=True),
    Field("reviewer", "审核人", in_list=True),
    Field("filled_date", "填报日期", DATE, required=True, in_list=True),
    Field("figures", "数据", LONGTEXT, required=True, max_length=50_000_000),
    Field("pdf_file", "PDF 文件"),
    Field("pdf_sha256", "PDF SHA-256"),
    Field("xlsx_file", "Excel 文件"),
    Field("xlsx_sha256", "Excel SHA-256"),
    Field("note", "说明", LONGTEXT),
)

RETURN_SNAPSHOT = RecordKind("return_snapshot", "冻结报表", "return_snapshot", SNAPSHOT_FIELDS, title_field="title")
