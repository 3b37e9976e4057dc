"""The documents printed from an inspection, as the unit receives them: the PDF's text, the XLSX's cells, the
文号 (unique in the county, also between two devices of a township), the issuing name, the record kept of
each, a reprint that says the same, and `pjdesk document build` as a command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.document import DOCUMENT
from pjdesk.core.errors import PjdeskError
from pjdesk.core.inspection import INSPECTION
from pjdesk.core.unit import UNIT
from pjdesk.services import documents, hazards, inspections
from pjdesk.services.records import RecordQuery, list_records, save_record
from pjdesk.services.returns import sha256
from pjdesk.services.sync import export_bundle
from pjdesk.services.units import save_unit
from tests.sync.conftest import ANDING, accept, make_station

OFFICERS = [{"name": "张伟", "cert_no": "43062600118"}, {"name": "刘芳", "cert_no": "43062600125"}]
SHOP = {"name": "平江县安定镇鑫达烟花爆竹零售店", "uscc": "92430626MA4L7K2X3X", "sector": "烟花爆竹",
        "address": "平江县安定镇安定社区建设路18号", "principal": "李建国", "phone": "13907301234"}
FAILED = {"YH-13": "仓储间存放量约超出限量一倍", "YH-12": "仅一具灭火器，压力不足"}


def pdf_text(path) -> str:
    """The PDF's text with the line breaks of wrapped cells taken out."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def xlsx_cells(path) -> list[str]:
    sheet = openpyxl.load_workbook(path).active
    return [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v not in (None, "")]


def inspected(session, *, failed=FAILED, date="2026-11-27", deadline="2026-12-10"):
    """A unit inspected with its checklist, the ``failed`` items 不符合 and made hazards: (inspection, unit)."""
    known = list_records(session, UNIT, RecordQuery(filters={"uscc": SHOP["uscc"]}))
    unit_id = known[0]["id"] if known else save_unit(session, SHOP).id
    rows = inspections.checklist_rows(session, unit_id)
    items = [{"code": r["code"], "text": r["text"], "result": "不符合" if r["code"] in failed else "符合",
              "note": failed.get(r["code"])} for r in rows["items"]]
    inspection_id = save_record(session, INSPECTION, {
        "date": date, "unit_id": unit_id, "mode": "专项检查", "officers": OFFICERS, "items": items,
        "checklist": rows["checklist"], "findings": "1. 仓储间超量存放；2. 灭火器配备不足。",
        "measures": "下达责令限期整改指令书。", "unit_signer": "王小红"}).id
    if failed:
        inspections.hazards_from_items(session, inspection_id, deadline=deadline)
    return inspection_id, unit_id


def reviewed(session, inspection_id, passed=(True, False)):
    found = inspections.inspection_hazards(session, inspection_id)
    return inspections.record_review(session, inspection_id, date="2026-11-29", officers=OFFICERS, results=[
        {"hazard_id": h["id"], "passed": ok, "note": "已整改" if ok else "尚未整改"}
        for h, ok in zip(found, passed, strict=True)]).id


def test_the_site_record_says_what_was_checked_and_found(session):
    inspection_id, unit_id = inspected(session)
    issued = documents.issue_document(session, "现场检查记录", inspection_id)

    assert issued.doc_no == "平应急（安定）检记〔2026〕1号" and issued.new
    text = pdf_text(issued.pdf)
    for said in ("平江县安定镇人民政府", "现场检查记录", "平应急（安定）检记〔2026〕1号", SHOP["name"], SHOP["uscc"],
                 "张伟（执法证号：43062600118）、刘芳（执法证号：43062600125）", "专项检查", "2026年11月27日",
                 "受平江县应急管理局委托", "持有有效的烟花爆竹经营", "仓储间存放量约超出限量一倍",
                 "1.仓储间超量存放；2.灭火器配备不足。", "王小红"):
        assert said in text, said
    assert text.count("不符合") == 2
    cells = xlsx_cells(issued.xlsx)
    assert "平应急（安定）检记〔2026〕1号" in cells and "平江县安定镇人民政府" in cells
    assert ["符合" if c == "符合" else "不符合" for c in cells if c in ("符合", "不符合")].count("不符合") == 2

    record = session.store.get(DOCUMENT, issued.id)
    assert (record["doc_type"], record["doc_no"], record["inspection_id"], record["unit_id"], record["date"]) == (
        "现场检查记录", issued.doc_no, inspection_id, unit_id, "2026-11-27")
    assert record["issuer"] == "平江县安定镇人民政府"
    assert (record["pdf_sha256"], record["xlsx_sha256"]) == (sha256(issued.pdf), sha256(issued.xlsx))
    assert json.loads(record["content"])["doc_no"] == issued.doc_no
    assert [d["id"] for d in documents.inspection_documents(session, inspection_id)] == [issued.id]


