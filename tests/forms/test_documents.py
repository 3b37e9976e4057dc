"""The inspection documents (文书) as a reader sees them: the text the PDF extracts, the cells the XLSX holds,
the pages a long one takes, and the 文号 they carry. Records are plain dicts, as a service hands them over."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.errors import PjdeskError
from pjdesk.core.townships import townships
from pjdesk.forms import (
    ORDER,
    REVIEW,
    SITE_RECORD,
    FilledDocument,
    default_issuer,
    delegation_sentence,
    doc_numbers,
    document_number,
    document_types,
    rectification_order,
    render_document_pdf,
    render_document_xlsx,
    review_opinion,
    site_inspection_record,
)
from pjdesk.forms.document import (
    GridPart,
    SealPart,
    SignaturePart,
    TablePart,
    TextPart,
    TitlePart,
    build_document,
)

from .test_pdf import compact, page_texts

TOWNSHIP = "430626101"  # 安定镇
ISSUER = "平江县安定镇人民政府"
UNIT = dict(name="平江县安定镇鑫达烟花爆竹零售店", uscc="92430626MA4L7K2X3Q", address="平江县安定镇安定社区建设路18号",
            principal="李建国", phone="13907301234")
INSPECTION = dict(
    date="2026-11-27", mode="专项检查", place="门店及后方仓储间", unit_signer="王小红",
    officers=[{"name": "张伟", "cert_no": "43062600118"}, {"name": "刘芳", "cert_no": "43062600125"}],
    content="检查组查看了店面和仓储间，查阅了经营许可证、进销货台账和从业人员培训记录。",
    findings="1. 仓储间烟花爆竹超量存放，约超出核定存放量一倍；\n2. 店内使用电热取暖器，与烟花爆竹距离不足1米；\n"
             "3. 两具灭火器压力不足。",
    measures="现场责令停止使用电热取暖器；对超量存放的烟花爆竹限期转移；下达责令限期整改指令书。",
)
ITEMS = [
    dict(text="是否取得烟花爆竹经营（零售）许可证并在有效期内", result="符合", note=""),
    dict(text="零售点是否与居民居住场所设置在同一建筑物内", result="符合", note=None),
    dict(text="存放量是否超过许可核定的限量", result="不符合", note="约超出一倍"),
    dict(text="店内是否使用明火或电热取暖设备", result="不符合", note="使用电热取暖器"),
    dict(text="是否销售专业燃放类产品", result="不涉及", note=""),
]
HAZARDS = [
    dict(hazard_no="430626101-2026-A0031", location="仓储间", description="烟花爆竹超量存放，约超出核定存放量一倍",
         measures="将超出部分转移至批发企业仓库，按核定限量存放", deadline="2026-12-05", rectified_date="2026-12-03",
         review_result="合格", review_note="已转移，存放量符合核定限量"),
    dict(hazard_no="430626101-2026-A0032", location="店面", description="店内使用电热取暖器，与烟花爆竹距离不足1米",
         measures="立即停止使用并撤除电热取暖器", deadline=dt.date(2026, 11, 28), rectified_date="2026-11-27",
         review_result="合格", review_note=""),
    dict(hazard_no="430626101-2026-A0033", location="店面", description="两具灭火器压力不足，指针处于红区",
         measures="更换或重新充装灭火器，建立月检记录", deadline="2026-12-05", rectified_date=None,
         review_result="不合格-重改", review_note="灭火器尚未更换"),
]
RECORD_NO = "平应急（安定）检记〔2026〕12号"
ORDER_NO = "平应急（安定）责改〔2026〕3号"
REVIEW_NO = "平应急（安定）复查〔2026〕2号"
PAGE_STAMP = re.compile(r"第\s*\d+\s*页\s*共\s*\d+\s*页")


def record(**changes) -> FilledDocument:
    return site_inspection_record(dict(INSPECTION, **changes), UNIT, ITEMS, issuer=ISSUER, doc_no=RECORD_NO)


def order(hazards=HAZARDS, **kwargs) -> FilledDocument:
    return rectification_order(INSPECTION, UNIT, hazards, issuer=ISSUER, doc_no=ORDER_NO, record_no=RECORD_NO,
                               **kwargs)


def review() -> FilledDocument:
    return review_opinion(dict(INSPECTION, date="2026-12-06", mode="整改复查"), UNIT, HAZARDS, issuer=ISSUER,
                          doc_no=REVIEW_NO, order_no=ORDER_NO, order_date="2026-11-27")


def pdf_body(path, filled: FilledDocument) -> tuple[list[str], str]:
    """The pages' texts, and the whole document's text without the page footers and whitespace, so a
    paragraph that runs across a page break reads as one."""
    texts = page_texts(path)
    footer = compact(f"{filled.spec.title}{filled.doc_no}")
    pages = []
    for text in texts:
        flat = compact(PAGE_STAMP.sub("", text))
        at = flat.rfind(footer)  # drawn last on each page; the title and 文号 at the top read the same
        assert at >= 0, "a page without its footer"
        pages.append(flat[:at] + flat[at + len(footer):])
    return texts, "".join(pages)


def xlsx_text(path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, str]:
    sheet = openpyxl.load_workbook(path).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    return sheet, compact("".join(v.isoformat() if isinstance(v, dt.datetime) else str(v) for v in values))


def printed_texts(filled: FilledDocument) -> list[str]:
    """Every text the resolved layout prints, part by part."""
    texts: list[str] = []
    for part in build_document(filled):
        if isinstance(part, TitlePart):
            texts += [part.issuer, part.title, part.doc_no]
        elif isinstance(part, GridPart):
            texts += [text for row in part.rows for pair in row for text in pair]
        elif isinstance(part, TextPart):
            texts += [part.heading or "", part.text]
        elif isinstance(part, TablePart):
            texts += [c.text for c in part.table.header] + [c.text for row in part.table.body for c in row]
        elif isinstance(part, SignaturePart):
            texts += [f"{label}：" for label, _ in part.lines] + [date for _, date in part.lines]
        elif isinstance(part, SealPart):
            texts += [part.issuer, part.date]
    return [t for t in texts if t]


# --- 文号 and the issuing name ------------------------------------------------------------------------------
def test_document_numbers_name_the_township_the_type_and_the_year():
    assert document_number("责令限期整改指令书", TOWNSHIP, 2026, 3) == ORDER_NO
    assert document_number("现场检查记录", "430626001", 2027, 1) == "平应急（汉昌）检记〔2027〕1号"
    assert document_number("整改复查意见书", "430626210", 2026, 15) == "平应急（三墩）复查〔2026〕15号"
    assert document_number("整改复查意见书", "430626", 2026, 4) == "平应急复查〔2026〕4号"  # the county bureau
    assert set(document_types()) == {"现场检查记录", "责令限期整改指令书", "整改复查意见书"}


def test_every_township_numbers_its_documents_under_a_short_name_of_its_own():
    numbers = {document_number("责令限期整改指令书", t.code, 2026, 1) for t in townships()}
    assert len(numbers) == len(townships())  # so 文号 are unique in the county


def test_document_numbers_refuse_an_unknown_type_a_bad_number_and_a_pattern_that_would_repeat(monkeypatch):
    with pytest.raises(PjdeskError, match="没有“处罚决定书”这种文书；可选：现场检查记录"):
        document_number("处罚决定书", TOWNSHIP, 2026, 1)
    with pytest.raises(PjdeskError, match="序号应为正整数"):
        document_number("现场检查记录", TOWNSHIP, 2026, 0)
    config = dict(doc_numbers.load_config("documents"), number_pattern="平应急（{township}）{type}〔{year}〕号")
    monkeypatch.setattr(doc_numbers, "_config", lambda: config)
    with pytest.raises(PjdeskError, match=r"缺少 \{number\}，编号会重复"):
        document_number("现场检查记录", TOWNSHIP, 2026, 1)
    config["number_pattern"] = "{township}{type}{year}-{number:03d}-{unit}"
    with pytest.raises(PjdeskError, match="无法识别"):
        document_number("现场检查记录", TOWNSHIP, 2026, 1)
    config["number_pattern"] = "{township}{type}{year}-{number:03d}"
    assert document_number("现场检查记录", TOWNSHIP, 2026, 7) == "安定检记2026-007"


def test_issuing_names_and_the_delegation_sentence():
    assert default_issuer(TOWNSHIP) == ISSUER
    assert default_issuer("430626001") == "平江县汉昌街道办事处"
    assert default_issuer("430626205") == "平江县木金乡人民政府"
    assert default_issuer("430626400") == "平江高新区管理委员会"
    assert default_issuer("430626") == "平江县应急管理局"
    sentence = delegation_sentence(ISSUER)
    assert sentence.startswith(ISSUER) and "平江县应急管理局委托" in sentence
    assert delegation_sentence("平江县应急管理局") == ""


# --- 现场检查记录 ---------------------------------------------------------------------------------------------
def test_site_record_pdf_prints_the_party_the_checklist_the_findings_and_the_signatures(tmp_path):
    filled = record()
    texts, body = pdf_body(render_document_pdf(filled, tmp_path / "记录.pdf"), filled)
    assert len(texts) == 1 and "第 1 页 共 1 页" in texts[0]
    for text in (ISSUER, "现场检查记录", RECORD_NO,
                 "被检查单位", UNIT["name"], "统一社会信用代码", UNIT["uscc"], "主要负责人", "李建国", "地址",
                 UNIT["address"], "联系电话", UNIT["phone"], "检查时间", "2026年11月27日", "检查场所", "门店及后方仓储间",
                 "检查方式", "专项检查", "检查人员", "张伟（执法证号：43062600118）、刘芳（执法证号：43062600125）",
                 "一、检查内容", "序号", "检查项目", "检查结果", "二、检查情况", INSPECTION["content"],
                 "三、发现问题", INSPECTION["findings"], "四、处理措施", INSPECTION["measures"],
                 "受平江县应急管理局委托", "以上记录已交被检查单位负责人王小红核对", "检查人员（签名）：", "被检查单位负责人（签名）：", "日期：2026年11月27日"):
        assert compact(text) in body, text
    for number, item in enumerate(ITEMS, start=1):
        assert compact(f"{number}{item['text']}{item['result']}{item['note'] or ''}") in body
    assert "抽查编号" not in body  # not a 双随机 check: the line is left out, not left blank


def test_site_record_says_when_nothing_was_found_and_no_checklist_was_used(tmp_path):
    filled = site_inspection_record(dict(INSPECTION, findings="", measures=None, content=""), UNIT, [],
                                    issuer=ISSUER, doc_no=RECORD_NO)
    _, body = pdf_body(render_document_pdf(filled, tmp_path / "记录.pdf"), filled)
    assert "本次检查未使用检查表" in body
    assert "、检查情况" not in body  # optional: left out when not written, and the headings numbered without it
    assert "二、发现问题未发现问题。" in body and "三、处理措施无。" in body


def test_random_check_prints_its_draw_reference(tmp_path):
    filled = record(mode="双随机", random_draw_ref="平江双随机〔2026〕11-07")
    _, body = pdf_body(render_document_pdf(filled, tmp_path / "记录.pdf"), filled)
    assert "检查方式双随机抽查编号平江双随机〔2026〕11-07" in body


# --- 责令限期整改指令书 ---------------------------------------------------------------------------------------
def test_order_pdf_lists_each_hazard_with_its_deadline_and_the_legal_wording(tmp_path):
    filled = order()
    texts, body = pdf_body(render_document_pdf(filled, tmp_path / "指令书.pdf"), filled)
    assert len(texts) == 1
    for text in (ISSUER, "责令限期整改指令书", ORDER_NO, f"{UNIT['name']}：", f"现场检查记录：{RECORD_NO}",
                 "隐患编号", "部位", "隐患和问题", "整改要求", "整改期限",
                 "依据《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项的规定",
                 "六十日内依法向平江县人民政府申请行政复议", "六个月内依法向平江县人民法院提起行政诉讼",
                 "本指令书不停止执行", f"{ISSUER}受平江县应急管理局委托",
                 "检查人员（签名）：", "被检查单位负责人（签收）：", f"{ISSUER}2026年11月27日",
                 "本文书一式两份"):
        assert compact(text) in body, text
    for number, hazard in enumerate(HAZARDS, start=1):
        deadline = str(hazard["deadline"])
        assert compact(f"{number}{hazard['hazard_no']}{hazard['location']}{hazard['description']}"
                       f"{hazard['measures']}{deadline}") in body


def test_order_names_the_legal_basis_and_issuer_it_is_given(tmp_path):
    filled = rectification_order(INSPECTION, UNIT, HAZARDS, issuer="平江县应急管理局", doc_no="平应急责改〔2026〕9号",
                                 issued="2026-11-30", legal_basis="《中华人民共和国安全生产法》第一百零二条")
    _, body = pdf_body(render_document_pdf(filled, tmp_path / "指令书.pdf"), filled)
    assert "依据《中华人民共和国安全生产法》第一百零二条的规定" in body
    assert "平江县应急管理局2026年11月30日" in body  # the seal, with the date it was issued
    assert "委托" not in body  # the bureau acts in its own right
    assert "现场检查记录：" not in body  # none was named


def test_order_issued_by_delegation_with_a_station_wording(tmp_path):
    sentence = "本机关依据平江县应急管理局的书面委托（平应急委〔2025〕2号）实施安全生产监督检查。"
    filled = order(delegation=sentence)
    _, body = pdf_body(render_document_pdf(filled, tmp_path / "指令书.pdf"), filled)
    assert compact(sentence) in body


# --- 整改复查意见书 ---------------------------------------------------------------------------------------
def test_review_pdf_names_the_order_and_the_result_of_each_item(tmp_path):
    filled = review()
    _, body = pdf_body(render_document_pdf(filled, tmp_path / "复查.pdf"), filled)
    for text in ("整改复查意见书", REVIEW_NO, f"于2026年11月27日向你单位下达《责令限期整改指令书》（{ORDER_NO}）",
                 "2026年12月6日", "复查结果", "复查意见", "经复查，第3项事故隐患和问题未按要求整改到位，复查不合格",
                 "复查人员（签名）：", "被检查单位负责人（签收）：", f"{ISSUER}2026年12月6日"):
        assert compact(text) in body, text
    assert compact("1烟花爆竹超量存放，约超出核定存放量一倍2026-12-052026-12-03合格已转移，存放量符合核定限量") in body
    assert compact("2店内使用电热取暖器，与烟花爆竹距离不足1米2026-11-282026-11-27合格") in body
    assert compact("3两具灭火器压力不足，指针处于红区2026-12-05不合格灭火器尚未更换") in body


def test_review_opinion_when_everything_passed():
    passed = [dict(h, review_result="合格") for h in HAZARDS]
    filled = review_opinion(INSPECTION, UNIT, passed, issuer=ISSUER, doc_no=REVIEW_NO, order_no=ORDER_NO,
                            order_date="2026-11-27")
    assert filled.values["opinion"] == "经复查，上述事故隐患和问题已按要求整改完毕，复查合格。"


# --- every document: same text in both files, paper and print setup ------------------------------------------
@pytest.mark.parametrize("make", [record, order, review], ids=["记录", "指令书", "意见书"])
def test_pdf_and_xlsx_print_every_text_of_the_document(make, tmp_path):
    filled = make()
    _, pdf = pdf_body(render_document_pdf(filled, tmp_path / "d.pdf"), filled)
    sheet, xlsx = xlsx_text(render_document_xlsx(filled, tmp_path / "d.xlsx"))
    for text in printed_texts(filled):
        assert compact(text) in pdf, text
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # a date cell holds a date; checked below
            assert compact(text) in xlsx, text
    reader = PdfReader(tmp_path / "d.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    assert sheet.title == filled.spec.title
    setup = sheet.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == "portrait"
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "第 &P 页 共 &N 页" in sheet.oddFooter.right.text and filled.doc_no in sheet.oddFooter.left.text


def test_xlsx_keeps_deadlines_as_dates_and_numbers_the_rows(tmp_path):
    sheet, _ = xlsx_text(render_document_xlsx(order(), tmp_path / "指令书.xlsx"))
    header = next(row for row in sheet.iter_rows() if row[0].value == "序号")
    columns = {c.value: c.column for c in header if c.value}
    first = header[0].row + 1
    assert [sheet.cell(first + i, 1).value for i in range(3)] == [1, 2, 3]
    deadline = sheet.cell(first + 1, columns["整改期限"])
    assert deadline.is_date and deadline.value.date() == dt.date(2026, 11, 28)
    assert deadline.number_format == "yyyy-mm-dd"
    assert sheet.cell(first, columns["隐患编号"]).value == "430626101-2026-A0031"


def test_formula_looking_text_stays_text_in_xlsx(tmp_path):
    payloads = ['=HYPERLINK("http://x","点击")', "=1+1", "@SUM(A1)", "-1+1", "#N/A"]
    unit = dict(UNIT, name=payloads[0])
    inspection = dict(INSPECTION, findings=payloads[2])
    items = [dict(ITEMS[0], text=payloads[1]), dict(ITEMS[1], note=payloads[4])]
    hazards = [dict(HAZARDS[0], description=payloads[3])]
    documents = [site_inspection_record(inspection, unit, items, issuer=ISSUER, doc_no=RECORD_NO),
                 rectification_order(inspection, unit, hazards, issuer=ISSUER, doc_no=ORDER_NO)]
    cells = []
    for number, filled in enumerate(documents):
        sheet = openpyxl.load_workbook(render_document_xlsx(filled, tmp_path / f"{number}.xlsx")).active
        cells += [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    held = {c.value for c in cells if c.data_type == "s"}
    assert set(payloads) <= held


# --- a long document ------------------------------------------------------------------------------------------
LONG_FINDINGS = "".join(f"第{n}处：仓储间货架未按要求分类分级码放，通道宽度不足0.8米，部分烟花爆竹紧贴照明灯具存放；"
                        for n in range(1, 80))[:2000]


def test_a_long_record_flows_onto_more_pages_with_nothing_cut_off(tmp_path):
    assert len(LONG_FINDINGS) == 2000
    items = [dict(text=f"第{n}项检查内容：消防设施、器材和消防安全标志是否按标准设置并定期检验维护",
                  result=("符合", "不符合", "不涉及")[n % 3], note=f"说明{n}") for n in range(1, 41)]
    filled = site_inspection_record(dict(INSPECTION, findings=LONG_FINDINGS), UNIT, items, issuer=ISSUER,
                                    doc_no=RECORD_NO)
    texts, body = pdf_body(render_document_pdf(filled, tmp_path / "长.pdf"), filled)
    count = len(texts)
    assert count >= 2
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {count} 页" in text
    # The checklist starts on the first page under the party; it is not carried whole to the next one.
    assert "一、检查内容" in compact(texts[0]) and "1第1项检查内容" in compact(texts[0])
    for item_number, item in enumerate(items, start=1):
        assert compact(f"{item_number}{item['text']}{item['result']}{item['note']}") in body
    assert compact(LONG_FINDINGS) in body  # across the page break, every character
    assert not any(LONG_FINDINGS[:200] in line for text in texts for line in text.splitlines())  # wrapped
    last = compact(texts[-1])
    assert "检查人员（签名）：" in last and "被检查单位负责人（签名）：" in last

    sheet, xlsx = xlsx_text(render_document_xlsx(filled, tmp_path / "长.xlsx"))
    assert compact(LONG_FINDINGS) in xlsx
    assert all(item["text"] in xlsx for item in items)
    tallest = max(d.height or 0 for d in sheet.row_dimensions.values())
    assert tallest <= 160  # the findings are cut into rows a page can hold (Excel's limit is 409 points)


def test_a_long_order_repeats_the_table_header_on_every_page_of_rows(tmp_path):
    hazards = [dict(HAZARDS[n % 3], hazard_no=f"430626101-2026-A{n:04d}") for n in range(1, 41)]
    filled = order(hazards)
    texts, body = pdf_body(render_document_pdf(filled, tmp_path / "长.pdf"), filled)
    assert len(texts) >= 2
    assert all(f"430626101-2026-A{n:04d}" in body for n in range(1, 41))
    for text in texts:
        if "430626101-2026-A" in compact(text):
            assert "隐患编号" in compact(text) and "整改期限" in compact(text)
    assert f"共 {len(texts)} 页" in texts[-1] and "签收" in compact(texts[-1])


# --- declarations -------------------------------------------------------------------------------------------
def test_a_value_the_declaration_needs_but_was_not_given_is_refused_by_name():
    with pytest.raises(ValueError, match=r"责令限期整改指令书 缺少：.*\{legal_basis\}"):
        FilledDocument(ORDER, ISSUER, ORDER_NO, {k: v for k, v in order().values.items() if k != "legal_basis"},
                       {"hazards": []})
    with pytest.raises(ValueError, match=r"缺少：.*（hazards）"):
        FilledDocument(REVIEW, ISSUER, REVIEW_NO, review().values, {})


def test_declarations_are_checked_when_made():
    with pytest.raises(ValueError, match="栏目代码重复"):
        replace(SITE_RECORD, blocks=(*SITE_RECORD.blocks[:3], replace(SITE_RECORD.blocks[3], columns=(
            SITE_RECORD.blocks[3].columns[0], SITE_RECORD.blocks[3].columns[0]))))


def test_a_filled_document_is_kept_as_plain_data():
    data = json.loads(json.dumps(order().as_data(), ensure_ascii=False))
    assert data["doc_no"] == ORDER_NO and data["title"] == "责令限期整改指令书"
    assert data["rows"]["hazards"][1]["deadline"] == "2026-11-28"  # a date, as text
    assert data["values"]["legal_basis"].startswith("《中华人民共和国安全生产法》第六十五条")
