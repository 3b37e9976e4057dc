"""证书到期提醒: the list a township sends a unit of its people's certificates that fall due (有效期 or 复审)
within 60 days or have lapsed, and of its special operators without a valid certificate.

A notice, not an enforcement document: it carries no 文号 and is not frozen. Filled from the reminders of the
unit (pjdesk.services.reminders) as plain rows: ``person``, ``cert_no``, ``due`` (ISO) and ``reason``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from .document import ChildRows, DocField, DocumentSpec, Fields, FilledDocument, Seal, Wording
from .spec import DATE, TEXT, Column
from .table import long_date

CERTIFICATE_NOTICE = DocumentSpec(
    code="证书到期提醒",
    title="特种作业和安全管理人员证书到期提醒",
    blocks=(
        Wording("{unit_name}："),
        Wording("　　根据{issuer}掌握的你单位人员持证情况，截至{date_text}，下列人员的证书已经失效、将在 {days} "
                "天内到期或应当复审，或者是未持有效证书的特种作业人员。请你单位及时组织复审、换证或培训取证；"
                "证书失效或者未取得有效证书的人员，不得从事相应的特种作业和安全管理工作。"),
        Fields((DocField("unit_name", "单位名称", wide=True), DocField("principal", "主要负责人"),
                DocField("phone", "联系电话"))),
        ChildRows("people", "人员及证书", (
            Column("person", "姓名", TEXT, width=5),
            Column("cert_no", "证书编号", TEXT, width=8),
            Column("due", "到期或复审日期", DATE, width=6.5),
            Column("reason", "情况", TEXT, width=18),
        ), empty="无"),
        Wording("　　办理完毕后，请将新的证书复印件报送{issuer}备案。"),
        Seal("date"),
    ),
)


def certificate_notice(unit: Mapping, rows: Sequence[Mapping], *, issuer: str, date: dt.date | str,
                       days: int) -> FilledDocument:
    """The notice to ``unit`` (name, principal, phone) of its ``rows``, dated ``date``."""
    values = {
        "issuer": issuer,
        "unit_name": _text(unit.get("name")),
        "principal": _text(unit.get("principal")),
        "phone": _text(unit.get("phone")),
        "date": date,
        "date_text": long_date(date),
        "days": str(days),
    }
    people = [{key: r.get(key) for key in ("person", "cert_no", "due", "reason")} for r in rows]
    return FilledDocument(CERTIFICATE_NOTICE, issuer, "", values, {"people": people})


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
