"""表4 监管执法统计表 against a hand-counted month: inspections of several modes, high-risk units (one closed),
hazards found by them (one rectified, one whose review failed, one deleted), documents by type (one on no
inspection, one deleted, one of October), a stop order and fines; the same numbers in the XLSX cells and in the
PDF text, and 表4 among the forms a station builds."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.document import DOCUMENT
from pjdesk.core.inspection import INSPECTION
from pjdesk.core.periods import Month
from pjdesk.services import hazards as hz
from pjdesk.services import returns
from pjdesk.services.records import delete_record, save_record
from pjdesk.services.units import save_unit
from tests.conftest import TOWNSHIP

OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]
MAJOR_ITEMS = {"level": "重大", "major_basis": "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第六条",
               "resp_person": "王五", "measures": "停产整改", "funds": 0, "emergency_plan": "现场处置方案"}
_numbers = iter(range(1, 100))


def inspect(session, unit, date, mode, **values):
    officers = OFFICERS[:1] if mode == "日常巡查" else OFFICERS
    return save_record(session, INSPECTION, {"unit_id": unit, "date": date, "mode": mode, "officers": officers,
                                             **values}).id


def issue(session, doc_type, date, inspection=None, unit=None):
    """A document record as the station keeps one it issued (with its 文号, which issuing gives it)."""
    values = {"doc_type": doc_type, "date": date, "inspection_id": inspection, "unit_id": unit,
              "doc_no": f"平应急（安定）〔2026〕{next(_numbers)}号"}
    with session.store.transaction():
        return session.store.insert(DOCUMENT, values, township=TOWNSHIP, operator=session.operator)


@pytest.fixture
def month_of_checks(session):
    """November 2026, counted by hand in the tests below. Today is 2026-11-29."""
    chem = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化", "is_high_risk": 1}).id
    fireworks = save_unit(session, {"name": "安定烟花爆竹零售店", "sector": "烟花爆竹", "is_high_risk": 1}).id
    station = save_unit(session, {"name": "安定加油站", "sector": "危化", "is_high_risk": 1, "status": "关闭"}).id
    hotel = save_unit(session, {"name": "安定大酒店", "sector": "人员密集场所", "crowded_type": "公众聚集场所"}).id
    works = save_unit(session, {"name": "安定机械厂", "sector": "工贸其他"}).id

    i = {}
    i["planned_chem"] = inspect(session, chem, "2026-11-03", "计划执法", stop_order=1, fine=2_000_000)  # 2 万元
    i["planned_fireworks"] = inspect(session, fireworks, "2026-11-05", "计划执法", fine=500_000)  # 0.5 万元
    i["random_chem"] = inspect(session, chem, "2026-11-10", "双随机")
    i["routine_hotel"] = inspect(session, hotel, "2026-11-12", "日常巡查")
    i["special_hotel"] = inspect(session, hotel, "2026-11-15", "专项检查")
    i["review_station"] = inspect(session, station, "2026-11-20", "整改复查")
    i["october_works"] = inspect(session, works, "2026-10-28", "计划执法", stop_order=1, fine=100_000)
    deleted = inspect(session, works, "2026-11-18", "联合检查", stop_order=1)
    delete_record(session, INSPECTION, deleted, "重复录入")

    def hazard(inspection, found, **values):
        unit = session.store.get(INSPECTION, inspection)["unit_id"] if inspection else chem
        return hz.record_hazard(session, {"unit_id": unit, "description": values.pop("text", "隐患"),
                                          "found_date": found, "inspection_id": inspection, **values}).id

    fixed = hazard(i["planned_chem"], "2026-11-03", text="配电箱电线老化", deadline="2026-11-20")
    hz.complete_rectification(session, fixed, "2026-11-10")
    hazard(i["planned_chem"], "2026-11-03", text="反应釜无自动化控制", deadline="2026-12-31", **MAJOR_ITEMS)
    failed = hazard(i["random_chem"], "2026-11-10", text="灭火器过期", deadline="2026-11-20")
    hz.complete_rectification(session, failed, "2026-11-12")
    hz.review_hazard(session, failed, "2026-11-14", False, "李四", note="仍有过期灭火器")
    gone = hazard(i["special_hotel"], "2026-11-15", text="重复录入的隐患")
    hz.delete_hazard(session, gone, "重复录入")
    hazard(i["october_works"], "2026-10-28", text="十月检查发现的隐患")
    hazard(None, "2026-11-05", text="企业自查发现的隐患", source="企业自查")

    issue(session, "现场检查记录", "2026-11-03", i["planned_chem"], chem)
    issue(session, "责令限期整改指令书", "2026-11-03", i["planned_chem"], chem)
    issue(session, "询问笔录", "2026-11-05", i["planned_fireworks"], fireworks)
    issue(session, "现场检查记录", "2026-11-10", i["random_chem"], chem)
    issue(session, "整改复查意见书", "2026-11-20", i["review_station"], station)
    issue(session, "现场检查记录", "2026-10-28", i["october_works"], works)
    issue(session, "责令限期整改指令书", "2026-11-16", None, hotel)
    dropped = issue(session, "现场检查记录", "2026-11-15", i["special_hotel"], hotel)
    with session.store.transaction():
        session.store.delete(DOCUMENT, dropped, reason="作废", operator=session.operator)
    return i


# Columns: 检查家次, 被检查单位数, 其中高危企业, 隐患 一般, 重大, 已整改, 文书 现场检查记录, 现场处理措施决定书,
# 责令限期整改指令书, 强制措施决定书, 整改复查意见书, 行政处罚决定书, 其他, 责令停产整顿, 罚款（万元）.
NOVEMBER = {
    "日常巡查": (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None),
    "专项检查": (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None),
    "计划执法": (2, 2, 2, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 2.5),
    "双随机": (1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, None),
    "举报核查": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None),
    "联合检查": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None),
    "整改复查": (1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, None),
    "暗查暗访": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None),
    "未关联检查记录": (0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, None),
    # The chemical works was checked twice (计划执法, 双随机): one unit in 合计.
    "合计": (6, 4, 3, 2, 1, 1, 2, 0, 2, 0, 1, 0, 1, 1, 2.5),
}


def figures(row, spec):
    values = tuple(row[c.key] for c in spec.columns)
    return (*values[:-1], None if values[-1] is None else values[-1] / 1_000_000)


def test_table4_counts_the_month_by_mode(session, month_of_checks):
    filled = returns.fill_form(session, "表4", Month(2026, 11))
    assert filled.spec.title == "监管执法统计表" and filled.spec.row_label == "检查方式"
    got = {r["label"]: figures(r, filled.spec) for r in [*filled.rows, filled.total]}
    assert got == NOVEMBER


def test_table4_of_october_has_only_octobers_check(session, month_of_checks):
    filled = returns.fill_form(session, "表4", Month(2026, 10))
    got = {r["label"]: figures(r, filled.spec) for r in [*filled.rows, filled.total]}
    assert got["计划执法"] == got["合计"] == (1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0.1)
    assert "未关联检查记录" not in got


def test_the_same_numbers_in_the_xlsx_cells_and_the_pdf_text(session, month_of_checks, tmp_path):
    [built] = returns.build_returns(session, Month(2026, 11), ["表4"], tmp_path)
    sheet = openpyxl.load_workbook(built.xlsx).active
    cells = {row[0]: row[1:16] for row in sheet.iter_rows(values_only=True) if row[0] in NOVEMBER}
    assert {label: tuple(v if v != "" else None for v in values) for label, values in cells.items()} == NOVEMBER
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(built.pdf).pages).split())
    assert "监管执法统计表" in text and "填报单位：安定镇（430626101）" in text.replace(" ", "")
    assert "计划执法 2 2 2 1 1 1 1 0 1 0 0 0 1 1 2.50" in text
    assert "整改复查 1 1 1 0 0 0 0 0 0 0 1 0 0 0 " in text
    assert "未关联检查记录 0 0 0 0 0 0 0 0 1 0 0 0 0 0 " in text
    assert "合计 6 4 3 2 1 1 2 0 2 0 1 0 1 1 2.50" in text


def test_table4_is_among_the_forms_a_station_builds(session, month_of_checks, tmp_path):
    assert returns.available_forms(session)["表4"] == "监管执法统计表"
    built = returns.build_returns(session, Month(2026, 11), list(returns.FORM_CODES), tmp_path)
    assert "表4" in [b.form for b in built]


def test_a_frozen_table4_shows_a_check_entered_late(session, month_of_checks, tmp_path):
    [built] = returns.build_returns(session, Month(2026, 11), ["表4"], tmp_path)
    frozen = returns.freeze_return(session, built).id
    assert returns.compare_with_today(session, frozen) == []
    unit = session.store.get(INSPECTION, month_of_checks["routine_hotel"])["unit_id"]
    inspect(session, unit, "2026-11-25", "举报核查")
    changed = {(d["row"], d["column"]): (d["frozen"], d["now"]) for d in returns.compare_with_today(session, frozen)}
    assert changed[("举报核查", "检查家次")] == (0, 1)
    assert changed[("合计", "检查家次")] == (6, 7)
    assert ("合计", "被检查单位数") not in changed, "the hotel was already checked this month"