def test_the_order_lists_each_hazard_with_its_deadline_and_is_the_hazards_notice(session):
    inspection_id, _ = inspected(session)
    site = documents.issue_document(session, "site-record", inspection_id)
    order = documents.issue_document(session, "order", inspection_id)

    assert order.doc_no == "平应急（安定）责改〔2026〕1号"
    text = pdf_text(order.pdf)
    found = inspections.inspection_hazards(session, inspection_id)
    assert len(found) == 2
    for hazard in found:
        assert hazard["hazard_no"] in text
        assert hazard["description"].replace(" ", "") in text
    assert text.count("2026-12-10") == 2
    assert f"现场检查记录：{site.doc_no}" in text
    assert "平江县安定镇人民政府受平江县应急管理局委托" in text
    cells = xlsx_cells(order.xlsx)
    assert {h["hazard_no"] for h in found} <= set(cells)
    assert session.store.get(DOCUMENT, order.id)["deadline"] == "2026-12-10"
    # The hazards are now 整改中: the order was their notice, and the ledger names it.
    for hazard in inspections.inspection_hazards(session, inspection_id):
        assert hazard["status"] == "整改中"
        [event] = session.store._rows("SELECT kind, date, note FROM hazard_event WHERE hazard_id = ?", [hazard["id"]])
        assert event == {"kind": "整改通知", "date": "2026-11-27", "note": f"责令限期整改指令书 {order.doc_no}"}


def test_the_review_opinion_gives_each_result_and_the_order_it_follows(session):
    inspection_id, _ = inspected(session)
    order = documents.issue_document(session, "责令限期整改指令书", inspection_id)
    review_id = reviewed(session, inspection_id, passed=(True, False))

    opinion = documents.issue_document(session, "review", inspection_id)  # the inspection's latest review
    assert opinion.doc_no == "平应急（安定）复查〔2026〕1号"
    text = pdf_text(opinion.pdf)
    assert f"《责令限期整改指令书》（{order.doc_no}）" in text
    assert "2026年11月27日" in text and "2026年11月29日" in text
    assert "合格" in text and "不合格" in text and "已整改" in text and "尚未整改" in text
    assert "经复查，第2项事故隐患和问题未按要求整改到位" in text
    record = session.store.get(DOCUMENT, opinion.id)
    assert (record["inspection_id"], record["follows_id"], record["date"]) == (review_id, order.id, "2026-11-29")
    assert documents.issue_document(session, "整改复查意见书", review_id).id == opinion.id
    cells = xlsx_cells(opinion.xlsx)
    assert "合格" in cells and "不合格" in cells


