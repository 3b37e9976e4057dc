"""Enforcement documents (执法文书) printed from an inspection: 现场检查记录, 责令限期整改指令书 and
整改复查意见书, each issued once with its 文号, frozen, and reprinted exactly.

What a caller may rely on:
- ``issue_document`` issues a document of an inspection the first time it is asked for, and hands back the
  same document (the same 文号 and files) every time after, until it is withdrawn (the document record
  deleted with a reason). Issuing numbers it, draws its PDF and XLSX, and records it in one transaction: a
  document that failed to draw takes no number.
- A 文号 is unique in the county: per township (its short name), year and type, each device of a township
  counting in a series of its own (see pjdesk.storage.numbering).
- The record keeps what was printed: ``content`` (the filled document as JSON) and the SHA-256 of both files.
  The files are kept in the data folder by their SHA-256; ``document_files`` checks them, and draws them again
  from ``content`` when they are missing or altered (on the county, which receives the records but not the
  files): the same text, the same 文号.
- Documents are issued in the name the station's settings give (``issuer``; by default the township's
  government, 平江县安定镇人民政府, or the bureau on the county station), with the sentence that says the
  township acts on the county bureau's delegation.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pjdesk.core.document import DOCUMENT
from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import FOUND, HAZARD, NUMBER_LETTERS
from pjdesk.core.inspection import FAILED, PASSED
from pjdesk.core.records import errors, validate
from pjdesk.core.unit import UNIT
from pjdesk.forms import (
    DOCUMENTS,
    FilledDocument,
    default_issuer,
    document_number,
    rectification_order,
    render_document_pdf,
    render_document_xlsx,
    review_opinion,
    site_inspection_record,
)
from pjdesk.forms.documents import ORDER_TYPE, REVIEW_TYPE, SITE_RECORD_TYPE
from pjdesk.storage import documents as queries
from pjdesk.storage import numbering
from pjdesk.storage.database import plain_errors

from . import hazards as hazard_service
from .inspections import REVIEW_MODE, own_inspection
from .returns import sha256
from .session import Outcome, Session

DOCUMENT_TYPES = (SITE_RECORD_TYPE, ORDER_TYPE, REVIEW_TYPE)
ALIASES = {"site-record": SITE_RECORD_TYPE, "order": ORDER_TYPE, "review": REVIEW_TYPE}
ISSUER_SETTING = "document_issuer"
FIRST_LETTER = NUMBER_LETTERS[0]  # the first device of a station prints its 文号 without a letter
REVIEW_RESULT = {PASSED: "合格", FAILED: "不合格"}


@dataclass(frozen=True)
class IssuedDocument:
    id: str
    doc_type: str
    doc_no: str
    pdf: Path
    xlsx: Path
    new: bool  # issued by this call (else the one issued before)
    stem: str  # a file name for copies: 责令限期整改指令书-平应急（安定）责改〔2026〕3号-单位
    note: str = ""  # said when the kept files were missing or altered and were drawn again from the content
    warnings: tuple[str, ...] = ()
    changed: dict = field(default_factory=dict)

    @property
    def outcome(self) -> Outcome:
        return Outcome(self.id, self.changed, self.warnings)


# --- the issuing name -------------------------------------------------------------------------------------------
def issuer(session: Session) -> str:
    """The name documents are issued in: the station's setting, else the default for its township."""
    return session.store.setting(ISSUER_SETTING) or default_issuer(session.require_station().code)


def set_issuer(session: Session, name: str | None) -> str:
    """Keep the issuing name for documents issued from now on (blank: back to the default); returns the name
    now in force. Documents issued before keep the name they were issued in."""
    name = (name or "").strip()
    if len(name) > DOCUMENT.field("issuer").max_length:
        raise PjdeskError(f"发文机关名称过长（{len(name)} 字），请写成正式名称，如“{default_issuer(session.require_station().code)}”")
    session.store.set_settings({ISSUER_SETTING: name or None})
    return issuer(session)


def document_type(name: str) -> str:
    """A document type by its Chinese name or its short English name (site-record, order, review)."""
    name = (name or "").strip()
    if name in DOCUMENT_TYPES:
        return name
    if name.lower() in ALIASES:
        return ALIASES[name.lower()]
    listed = "、".join(f"{t}（{a}）" for a, t in ALIASES.items())
    raise PjdeskError(f"没有“{name}”这种文书；可选：{listed}")


