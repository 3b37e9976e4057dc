"""表2, 表3 and the printable ledger against hand-counted fixtures, across month and year boundaries, with
extensions, a failed review and a deleted hazard; the same numbers in the XLSX cells and in the PDF text."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HazardFilter
from pjdesk.core.periods import Month
from pjdesk.services import hazards as hz
from pjdesk.services import returns
from pjdesk.services.units import save_unit

MAJOR_ITEMS = {"level": "重大", "major_basis": "《工贸企业重大事故隐患判定标准》第四条", "resp_person": "王五",
               "measures": "停产整改，更换设备", "funds": 0, "emergency_plan": "现场处置方案"}


@pytest.fixture
def ledger(session):
    """Eight hazards, hand-counted below. Today is 2026-11-29."""
    chem = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化", "is_high_risk": 1}).id
    hotel = save_unit(session, {"name": "安定大酒店", "sector": "人员密集场所", "crowded_type": "公众聚集场所"}).id

    def hazard(unit, found, deadline, **values):
        return hz.record_hazard(session, {"unit_id": unit, "description": values.pop("text", "隐患"), "found_date": found,
                                          "deadline": deadline, **values}).id

    def walk(h, *steps):
        for kind, date, *extra in steps:
            if kind == "rect":
                hz.complete_rectification(session, h, date)
            elif kind == "pass":
                hz.review_hazard(session, h, date, True, "李四")
            elif kind == "fail":
                hz.review_hazard(session, h, date, False, "李四", note="仍有私拉电线")
            elif kind == "close":
                hz.close_hazard(session, h, date)
            elif kind == "extend":
                hz.extend_hazard(session, h, date, extra[0], "需停产更换设备")

    h = {}
    h[1] = hazard(chem, "2026-11-03", "2026-11-20", funds=500000, text="配电箱电线老化")
    walk(h[1], ("rect", "2026-11-10"), ("pass", "2026-11-12"), ("close", "2026-11-13"))
    h[2] = hazard(chem, "2026-10-15", "2026-10-30", funds=1000000, text="灭火器过期")
    walk(h[2], ("rect", "2026-11-02"), ("fail", "2026-11-05"), ("rect", "2026-11-08"), ("pass", "2026-11-09"))
    h[3] = hazard(chem, "2025-12-20", "2026-01-10", text="消防通道堵塞")
    h[4] = hazard(chem, "2026-03-01", "2026-06-30", **MAJOR_ITEMS, supervision_level="县级", text="反应釜无自动化控制")
    walk(h[4], ("extend", "2026-06-20", "2026-12-31"))
    h[5] = hazard(hotel, "2026-02-01", "2026-05-31", **MAJOR_ITEMS, text="安全出口封堵")
    walk(h[5], ("rect", "2026-05-20"), ("pass", "2026-05-25"), ("close", "2026-05-28"))
    h[6] = hazard(hotel, "2026-01-10", "2026-04-30", **MAJOR_ITEMS, text="疏散通道上锁")
    walk(h[6], ("rect", "2026-06-01"), ("pass", "2026-06-05"), ("close", "2026-06-10"))
    h[7] = hazard(hotel, "2026-11-20", "2026-11-25", text="重复录入的隐患")
    hz.delete_hazard(session, h[7], "重复录入")
    h[8] = hazard(hotel, "2026-10-05", "2026-10-20", funds=300000, text="应急照明损坏")
    walk(h[8], ("rect", "2026-10-18"), ("pass", "2026-11-02"), ("close", "2026-11-03"))
    return h


def table2(session, key):
    filled = returns.fill_form(session, "表2", Month.parse(key))
    return {r["label"]: r for r in filled.rows}, filled.total


COLUMNS = ("general_new", "general_fixed", "general_found_ytd", "general_fixed_ytd", "general_fix_rate",
           "general_open", "major_new", "major_found_ytd", "major_closed", "major_on_time_rate", "major_overdue",
           "major_supervised", "funds")


def figures(row):
    return tuple(row[k] for k in COLUMNS)


def test_table2_november(session, ledger):
    rows, total = table2(session, "2026-11")
    assert list(rows) == ["危化", "人员密集场所"]
    #                                new fix ytd fixd rate open | new ytd closed rate overdue supervised | funds
    assert figures(rows["危化"]) == (1, 2, 2, 2, 1.0, 1, 0, 1, 0, None, 0, 1, 1_500_000)
    assert figures(rows["人员密集场所"]) == (0, 0, 1, 1, 1.0, 0, 0, 2, 2, 0.5, 0, 0, 0)
    assert figures(total) == (1, 2, 3, 3, 1.0, 1, 0, 3, 2, 0.5, 0, 1, 1_500_000)


def test_table2_october_counts_as_it_stood_then(session, ledger):
    rows, total = table2(session, "2026-10")
    # 灭火器过期 was found in October and only rectified in November; 配电箱 did not exist yet.
    assert figures(rows["危化"]) == (1, 0, 1, 0, 0.0, 2, 0, 1, 0, None, 0, 1, 0)
    assert figures(rows["人员密集场所"]) == (1, 1, 1, 1, 1.0, 0, 0, 2, 2, 0.5, 0, 0, 300_000)
    assert figures(total) == (2, 1, 2, 1, 0.5, 2, 0, 3, 2, 0.5, 0, 1, 300_000)


def test_table2_may_before_the_extension_and_the_late_closure(session, ledger):
    _rows, total = table2(session, "2026-05")
    # 疏散通道上锁: due 04-30, still open at 05-31 → 逾期未销号; 安全出口封堵 closed 05-28 on time.
    assert (total["major_due"], total["major_closed_on_time"], total["major_overdue"]) == (2, 1, 1)
    assert total["major_supervised"] == 1  # 反应釜, open and under 挂牌督办
    assert total["general_open"] == 1  # last year's 消防通道堵塞 still counts
    assert total["general_found_ytd"] == 0


def test_the_extension_moves_the_deadline_in_force(session, ledger):
    june = {r["hazard_no"]: r for r in returns.fill_form(session, "表3", Month(2026, 6)).rows}
    reactor = next(r for r in june.values() if r["description"] == "反应釜无自动化控制")
    assert reactor["deadline"] == "2026-12-31" and reactor["progress"] == "发现"
    assert {r["description"] for r in june.values()} == {"反应釜无自动化控制", "疏散通道上锁"}


def test_table3_lists_open_major_hazards_and_those_closed_in_the_month(session, ledger):
    rows = returns.fill_form(session, "表3", Month(2026, 11)).rows
    assert [r["description"] for r in rows] == ["反应釜无自动化控制"]
    assert rows[0]["unit"] == "平江县安定化工有限公司"
    assert rows[0]["responsible"] == "王五" and rows[0]["major_basis"].startswith("《工贸企业")
    may = returns.fill_form(session, "表3", Month(2026, 5)).rows
    assert {r["description"]: r["progress"] for r in may} == {
        "反应釜无自动化控制": "发现", "安全出口封堵": "销号", "疏散通道上锁": "发现（逾期未整改）"}


def test_a_withdrawn_closure_counts_from_its_day_and_not_before(session, ledger):
    """安全出口封堵 (重大, due 05-31) was 销号 on 05-28, on time; the 销号 is withdrawn on 06-02. May stands as it
    was reported; from June the hazard is open again: rectified and reviewed, so never 逾期未整改, but past its
    deadline without 销号 (逾期未销号), and no longer closed on time in the year's figures."""
    hz.reopen_hazard(session, ledger[5], "2026-06-02", "销号依据不全，待补整改验收资料")
    _rows, may = table2(session, "2026-05")
    assert (may["major_closed"], may["major_closed_on_time"], may["major_overdue"]) == (1, 1, 1)
    june = {r["description"]: r["progress"] for r in returns.fill_form(session, "表3", Month(2026, 6)).rows}
    assert june["安全出口封堵"] == "复查合格（逾期未销号）"
    _rows, november = table2(session, "2026-11")
    assert (november["major_found_ytd"], november["major_closed"], november["major_due"]) == (3, 1, 2)
    assert (november["major_closed_on_time"], november["major_on_time_rate"], november["major_overdue"]) == (0, 0.0, 1)
    assert "安全出口封堵" in {r["description"] for r in returns.fill_form(session, "表3", Month(2026, 11)).rows}
    assert hz.count_hazards(session, HazardFilter(overdue=True, level="重大")) == 0, "rectified: not 逾期未整改"
    assert hz.count_hazards(session, HazardFilter(open_only=True, level="重大")) == 2