def test_a_document_is_issued_once_and_reprinted_with_the_same_text(session, tmp_path):
    inspection_id, _ = inspected(session)
    first = documents.issue_document(session, "order", inspection_id)
    again = documents.issue_document(session, "order", inspection_id)
    assert (again.id, again.doc_no, again.pdf, again.new) == (first.id, first.doc_no, first.pdf, False)
    assert session.store.db.execute("SELECT COUNT(*) FROM document").fetchone()[0] == 1
    # An edit of the hazard afterwards does not change what was served.
    hazard = inspections.inspection_hazards(session, inspection_id)[0]
    hazards.edit_hazard(session, hazard["id"], {"description": "改过的描述"})

    pdf, xlsx = documents.rebuild_document(session, first.id, tmp_path / "reprint")
    assert pdf_text(pdf) == pdf_text(first.pdf)
    assert xlsx_cells(xlsx) == xlsx_cells(first.xlsx)
    assert "改过的描述" not in pdf_text(pdf)

    first.pdf.write_bytes(first.pdf.read_bytes() + b"%altered")
    kept = documents.document_files(session, first.id)
    assert "已丢失或被改动" in kept.note and kept.pdf != first.pdf
    assert pdf_text(kept.pdf) == pdf_text(pdf)


def test_documents_refused_with_what_to_do(session):
    clean, _ = inspected(session, failed={})
    with pytest.raises(PjdeskError, match="没有发现隐患，无需下达责令限期整改指令书"):
        documents.issue_document(session, "order", clean)
    undated, _ = inspected(session, failed={"YH-12": None}, deadline=None)
    [hazard] = inspections.inspection_hazards(session, undated)
    with pytest.raises(PjdeskError, match=f"隐患 {hazard['hazard_no']} 未填写整改期限"):
        documents.issue_document(session, "order", undated)
    with pytest.raises(PjdeskError, match="还没有复查"):
        documents.issue_document(session, "review", undated)
    hazards.edit_hazard(session, hazard["id"], {"deadline": "2026-12-01"})
    reviewed(session, undated, passed=(True,))
    with pytest.raises(PjdeskError, match="还没有下达责令限期整改指令书"):
        documents.issue_document(session, "review", undated)
    with pytest.raises(PjdeskError, match="没有“通知书”这种文书；可选：现场检查记录（site-record）"):
        documents.issue_document(session, "通知书", undated)
    with pytest.raises(PjdeskError, match="找不到这条检查记录"):
        documents.issue_document(session, "order", "no-such-id")
    # Nothing refused took a number: the first order issued is still 1号.
    assert documents.issue_document(session, "order", undated).doc_no == "平应急（安定）责改〔2026〕1号"


def test_the_issuing_name_comes_from_the_settings_and_the_county_issues_in_its_own(session, tmp_path):
    assert documents.issuer(session) == "平江县安定镇人民政府"
    assert documents.set_issuer(session, "平江县安定镇安全生产委员会办公室") == "平江县安定镇安全生产委员会办公室"
    inspection_id, _ = inspected(session)
    text = pdf_text(documents.issue_document(session, "site-record", inspection_id).pdf)
    assert text.startswith("平江县安定镇安全生产委员会办公室")
    assert documents.set_issuer(session, "  ") == "平江县安定镇人民政府"

    county = make_station(tmp_path / "county", "430626", county=True, device_name="县安委办", operator="赵六")
    try:
        assert documents.issuer(county) == "平江县应急管理局"
        checked, _ = inspected(county)
        issued = documents.issue_document(county, "order", checked)
        assert issued.doc_no == "平应急责改〔2026〕1号"
        assert "委托" not in pdf_text(issued.pdf)  # the bureau acts in its own right
    finally:
        county.close()