# --- issuing ----------------------------------------------------------------------------------------------------
def issue_document(session: Session, doc_type: str, record_id: str) -> IssuedDocument:
    """The document of ``doc_type`` for the inspection ``record_id`` (for a 整改复查意见书, the review, or the
    inspection whose hazards were reviewed: its latest review), issued now unless it was before.

    Refused with a message when the inspection has nothing to put in it: a 责令限期整改指令书 needs the
    hazards found, each with its 整改期限; a 整改复查意见书 needs a review and the 指令书 it follows."""
    doc_type = document_type(doc_type)
    station = session.require_station()
    source = _source(session, doc_type, record_id)
    existing = queries.live_document(session.store, source["inspection"]["id"], doc_type)
    if existing is not None:
        return _issued(session, existing, new=False)
    store, code = session.store, station.code
    kept: list[Path] = []
    try:
        with plain_errors("签发文书"), store.transaction():
            year = source["date"][:4]
            doc_no, moved = numbering.next_document_number(
                store, code, doc_type, year,
                lambda letter, n: document_number(doc_type, code, int(year), n,
                                                  "" if letter == FIRST_LETTER else letter))
            filled = source["fill"](issuer(session), doc_no)
            pdf, xlsx = _draw(session, filled, kept)
            values = {**source["record"], "doc_type": doc_type, "issuer": filled.issuer,
                      "content": json.dumps(filled.as_data(), ensure_ascii=False, sort_keys=True),
                      "pdf_sha256": pdf.stem, "xlsx_sha256": xlsx.stem}
            problems = errors(validate(DOCUMENT, values, session.today()))
            if problems:
                raise PjdeskError("文书未能签发：" + "；".join(p.message for p in problems))
            document_id = store.insert(DOCUMENT, {**values, "doc_no": doc_no}, township=code,
                                       operator=session.operator)
            changed = {"document": {document_id}}
            warnings = [moved.message] if moved else []
            for step in source.get("after", lambda *_: [])(doc_no):
                for name, ids in step.changed.items():
                    changed.setdefault(name, set()).update(ids)
                warnings += step.warnings
    except BaseException:
        for path in kept:  # drawn for a document that was not recorded
            path.unlink(missing_ok=True)
        raise
    document = store.get(DOCUMENT, document_id)
    return _issued(session, document, new=True, warnings=tuple(warnings),
                   changed={name: frozenset(ids) for name, ids in changed.items()})


def build_document(session: Session, doc_type: str, record_id: str, out_dir: str | Path) -> IssuedDocument:
    """As ``issue_document`` (or, given a document's own id, that document), with copies of its PDF and XLSX
    written to ``out_dir`` under the document's name; the paths returned are the copies'."""
    document = session.store.get(DOCUMENT, record_id)
    if document is not None and not document["deleted"]:
        wanted = document_type(doc_type)
        if document["doc_type"] != wanted:
            raise PjdeskError(f"这份文书是{document['doc_type']}（{document['doc_no']}），不是{wanted}")
        issued = _issued(session, document, new=False)
    else:
        issued = issue_document(session, doc_type, record_id)
    out = Path(out_dir)
    with plain_errors("写出文书"):
        out.mkdir(parents=True, exist_ok=True)
        pdf = Path(shutil.copyfile(issued.pdf, out / f"{issued.stem}.pdf"))
        xlsx = Path(shutil.copyfile(issued.xlsx, out / f"{issued.stem}.xlsx"))
    return IssuedDocument(issued.id, issued.doc_type, issued.doc_no, pdf, xlsx, issued.new, issued.stem,
                          issued.note, issued.warnings, issued.changed)


def inspection_documents(session: Session, inspection_id: str) -> list[dict]:
    """The documents issued from the inspection and not withdrawn, in the order they were issued."""
    return queries.documents_of(session.store, inspection_id)


# --- frozen files -----------------------------------------------------------------------------------------------
def documents_folder(session: Session) -> Path:
    """Where issued documents' files are kept, each named by its SHA-256."""
    return session.data_dir / "documents"


def scratch_folder(session: Session) -> Path:
    return session.data_dir / "tmp" / "documents"