def test_printable_ledger_of_a_month(session, ledger):
    rows = returns.fill_form(session, "台账", Month(2026, 10)).rows
    # Open at some time in October (found then, or earlier and not yet closed), each as it stood on 31 October;
    # not those closed in May and June, nor November's.
    assert {r["description"]: r["status"] for r in rows} == {
        "消防通道堵塞": "发现", "反应釜无自动化控制": "发现", "灭火器过期": "发现", "应急照明损坏": "已整改待复查"}


def test_the_same_numbers_in_the_xlsx_cells_and_the_pdf_text(session, ledger, tmp_path):
    built = returns.build_returns(session, Month(2026, 11), ["表2"], tmp_path)[0]
    sheet = openpyxl.load_workbook(built.xlsx).active
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0] in ("危化", "合计")}
    assert cells["合计"][:13] == (1, 2, 3, 3, 1.0, 1, 0, 3, 2, 0.5, 0, 1, 0.15 * 10)
    assert cells["危化"][9] is None or cells["危化"][9] == "—"
    # Cells extract as words separated by spaces or line breaks, depending on the extractor: compare words.
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(built.pdf).pages).split())
    assert "填报单位：安定镇（430626101）" in text.replace(" ", "")
    assert "合计 1 2 3 3 100.0% 1 0 3 2 50.0% 0 1 1.50" in text
    assert "危化 1 2 2 2 100.0% 1 0 1 0 — 0 1 1.50" in text


