"""The PDF as a reader sees it: the text it extracts, its pages, its embedded font."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader

from pjdesk.forms import TABLE2, FilledForm, render_pdf

from .conftest import HEADER, LONG_DESCRIPTION, LONG_MEASURES, SECTOR_ROWS


def page_texts(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def page_layouts(path) -> list[str]:
    """Each page's text laid out as printed, a table row on one line."""
    return [page.extract_text(extraction_mode="layout") for page in PdfReader(path).pages]


def compact(text: str) -> str:
    """Text with the line breaks of wrapped cells and headers taken out."""
    return re.sub(r"\s+", "", text)


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture
def table2_pdf(table2, tmp_path):
    return render_pdf(table2, tmp_path / "表2.pdf")


def test_table2_prints_title_header_block_and_every_column_header(table2_pdf):
    [text] = page_texts(table2_pdf)
    flat = compact(text)
    assert "隐患排查治理统计表" in flat
    for item in ("填报单位：安定镇（430626101）", "报告期：2026年11月", "填报人：张三", "审核人（分管领导）：李四",
                 "填报日期：2026年11月30日", "表号：表2"):
        assert item in flat
    for label in ("行业领域", "一般隐患", "重大隐患", "本月新增", "本月整改", "年度累计查出", "年度累计整改", "整改率",
                  "累计未整改", "已销号", "按期销号率", "逾期未销号", "挂牌督办", "治理资金（万元）"):
        assert label in flat, label


def test_table2_rows_print_figures_as_formatted(table2_pdf):
    lines = lines_of(page_layouts(table2_pdf)[0])
    assert "危化 5 4 40 37 92.5% 3 1 2 1 100.0% 0 1 1.25" in lines
    assert "燃气 0 0 0 0 — 0 0 0 0 — 0 0 0.00" in lines
    assert "建筑施工 3 1 8 2 25.0% 6 0 2 0 0.0% 2 1 0.12" in lines


def test_table2_total_row_divides_its_own_sums(table2_pdf):
    lines = lines_of(page_layouts(table2_pdf)[0])
    # 39 ÷ 48 = 81.25% rounds half up; 1 ÷ 3 of the due major hazards were closed on time.
    assert "合计 8 5 48 39 81.3% 9 1 4 1 33.3% 2 2 1.37" in lines


def test_table2_prints_notes_signatures_and_page_count(table2_pdf):
    [text] = page_texts(table2_pdf)
    flat = compact(text)
    assert "整改率＝年度累计整改÷年度累计查出" in flat
    assert "合计行的比率由合计数计算" in flat
    for label in ("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）"):
        assert label in flat
    assert "第 1 页 共 1 页" in text


def test_table2_is_one_a4_landscape_page_with_the_font_embedded_as_a_subset(table2_pdf):
    reader = PdfReader(table2_pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts, "no font on the page"
    for ref in fonts.values():
        font = ref.get_object()
        assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei.*", str(font["/BaseFont"])), font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), "TrueType outlines not embedded"
        assert "/ToUnicode" in font, "text would not copy or search as written"


def test_table2_pdf_stays_within_its_size_budget(table2_pdf):
    assert table2_pdf.stat().st_size <= 200 * 1024


def test_portrait_form_is_a4_portrait(table2, tmp_path):
    upright = replace(table2, spec=replace(TABLE2, orientation="portrait"))
    box = PdfReader(render_pdf(upright, tmp_path / "竖.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_county_summary_is_the_same_spec_with_townships_as_rows(tmp_path):
    county = replace(TABLE2, code="表2（汇总）", row_label="乡镇（街道）")
    rows = [dict(SECTOR_ROWS[0], label="安定镇"), dict(SECTOR_ROWS[2], label="汉昌街道")]
    filled = FilledForm(county, period_label="2026年11月", rows=rows,
                        **dict(HEADER, unit_name="平江县应急管理局", unit_code="430626"))
    text = page_layouts(render_pdf(filled, tmp_path / "汇总.pdf"))[0]
    assert "乡镇（街道）" in compact(text)
    assert "填报单位：平江县应急管理局（430626）" in compact(text)
    assert "安定镇 5 4 40 37 92.5% 3 1 2 1 100.0% 0 1 1.25" in lines_of(text)
    assert "合计 8 5 48 39 81.3% 9 1 4 1 33.3% 2 2 1.37" in lines_of(text)


def test_table3_wraps_long_text_inside_its_cells_and_keeps_all_of_it(table3, tmp_path):
    texts = page_texts(render_pdf(table3, tmp_path / "表3.pdf"))
    flat = compact("".join(texts))
    assert "重大事故隐患“一单四制”进度表" in flat
    for label in ("编号", "单位（统一社会信用代码）", "隐患描述", "判定依据", "交办单号", "责任单位/责任人", "整改措施",
                  "资金（元）", "整改时限", "临时管控措施", "进度", "复查/销号日期", "复查", "销号", "通报情况"):
        assert label in flat, label
    assert compact(LONG_DESCRIPTION) in flat and compact(LONG_MEASURES) in flat  # nothing cut off
    assert not any(LONG_DESCRIPTION in line for text in texts for line in text.splitlines())  # wrapped
    assert "123,450.50" in flat and "246,901.00" in flat  # 资金 in 元, and its 合计
    assert "2026-11-25" in flat


def test_ledger_runs_to_many_pages_with_the_header_repeated_and_numbered(ledger, tmp_path):
    texts = page_texts(render_pdf(ledger, tmp_path / "台账.pdf"))
    count = len(texts)
    assert count > 20
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {count} 页" in text
    # Every page of rows starts with the header rows; the notes and signatures may close on a page of their own.
    row_pages = [compact(text) for text in texts if "430626101-2026-" in compact(text)]
    assert len(row_pages) >= count - 1
    for flat in row_pages:
        for label in ("序号", "编号", "单位名称", "隐患描述", "整改措施", "资金（元）", "状态"):
            assert label in flat, label
    assert "填报单位：安定镇" in row_pages[0] and "填报单位" not in row_pages[1]  # the header block once, on page 1
    everything = "".join(row_pages)
    assert all(f"430626101-2026-{n:04d}" in everything for n in range(1, 601))
    assert "430626101-2026-0600" in row_pages[-1] and "合计" in row_pages[-1]
    assert "填报人（签字）" in compact(texts[-1])


def test_a_failed_render_leaves_the_previous_file_untouched(table2, tmp_path):
    target = render_pdf(table2, tmp_path / "表2.pdf")
    before = target.read_bytes()
    broken = replace(table2, rows=[dict(SECTOR_ROWS[0], funds=1.25)])  # money must be integer 分
    with pytest.raises(TypeError, match="金额"):
        render_pdf(broken, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["表2.pdf"]


def test_poppler_extracts_the_text_as_written(table2_pdf):
    """pdftotext (poppler) is what most Linux tools and indexers use; it is optional here."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("poppler-utils 未安装（pdftotext）")
    text = subprocess.run([pdftotext, "-layout", str(table2_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "填报单位：安定镇（430626101）" in text
    assert "危化 5 4 40 37 92.5% 3 1 2 1 100.0% 0 1 1.25" in lines_of(text)
    assert "第 1 页 共 1 页" in text  # poppler drops a plain space between CJK and digits: the footer widens it