def filled_from_content(document: Mapping) -> FilledDocument:
    """The document as it was issued, from the content its record keeps."""
    try:
        data = json.loads(document["content"] or "")
        return FilledDocument(DOCUMENTS[data["code"]], data["issuer"], data["doc_no"], data["values"], data["rows"])
    except (ValueError, KeyError, TypeError) as e:
        raise PjdeskError(f"文书 {document.get('doc_no') or ''} 保存的内容不完整，无法重印；请查看原件或重新签发") from e


def document_files(session: Session, document_id: str) -> IssuedDocument:
    """A document's PDF and XLSX as issued: the kept files when their SHA-256 still matches the record, else
    drawn again from the kept content into a scratch folder (``note`` says so)."""
    document = session.store.get(DOCUMENT, document_id)
    if document is None or document["deleted"]:
        raise PjdeskError("找不到这份文书，可能已被作废")
    return _issued(session, document, new=False)


def rebuild_document(session: Session, document_id: str, out_dir: str | Path) -> tuple[Path, Path]:
    """The document drawn again from its record's content (PDF, XLSX) into ``out_dir``: the same text."""
    document = session.store.get(DOCUMENT, document_id)
    if document is None:
        raise PjdeskError("找不到这份文书")
    filled = filled_from_content(document)
    out = Path(out_dir)
    with plain_errors("重印文书"):
        out.mkdir(parents=True, exist_ok=True)
        stem = _stem(session, document)
        return (render_document_pdf(filled, out / f"{stem}.pdf"), render_document_xlsx(filled, out / f"{stem}.xlsx"))


def _draw(session: Session, filled: FilledDocument, kept: list[Path]) -> tuple[Path, Path]:
    """Both files drawn, then kept under their SHA-256 (``kept`` lists those this call made)."""
    scratch, folder = scratch_folder(session), documents_folder(session)
    scratch.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for suffix, render in ((".pdf", render_document_pdf), (".xlsx", render_document_xlsx)):
        drawn = render(filled, scratch / f"issuing{suffix}")
        target = folder / f"{sha256(drawn)}{suffix}"
        if not target.exists():
            kept.append(target)
        os.replace(drawn, target)
        out.append(target)
    return out[0], out[1]


def _issued(session: Session, document: Mapping, *, new: bool, warnings: tuple[str, ...] = (),
            changed: dict | None = None) -> IssuedDocument:
    folder = documents_folder(session)
    pdf, xlsx = folder / f"{document['pdf_sha256']}.pdf", folder / f"{document['xlsx_sha256']}.xlsx"
    note = ""
    with plain_errors("读取文书"):
        intact = all(p.is_file() and sha256(p) == p.stem for p in (pdf, xlsx))
    if not intact:
        pdf, xlsx = rebuild_document(session, document["id"], scratch_folder(session) / document["id"])
        note = "签发时保存的文书文件已丢失或被改动，已按签发时的内容重新生成（文号和文字相同）。"
    return IssuedDocument(document["id"], document["doc_type"], document["doc_no"], pdf, xlsx, new,
                          _stem(session, document), note, warnings, changed or {})


def _stem(session: Session, document: Mapping) -> str:
    """责令限期整改指令书-平应急（安定）责改〔2026〕3号-鑫达烟花爆竹零售店: what a copy is named."""
    unit = session.store.get(UNIT, document["unit_id"]) if document.get("unit_id") else None
    name = f"{document['doc_type']}-{document['doc_no']}" + (f"-{unit['name']}" if unit else "")
    return re.sub(r'[\\/:*?"<>|\s]', "_", name)[:120]