def test_cli_style_build_writes_every_form(session, ledger, tmp_path):
    built = returns.build_returns(session, Month(2026, 11), list(returns.FORM_CODES), tmp_path)
    assert [b.form for b in built] == ["表1", "表2", "表3", "表4", "表5", "表6", "表7", "表8", "表9", "台账"]
    assert all(b.pdf.exists() and b.xlsx.exists() for b in built)


@pytest.mark.parametrize(("text", "words"), [("2026-13", "格式不对"), ("11/2026", "格式不对"), ("2026-12", "还没到")])
def test_bad_or_future_months_are_refused(session, text, words):
    with pytest.raises(PjdeskError, match=words):
        returns.parse_month(session, text)


def test_freeze_keeps_the_numbers_and_shows_late_edits(session, ledger, tmp_path):
    built = returns.build_returns(session, Month(2026, 11), ["表2"], tmp_path)[0]
    frozen_id = returns.freeze_return(session, built).id
    assert returns.compare_with_today(session, frozen_id) == []
    kept = returns.frozen_return(session, frozen_id)
    assert kept["files"]["pdf"]["intact"] and kept["files"]["xlsx"]["intact"]
    assert kept["preparer"] == "张三" and kept["figures"]["total"]["general_found_ytd"] == 3
    # A hazard found in November is entered late, after the return was signed.
    hz.record_hazard(session, {"unit_id": hz.hazard_detail(session, ledger[1])["hazard"]["unit_id"],
                               "description": "补录：仓库堆放杂物", "found_date": "2026-11-15"})
    changed = {(d["row"], d["column"]): (d["frozen"], d["now"]) for d in returns.compare_with_today(session, frozen_id)}
    assert changed[("合计", "一般隐患·本月新增")] == (1, 2)
    assert changed[("危化", "一般隐患·累计未整改")] == (1, 2)
    assert returns.list_frozen(session)[0]["form"] == "表2"


def test_a_year_of_returns_read_at_once_gives_each_month_as_built_alone(session, ledger, tmp_path):
    months = [Month(2025, 12), *(Month(2026, m) for m in range(1, 12))]  # across a year's start
    forms = ["表2", "表3", "台账"]
    together = returns.build_months(session, months, forms, tmp_path / "year")
    alone = [b for month in months for b in returns.build_returns(session, month, forms, tmp_path / "alone")]
    assert [(b.form, b.month) for b in together] == [(b.form, b.month) for b in alone]
    assert [returns.figures_of(b.filled) for b in together] == [returns.figures_of(b.filled) for b in alone]
    may = next(b for b in together if b.form == "表2" and b.month == Month(2026, 5))
    assert returns.figures_of(may.filled) != returns.figures_of(together[0].filled), "months differ"


@pytest.fixture(scope="module")
def county_demo(tmp_path_factory):
    """A county's file with every kind of record of its townships (the demo, small)."""
    from pjdesk.services.demo import load_demo
    from pjdesk.services.session import init_station
    from tests.conftest import TODAY

    session = init_station(tmp_path_factory.mktemp("county") / "station", code="430626", operator="张三",
                           county=True, today=lambda: TODAY)
    load_demo(session, seed=3, hazards=300)
    yield session
    session.close()


@pytest.mark.parametrize(("township", "months"), [
    ("430626103", [Month(2025, 12), Month(2026, 1), Month(2026, 6), Month(2026, 11)]),  # one township's year
    (None, [Month(2026, 1), Month(2026, 11)]),  # the county's 汇总
])
def test_every_form_built_for_several_months_at_once_is_the_same_file_as_built_alone(county_demo, tmp_path,
                                                                                     township, months):
    """build_months shares its reads across the months (the hazards and their events, 表1's hazards): each
    return it writes is byte for byte the file build_returns writes for that month alone."""
    forms = list(returns.FORM_CODES)
    together = returns.build_months(county_demo, months, forms, tmp_path / "year", township=township)
    alone = [b for month in months
             for b in returns.build_returns(county_demo, month, forms, tmp_path / "alone", township=township)]
    assert [(b.form, b.month) for b in together] == [(b.form, b.month) for b in alone]
    for made, single in zip(together, alone, strict=True):
        assert made.pdf.read_bytes() == single.pdf.read_bytes(), (made.form, made.month)
        assert made.xlsx.read_bytes() == single.xlsx.read_bytes(), (made.form, made.month)
    table1 = [b for b in together if b.form == "表1"]
    assert returns.figures_of(table1[0].filled) != returns.figures_of(table1[-1].filled), "months differ"
    assert any(b.filled.rows for b in together if b.form == "表6"), "the township has people"
