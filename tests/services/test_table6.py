"""表6 教育培训与持证统计表 of November 2026 on the hand-counted roster of test_people_rates: a row per 行业领域
and 合计, the same numbers in the XLSX cells and the PDF text; the county's 汇总 has a row per township."""

from __future__ import annotations

import datetime as dt

import openpyxl
from pypdf import PdfReader

from pjdesk.core.periods import Month
from pjdesk.core.townships import townships
from pjdesk.services import returns
from pjdesk.services.session import init_station
from tests.services.test_people_rates import station  # noqa: F401 - the roster counted by hand

# 在册, 达标, 率 | 劳务派遣 在册, 达标 | 灵活用工 在册, 达标 | 三类 总数, 已培训, 率 | 特种 在岗, 持证, 率, 60天内到期 |
# 危化专职安管 在岗, 达标, 率 | 危化高风险岗位 在岗, 达标, 率
NOVEMBER = {
    # 甲乙丙丁戊己壬癸; 达标 乙丁戊癸; 戊 劳务派遣; 壬 灵活用工; 三类 甲乙丙丁 (丙 failed); 壬 holds an 操作证
    # due for 复审 on 1 January (within 60 days of 30 November); 安管 乙 (丙's lapsed); 操作 戊 and 己.
    "危化": (8, 4, "50.0%", 1, 1, 1, 0, 4, 3, "75.0%", 1, 1, "100.0%", 1, 2, 1, "50.0%", 2, 2, "100.0%"),
    "烟花爆竹": (2, 0, "0.0%", 0, 0, 0, 0, 1, 1, "100.0%", 0, 0, "—", 0, 0, 0, "—", 0, 0, "—"),
    "工贸其他": (3, 2, "66.7%", 0, 0, 1, 0, 0, 0, "—", 1, 0, "0.0%", 0, 0, 0, "—", 0, 0, "—"),
    "合计": (13, 6, "46.2%", 1, 1, 2, 0, 5, 4, "80.0%", 2, 1, "50.0%", 1, 2, 1, "50.0%", 2, 2, "100.0%"),
}


def test_table6_in_the_xlsx_cells_and_the_pdf_text(station, tmp_path):  # noqa: F811
    session, _ = station
    assert returns.available_forms(session)["表6"] == "教育培训与持证统计表"
    [built] = returns.build_returns(session, Month(2026, 11), ["表6"], tmp_path)
    sheet = openpyxl.load_workbook(built.xlsx).active
    rows = {row[0]: row[1:21] for row in sheet.iter_rows(values_only=True) if row[0] in NOVEMBER or row[0] == "学校"}
    assert rows["学校"][:2] == (0, 0), "every sector, zeros too"
    for label, expected in NOVEMBER.items():
        got = tuple(_shown(v, expected[i]) for i, v in enumerate(rows[label]))
        assert got == expected, label
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(built.pdf).pages).split())
    assert "教育培训与持证统计表" in text and "填报单位：安定镇（430626101）" in text.replace(" ", "")
    for label, expected in NOVEMBER.items():
        assert f"{label} {' '.join(str(v) for v in expected)}" in text, label


def _shown(cell, expected):
    """An XLSX percent cell holds the fraction; compare it as printed."""
    if isinstance(expected, str) and expected.endswith("%") and isinstance(cell, float | int):
        return f"{cell * 100:.1f}%"
    return "—" if cell in (None, "") and expected == "—" else cell


def test_the_county_summary_has_a_row_per_township(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True,
                          today=lambda: dt.date(2026, 11, 29))
    [built] = returns.build_returns(county, Month(2026, 11), ["表6"], tmp_path)
    sheet = openpyxl.load_workbook(built.xlsx).active
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert all(t.name in labels for t in townships()) and "合计" in labels
    text = "".join(page.extract_text() for page in PdfReader(built.pdf).pages).replace(" ", "")
    assert "教育培训与持证统计表（汇总）" in text
    county.close()