# --- what each document is filled from --------------------------------------------------------------------------
def _source(session: Session, doc_type: str, record_id: str) -> dict:
    """For a document type and a record: ``inspection`` (the one the document is issued from), ``date``,
    ``record`` (the document record's fields), ``fill(issuer, doc_no)`` and ``after(doc_no)`` (steps that
    follow the issue, in the same transaction)."""
    inspection = own_inspection(session, record_id)
    if doc_type == REVIEW_TYPE:
        return _review_source(session, inspection)
    unit = _unit(session, inspection)
    record = {"date": inspection["date"], "inspection_id": inspection["id"], "unit_id": inspection["unit_id"]}
    if doc_type == SITE_RECORD_TYPE:
        def fill(name: str, doc_no: str) -> FilledDocument:
            return site_inspection_record(inspection, unit, inspection["items"], issuer=name, doc_no=doc_no)
        return {"inspection": inspection, "date": inspection["date"], "record": record, "fill": fill}

    found = queries.hazards_of(session.store, inspection["id"])
    if not found:
        raise PjdeskError("这次检查没有发现隐患，无需下达责令限期整改指令书；如有问题，请先把检查项标为“不符合”并生成隐患")
    undated = [h["hazard_no"] for h in found if not h["deadline"]]
    if undated:
        raise PjdeskError(f"隐患 {'、'.join(undated)} 未填写整改期限；指令书须写明每项隐患的整改期限，请先编辑隐患填写")
    site = queries.live_document(session.store, inspection["id"], SITE_RECORD_TYPE)
    record["deadline"] = max(h["deadline"] for h in found)

    def fill_order(name: str, doc_no: str) -> FilledDocument:
        return rectification_order(inspection, unit, found, issuer=name, doc_no=doc_no,
                                   record_no=site["doc_no"] if site else None)

    def notices(doc_no: str) -> list[Outcome]:
        # The order is the hazards' 整改通知: the ledger says so, with its 文号.
        steps = []
        for hazard in found:
            if hazard["status"] != FOUND:
                continue
            try:
                steps.append(hazard_service.notify_rectification(
                    session, hazard["id"], inspection["date"], note=f"{ORDER_TYPE} {doc_no}"))
            except PjdeskError as e:
                steps.append(Outcome(None, {}, (f"隐患 {hazard['hazard_no']} 的整改通知未能登记：{e}",)))
        return steps

    return {"inspection": inspection, "date": inspection["date"], "record": record, "fill": fill_order,
            "after": notices}


def _review_source(session: Session, inspection: dict) -> dict:
    review = inspection
    if inspection["mode"] != REVIEW_MODE or not any(i.get("hazard_id") for i in inspection["items"]):
        reviews = queries.reviews_of(session.store, inspection["id"], REVIEW_MODE)
        if not reviews:
            raise PjdeskError("这次检查发现的隐患还没有复查：请先登记复查（检查方式“整改复查”），再打印整改复查意见书")
        review = own_inspection(session, reviews[-1]["id"])
    items = [i for i in review["items"] if i.get("hazard_id")]
    hazards = {i["hazard_id"]: session.store.get(HAZARD, i["hazard_id"]) for i in items}
    origins = {h["inspection_id"] for h in hazards.values() if h and h["inspection_id"]}
    orders = [d for d in (queries.live_document(session.store, o, ORDER_TYPE) for o in sorted(origins)) if d]
    if not orders:
        raise PjdeskError("复查的隐患还没有下达责令限期整改指令书，无法出具整改复查意见书；请先打印指令书")
    if len(orders) > 1:
        raise PjdeskError("复查的隐患来自多份责令限期整改指令书（" + "、".join(o["doc_no"] for o in orders)
                          + "），请按指令书分别登记复查")
    order = orders[0]
    unit = _unit(session, review)
    rows = []
    for item in items:
        hazard = hazards[item["hazard_id"]] or {}
        rows.append({"description": hazard.get("description") or item["text"],
                     "deadline": hazard.get("due_date") or hazard.get("deadline"),
                     "rectified_date": hazard.get("rectified_date"),
                     "review_result": REVIEW_RESULT.get(item["result"], item["result"]),
                     "review_note": item.get("note")})

    def fill(name: str, doc_no: str) -> FilledDocument:
        return review_opinion(review, unit, rows, issuer=name, doc_no=doc_no, order_no=order["doc_no"],
                              order_date=order["date"])

    record = {"date": review["date"], "inspection_id": review["id"], "unit_id": review["unit_id"],
              "follows_id": order["id"]}
    return {"inspection": review, "date": review["date"], "record": record, "fill": fill}


def _unit(session: Session, inspection: Mapping) -> dict:
    unit = session.store.get(UNIT, inspection["unit_id"]) if inspection.get("unit_id") else None
    if unit is None:
        raise PjdeskError("这条检查记录的被检查单位已不存在，请先编辑检查记录选择单位")
    return unit