def test_two_devices_of_a_township_never_give_the_same_number(tmp_path):
    pc = make_station(tmp_path / "pc")
    laptop = make_station(tmp_path / "laptop", device_name="外业笔记本", operator="李四")
    outbox = tmp_path / "usb"
    outbox.mkdir()

    def send(sender, receiver):
        accept(receiver, export_bundle(sender, outbox, to=ANDING))

    def issue(session, date):
        unit_id = save_unit(session, {"name": f"安定镇检查单位{date}", "sector": "工贸其他"}).id
        inspection_id = save_record(session, INSPECTION, {"date": date, "unit_id": unit_id, "mode": "日常巡查",
                                                          "officers": OFFICERS[:1]}).id
        return documents.issue_document(session, "site-record", inspection_id).doc_no

    try:
        given = [issue(pc, "2026-11-02")]
        send(pc, laptop)  # the laptop reads the station's file before it goes out
        given += [issue(laptop, f"2026-11-0{d}") for d in (3, 4)]
        given += [issue(pc, "2026-11-05")]
        send(laptop, pc)
        send(pc, laptop)
        given += [issue(laptop, "2026-11-06"), issue(pc, "2026-11-07")]
        send(laptop, pc)
        send(pc, laptop)

        assert given[:4] == ["平应急（安定）检记〔2026〕1号", "平应急（安定）检记〔2026〕B1号",
                             "平应急（安定）检记〔2026〕B2号", "平应急（安定）检记〔2026〕2号"]
        assert given[4:] == ["平应急（安定）检记〔2026〕B3号", "平应急（安定）检记〔2026〕3号"]
        for session in (pc, laptop):
            held = [r[0] for r in session.store.db.execute("SELECT doc_no FROM document ORDER BY doc_no")]
            assert sorted(held) == sorted(given) and len(set(held)) == 6
    finally:
        pc.close()
        laptop.close()


def test_two_devices_set_up_apart_with_one_letter_part_at_the_exchange(tmp_path):
    pc = make_station(tmp_path / "pc")
    laptop = make_station(tmp_path / "laptop", device_name="外业笔记本", operator="李四")
    outbox = tmp_path / "usb"
    outbox.mkdir()
    try:
        first = {}
        for name, session in (("pc", pc), ("laptop", laptop)):
            inspection_id, _ = inspected(session, failed={})
            first[name] = documents.issue_document(session, "site-record", inspection_id).doc_no
        assert first["pc"] == first["laptop"] == "平应急（安定）检记〔2026〕1号"  # both took A, knowing nothing
        accept(laptop, export_bundle(pc, outbox, to=ANDING))
        unit_id = save_unit(laptop, {"name": "安定镇又一家单位", "sector": "工贸其他"}).id
        later = save_record(laptop, INSPECTION, {"date": "2026-11-28", "unit_id": unit_id, "mode": "日常巡查",
                                                 "officers": OFFICERS[:1]}).id
        issued = documents.issue_document(laptop, "site-record", later)
        letter = re.fullmatch(r"平应急（安定）检记〔2026〕([B-Z])1号", issued.doc_no).group(1)
        assert any(f"由 A 改为 {letter}" in w for w in issued.warnings)
        assert documents.issue_document(pc, "site-record", inspected(pc, failed={})[0]).doc_no == \
            "平应急（安定）检记〔2026〕2号"
    finally:
        pc.close()
        laptop.close()


def test_document_build_on_the_command_line(session, data_dir, tmp_path):
    inspection_id, _ = inspected(session)
    session.close()
    out = tmp_path / "打印"

    def pjdesk(*args):
        env = {**os.environ, "PJDESK_DATA_DIR": str(data_dir)}
        return subprocess.run([sys.executable, "-m", "pjdesk", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    built = pjdesk("document", "build", "order", "--record", inspection_id, "--out", str(out))
    assert built.returncode == 0, built.stderr
    pdf, xlsx = built.stdout.split()
    assert pdf.endswith(".pdf") and xlsx.endswith(".xlsx") and os.path.dirname(pdf) == str(out)
    assert "平应急（安定）责改〔2026〕1号" in pdf_text(pdf)
    assert "平应急（安定）责改〔2026〕1号" in xlsx_cells(xlsx)

    again = pjdesk("document", "build", "责令限期整改指令书", "--record", inspection_id, "--out", str(out))
    assert again.returncode == 0 and again.stdout.split() == [pdf, xlsx]

    refused = pjdesk("document", "build", "review", "--record", inspection_id, "--out", str(out))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("pjdesk: 这次检查发现的隐患还没有复查") and "Traceback" not in refused.stderr
    unknown = pjdesk("document", "build", "notice", "--record", inspection_id, "--out", str(out))
    assert unknown.returncode == 1 and "没有“notice”这种文书" in unknown.stderr
    usage = pjdesk("document", "build", "order", "--out", str(out))
    assert usage.returncode == 2 and "--record" in usage.stderr
