"""执法文书 and 附件: records of the documents a station issued, and files attached to any record.

A document record keeps what was printed: its type, its 文号 (unique in the county), the inspection and unit it
concerns, and the SHA-256 of the PDF and XLSX as issued (frozen, like a monthly return), so that what was
served can be shown to be what the program holds. An attachment is a photo or scan (JPEG, PNG, PDF) stored once
by its SHA-256 in the data folder and attached to a record of any kind with a label.
"""

from __future__ import annotations

from .records import CHOICE, DATE, INT, LONGTEXT, MONEY, REF, Field, RecordKind

DOCUMENT_FIELDS = (
    Field("doc_type", "文书类型", CHOICE, "document_type", required=True, in_list=True),
    Field("date", "日期", DATE, required=True, in_list=True),
    Field("inspection_id", "检查记录", REF, ref="inspection"),
    Field("unit_id", "单位", REF, ref="unit", in_list=True),
    Field("follows_id", "所依据的文书", REF, ref="document", help="整改复查意见书所依据的责令限期整改指令书"),
    Field("issuer", "发文机关", max_length=100),
    Field("deadline", "整改期限", DATE, years_ahead=5),
    Field("served_date", "送达日期", DATE),
    Field("fine", "罚款（元）", MONEY),
    Field("content", "文书内容", LONGTEXT, max_length=200_000, help="签发时填入文书的内容（JSON），用于原样重印"),
    Field("pdf_sha256", "PDF 校验值", max_length=64),
    Field("xlsx_sha256", "XLSX 校验值", max_length=64),
)

DOCUMENT = RecordKind("document", "执法文书", "document", DOCUMENT_FIELDS, assigned=("doc_no",), title_field="doc_no",
                      numbering="doc_no", command="documents")

ATTACHMENT_FIELDS = (
    Field("record_kind", "所属记录类型", required=True, max_length=30),
    Field("record_id", "所属记录", required=True, max_length=40),
    Field("sha256", "SHA-256", required=True, max_length=64),
    Field("name", "文件名", in_list=True, max_length=200),
    Field("label", "类别", CHOICE, "attachment_label", in_list=True),
    Field("bytes", "大小（字节）", INT, in_list=True),
    Field("mime", "类型", max_length=50),
)

ATTACHMENT = RecordKind("attachment", "附件", "attachment", ATTACHMENT_FIELDS, title_field="name", command="attachments")
