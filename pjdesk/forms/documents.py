"""The inspection documents (文书), declared as data, and filling them from plain records.

The wording follows the structure of the national 安全生产监管执法文书 (the party, what was found, the legal
basis, the remedies, signatures and seal); it is written here for a township station, which issues most
documents on the county bureau's delegation and says so. Article numbers are those of the 安全生产法 as
revised in 2021 (第六十五条: the inspecting body's powers, among them ordering a hazard removed).

The fill functions take the records as dicts, as storage returns them; they read no database:
  unit         name, uscc, address, principal, phone
  inspection   date, mode (检查方式), officers, content (检查情况), findings (发现问题), measures (处理措施),
               unit_signer (被检查单位负责人), random_draw_ref (双随机 draw), place (检查场所; the address if none)
  officers     a list of {"name", "cert_no"} (执法证号, may be empty), or of names
  items        the checklist items: text, result (符合/不符合/不涉及), note
  hazards      hazard_no, location, description, measures, deadline; for a review also rectified_date,
               review_result (合格, 不合格-重改) and review_note
Every text is printed as written; a key that is missing prints as blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from . import doc_numbers
from .document import (
    ChildRows,
    DocField,
    DocumentSpec,
    Fields,
    FilledDocument,
    Seal,
    Section,
    Signature,
    Signatures,
    Wording,
)
from .spec import DATE, TEXT, Column
from .table import long_date

SITE_RECORD_TYPE, ORDER_TYPE, REVIEW_TYPE = "现场检查记录", "责令限期整改指令书", "整改复查意见书"
# 第六十五条第一款: (二) a violation found is corrected on the spot or within a set time; (三) a hazard found
# is ordered removed. The service may name a narrower basis for a document.
DEFAULT_LEGAL_BASIS = "《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项"
REVIEW_RESULTS = {"不合格-重改": "不合格"}  # the ledger's value → as the paper says it (the opinion says what follows)

_PARTY = (
    DocField("unit_name", "被检查单位", wide=True),
    DocField("uscc", "统一社会信用代码"),
    DocField("principal", "主要负责人"),
    DocField("address", "地址", wide=True),
    DocField("phone", "联系电话"),
)
_REMEDIES = Wording(
    "　　你单位如对本{document}不服，可以自收到之日起六十日内依法向{reconsideration_body}申请行政复议，"
    "或者自收到之日起六个月内依法向{court}提起行政诉讼；复议或者诉讼期间，本{document}不停止执行，"
    "法律另有规定的除外。")
_DELEGATION = Wording("　　{delegation}", optional=True)
_COPIES = Wording("　　本文书一式两份，一份送达被检查单位，一份由{issuer}存档。")

SITE_RECORD = DocumentSpec(
    code=SITE_RECORD_TYPE,
    title="现场检查记录",
    numbered=True,
    blocks=(
        Fields((*_PARTY,
                DocField("date", "检查时间", DATE),
                DocField("place", "检查场所", wide=True),
                DocField("mode", "检查方式"),
                DocField("random_draw_ref", "抽查编号", optional=True),
                DocField("inspectors", "检查人员", wide=True))),
        Wording("　　{issuer}检查人员于{date_text}对你单位的安全生产状况进行现场检查。检查人员已出示证件，"
                "说明了检查的依据和内容，被检查单位应当如实提供情况、予以配合。检查情况记录如下："),
        _DELEGATION,
        ChildRows("items", "检查内容", (
            Column("text", "检查项目", TEXT, width=22),
            Column("result", "检查结果", TEXT, width=5),
            Column("note", "说明", TEXT, width=11),
        ), empty="本次检查未使用检查表"),
        Section("content", "检查情况", optional=True),
        Section("findings", "发现问题", empty="未发现问题。"),
        Section("measures", "处理措施", empty="无。"),
        Wording("　　以上记录已交被检查单位负责人{signer}核对，确认与现场检查情况相符。"
                "本记录一式两份，一份交被检查单位，一份由{issuer}存档。"),
        Signatures((Signature("检查人员（签名）", "date"), Signature("被检查单位负责人（签名）", "date"))),
    ),
)

ORDER = DocumentSpec(
    code=ORDER_TYPE,
    title="责令限期整改指令书",
    blocks=(
        Wording("{unit_name}："),
        Wording("　　{issuer}检查人员于{date_text}对你单位进行了现场检查{record_ref}，发现你单位存在下列"
                "事故隐患和问题："),
        ChildRows("hazards", None, (
            Column("hazard_no", "隐患编号", TEXT, width=7.5),
            Column("location", "部位", TEXT, width=4),
            Column("description", "隐患和问题", TEXT, width=15.5),
            Column("measures", "整改要求", TEXT, width=9.5),
            Column("deadline", "整改期限", DATE, width=6),
        )),
        Wording("　　上述事故隐患和问题不符合有关安全生产法律、法规、规章和国家标准或者行业标准的规定。依据"
                "{legal_basis}的规定，现责令你单位在上表所列期限内整改完毕，达到有关法律、法规、规章和标准"
                "规定的要求，并于整改完毕后将整改情况书面报告{issuer}。"),
        Wording("　　整改期间，你单位应当采取必要的安全防范措施，防止发生生产安全事故；重大事故隐患排除前或者"
                "排除过程中无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者停止使用相关设施、"
                "设备。逾期未整改或者整改不符合要求的，将依法处理；由此导致生产安全事故的，依法追究有关单位"
                "和人员的责任。"),
        _REMEDIES,
        _DELEGATION,
        Signatures((Signature("检查人员（签名）", "date"), Signature("被检查单位负责人（签收）"))),
        Seal("issued"),
        _COPIES,
    ),
)

REVIEW = DocumentSpec(
    code=REVIEW_TYPE,
    title="整改复查意见书",
    blocks=(
        Wording("{unit_name}："),
        Wording("　　{issuer}于{order_date_text}向你单位下达《责令限期整改指令书》（{order_no}），责令你单位"
                "对下列事故隐患和问题限期整改。{date_text}，{issuer}检查人员对你单位的整改情况进行了复查，"
                "复查情况如下："),
        ChildRows("hazards", None, (
            Column("description", "隐患和问题", TEXT, width=14),
            Column("deadline", "整改期限", DATE, width=6),
            Column("rectified_date", "整改完成", DATE, width=6),
            Column("review_result", "复查结果", TEXT, width=7.5),
            Column("review_note", "复查说明", TEXT, width=9),
        )),
        Section("opinion", "复查意见", indent=True),
        _REMEDIES,
        _DELEGATION,
        Signatures((Signature("复查人员（签名）", "date"), Signature("被检查单位负责人（签收）"))),
        Seal("issued"),
        _COPIES,
    ),
)

DOCUMENTS: dict[str, DocumentSpec] = {spec.code: spec for spec in (SITE_RECORD, ORDER, REVIEW)}


def site_inspection_record(inspection: Mapping, unit: Mapping, items: Sequence[Mapping], *, issuer: str,
                           doc_no: str, delegation: str | None = None) -> FilledDocument:
    """现场检查记录 of an inspection: the party, the checklist items with their results, what was found and
    done, and the lines both sides sign on the day."""
    values = {
        **_common(inspection, unit, issuer, delegation),
        "place": _text(inspection.get("place")) or _text(unit.get("address")),
        "mode": _text(inspection.get("mode")),
        "random_draw_ref": _text(inspection.get("random_draw_ref")),
        "inspectors": inspectors_text(inspection.get("officers")),
        "content": _text(inspection.get("content")),
        "findings": _text(inspection.get("findings")),
        "measures": _text(inspection.get("measures")),
        "signer": _text(inspection.get("unit_signer")) or _text(unit.get("principal")),
    }
    rows = [{"text": _text(i.get("text")), "result": _text(i.get("result")), "note": _text(i.get("note"))}
            for i in items]
    return FilledDocument(SITE_RECORD, issuer, doc_no, values, {"items": rows})


def rectification_order(inspection: Mapping, unit: Mapping, hazards: Sequence[Mapping], *, issuer: str,
                        doc_no: str, issued: dt.date | str | None = None, record_no: str | None = None,
                        legal_basis: str | None = None, delegation: str | None = None) -> FilledDocument:
    """责令限期整改指令书: the hazards the inspection found, each with what to do and its deadline.

    ``issued`` is the date under the seal (the inspection's date unless given); ``record_no`` the 文号 of the
    现场检查记录 it follows, when there is one."""
    values = {
        **_common(inspection, unit, issuer, delegation),
        "record_ref": f"（现场检查记录：{record_no}）" if record_no else "",
        "legal_basis": _text(legal_basis) or DEFAULT_LEGAL_BASIS,
        "issued": issued or inspection.get("date"),
        **_remedies("指令书"),
    }
    rows = [{key: h.get(key) for key in ("hazard_no", "location", "description", "measures", "deadline")}
            for h in hazards]
    return FilledDocument(ORDER, issuer, doc_no, values, {"hazards": rows})


def review_opinion(review: Mapping, unit: Mapping, hazards: Sequence[Mapping], *, issuer: str, doc_no: str,
                   order_no: str, order_date: dt.date | str, opinion: str | None = None,
                   issued: dt.date | str | None = None, delegation: str | None = None) -> FilledDocument:
    """整改复查意见书: the review (an inspection of mode 整改复查) of the hazards a 责令限期整改指令书 ordered
    fixed, each with its result. Without an ``opinion`` the conclusion is worded from the results."""
    rows = [{
        "description": h.get("description"), "deadline": h.get("deadline"),
        "rectified_date": h.get("rectified_date"),
        "review_result": REVIEW_RESULTS.get(_text(h.get("review_result")), _text(h.get("review_result"))),
        "review_note": h.get("review_note"),
    } for h in hazards]
    values = {
        **_common(review, unit, issuer, delegation),
        "order_no": order_no,
        "order_date_text": long_date(order_date),
        "opinion": _text(opinion) or default_review_opinion(hazards),
        "issued": issued or review.get("date"),
        **_remedies("意见书"),
    }
    return FilledDocument(REVIEW, issuer, doc_no, values, {"hazards": rows})


def default_review_opinion(hazards: Sequence[Mapping]) -> str:
    """经复查 … : all passed, or which items (by their 序号) did not and what follows."""
    failed = [str(n) for n, h in enumerate(hazards, start=1) if _text(h.get("review_result")) != "合格"]
    if not hazards:
        return "本次复查无应复查的事项。"
    if not failed:
        return "经复查，上述事故隐患和问题已按要求整改完毕，复查合格。"
    return (f"经复查，第{'、'.join(failed)}项事故隐患和问题未按要求整改到位，复查不合格。你单位应当立即采取"
            "措施继续整改，整改期间确保安全；逾期仍未整改到位的，将依法处理。其余事项复查合格。"
            if len(failed) < len(hazards) else
            "经复查，上述事故隐患和问题未按要求整改到位，复查不合格。你单位应当立即采取措施继续整改，"
            "整改期间确保安全；逾期仍未整改到位的，将依法处理。")


def inspectors_text(inspectors: object) -> str:
    """张三（执法证号：43062600101）、李四: each inspector with the number of their card when it is known."""
    if not inspectors:
        return ""
    if isinstance(inspectors, str):
        return inspectors.strip()
    names = []
    for person in inspectors:
        if isinstance(person, Mapping):
            name, number = _text(person.get("name")), _text(person.get("cert_no"))
            names.append(f"{name}（执法证号：{number}）" if number else name)
        else:
            names.append(_text(person))
    return "、".join(n for n in names if n)


def _common(record: Mapping, unit: Mapping, issuer: str, delegation: str | None) -> dict:
    date = record.get("date")
    return {
        "issuer": issuer,
        "unit_name": _text(unit.get("name")),
        "uscc": _text(unit.get("uscc")),
        "principal": _text(unit.get("principal")),
        "address": _text(unit.get("address")),
        "phone": _text(unit.get("phone")),
        "date": date,
        "date_text": long_date(date) if date else "",
        "delegation": doc_numbers.delegation_sentence(issuer) if delegation is None else _text(delegation),
    }


def _remedies(document: str) -> dict:
    return {"document": document, "reconsideration_body": doc_numbers.reconsideration_body(),
            "court": doc_numbers.court()}


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
