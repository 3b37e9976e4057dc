"""Benchmark: the returns drawn to PDF and XLSX (DESIGN.md §8).

    python bench/bench_forms.py [--repeat 5] [--ledger-rows 600]

Figures, each the median of --repeat runs in one warm process (the CJK font registered once, as the program
does at start), with the raw baseline measured in the same run on the same cells:
  - 表2 (16 行业领域 + 合计) PDF + XLSX: aim ≤ 150 ms; PDF size ≤ 200 KB with the font subset embedded.
    Baseline: reportlab drawing the same table with built-in Helvetica (no CJK font, no wrapping, no
    spans), plus openpyxl writing the same cells unstyled.
  - 台账 of --ledger-rows hazards, PDF: pages and time (DESIGN.md measured ~1 s for a 59-page table).
    Baseline: the same cells as one plain reportlab LongTable in Helvetica.
  - one township's month, every form (表2, 表3, the month's 台账), PDF + XLSX: budget ≤ 1 s, also cold
    (font not yet loaded) for the first return after start.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

from pjdesk.forms import LEDGER, TABLE2, TABLE3, FilledForm, render_pdf, render_xlsx
from pjdesk.forms.fonts import register_cjk_font
from pjdesk.forms.table import build_table

TABLE2_BUDGET_S = 0.150
TABLE2_PDF_BUDGET_KB = 200
MONTH_BUDGET_S = 1.0
SECTORS = ["危化", "非煤矿山", "烟花爆竹", "金属冶炼", "涉爆粉尘", "钢铁/铝加工", "工贸其他", "建筑施工", "燃气",
           "交通运输", "特种设备使用", "人员密集场所", "自建房经营", "文旅", "学校", "其他"]
FINDINGS = [
    ("灭火器压力不足，指针处于红区", "一楼大厅、仓库、生产车间", "对压力不足的灭火器重新充装，建立灭火器月检记录"),
    ("安全出口上锁", "一楼后门、二楼安全出口", "立即开锁，营业及生产期间严禁锁闭安全出口，改装推闩式门锁"),
    ("电气线路私拉乱接", "车间、宿舍、仓库", "拆除私拉乱接线路，由持证电工规范敷设"),
    ("储罐区防雷检测过期，未按GB 50057-2010设置防雷设施", "储罐区", "委托有资质的单位检测防雷设施并出具报告"),
    ("脚手架连墙件缺失，立杆基础不平整、无垫板", "施工现场、外架", "按专项方案补设连墙件，整平立杆基础并加设垫板"),
    ("液化气钢瓶无检验标志，与灶具间距不足", "厨房", "更换合格钢瓶，钢瓶与灶具间距保持1米以上"),
]
HEADER = dict(unit_name="安定镇", unit_code="430626101", preparer="张三", reviewer="李四", filled_date="2026-11-30")


def table2_form(rng: random.Random) -> FilledForm:
    rows = []
    for sector in SECTORS:
        found = rng.randrange(0, 60)
        fixed = rng.randrange(0, found + 1)
        due = rng.randrange(0, 4)
        rows.append(dict(
            label=sector, general_new=rng.randrange(9), general_fixed=rng.randrange(9), general_found_ytd=found,
            general_fixed_ytd=fixed, general_open=found - fixed, major_new=rng.randrange(2),
            major_found_ytd=due + 1, major_closed=due, major_closed_on_time=rng.randrange(due + 1), major_due=due,
            major_overdue=rng.randrange(2), major_supervised=rng.randrange(2), funds=rng.randrange(5_000_000)))
    return FilledForm(TABLE2, period_label="2026年11月", rows=rows, **HEADER)


def table3_form(rng: random.Random, count: int) -> FilledForm:
    rows = [dict(
        hazard_no=f"430626101-2026-{n:04d}", unit=f"平江县{n:02d}号化工有限公司（91430626MA4L{n:04d}XY）",
        description=FINDINGS[n % len(FINDINGS)][0] + "，可燃气体报警器未与紧急切断装置联锁",
        major_basis="《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第二十条",
        assignment_no=f"平安办交〔2026〕{n}号", responsible="王五", measures=FINDINGS[n % len(FINDINGS)][2],
        funds=rng.randrange(10_000_000), deadline="2026-12-31", interim_controls="停止作业，设置警戒区，专人值守",
        progress="整改中", review_date=None, closed_date=None, notice="") for n in range(1, count + 1)]
    return FilledForm(TABLE3, period_label="2026年11月", rows=rows, **HEADER)


def ledger_form(rng: random.Random, count: int, period: str) -> FilledForm:
    rows = []
    for n in range(1, count + 1):
        description, location, measures = FINDINGS[n % len(FINDINGS)]
        closed = rng.random() < 0.7
        rows.append(dict(
            hazard_no=f"430626101-2026-{n:04d}", unit_name=f"平江县{n % 90:02d}号安定实业有限公司",
            description=description, location=location, level="重大" if n % 40 == 0 else "一般",
            sector=SECTORS[n % len(SECTORS)], source="乡镇检查", found_date=f"2026-{n % 11 + 1:02d}-{n % 28 + 1:02d}",
            resp_person="王五", measures=measures, funds=rng.randrange(2_000_000), deadline="2026-12-15",
            rectified_date="2026-12-01" if closed else None, review_date="2026-12-03" if closed else None,
            closed_date="2026-12-05" if closed else None, status="销号" if closed else "整改中"))
    return FilledForm(LEDGER, period_label=period, rows=rows, **HEADER)


def raw_pdf(filled: FilledForm, path: Path) -> None:
    """The baseline: the same cell texts, one plain Helvetica LongTable, nothing else."""
    table = build_table(filled)
    rows = [[c.label for c in table.columns]] + [[cell.text for cell in row] for row in table.body]
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4))
    flowable = LongTable(rows, colWidths=[doc.width / len(table.columns)] * len(table.columns), repeatRows=1)
    flowable.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 6),
                                  ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    doc.build([flowable])


def raw_xlsx(filled: FilledForm, path: Path) -> None:
    table = build_table(filled)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.label for c in table.columns])
    for row in table.body:
        sheet.append([cell.value for cell in row])
    workbook.save(path)


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pages(path: Path) -> int:
    return Path(path).read_bytes().count(b"/Type /Page\n")


def verdict(ok: bool) -> str:
    return "达标" if ok else "超出预算"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="报表生成基准测试")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ledger-rows", type=int, default=600)
    parser.add_argument("--keep", action="store_true", help="保留生成的文件以便查看")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    table2, table3 = table2_form(rng), table3_form(rng, 6)
    ledger = ledger_form(rng, args.ledger_rows, "2026年1月—11月")
    month_ledger = ledger_form(rng, 60, "2026年11月")
    out = Path(tempfile.mkdtemp(prefix="pjdesk-bench-forms-"))
    try:
        run(args, table2, table3, ledger, month_ledger, out)
    finally:
        if args.keep:
            print(f"文件留在 {out}")
        else:
            shutil.rmtree(out)
    from common import summary

    return summary([])  # its figures are judged in the lines above; this adds the peak memory (≤ 500 MB)


def run(args, table2: FilledForm, table3: FilledForm, ledger: FilledForm, month_ledger: FilledForm,
        out: Path) -> None:

    start = time.perf_counter()
    register_cjk_font()  # once per process; the program may do it off the GUI thread at start
    font_load = time.perf_counter() - start
    start = time.perf_counter()
    render_pdf(table2, out / "first.pdf")
    render_xlsx(table2, out / "first.xlsx")
    first = time.perf_counter() - start

    def table2_both():
        render_pdf(table2, out / "表2.pdf")
        render_xlsx(table2, out / "表2.xlsx")

    def table2_raw():
        raw_pdf(table2, out / "表2-raw.pdf")
        raw_xlsx(table2, out / "表2-raw.xlsx")

    def month_all():
        for name, form in (("表2", table2), ("表3", table3), ("台账", month_ledger)):
            render_pdf(form, out / f"月-{name}.pdf")
            render_xlsx(form, out / f"月-{name}.xlsx")

    figure, raw = median_time(table2_both, args.repeat), median_time(table2_raw, args.repeat)
    size_kb = (out / "表2.pdf").stat().st_size / 1024
    print(f"表2 隐患排查治理统计表（{len(table2.rows)} 行 + 合计），PDF + XLSX，{args.repeat} 次中位数：")
    print(f"  pjdesk    {figure * 1000:6.0f} ms   PDF {size_kb:.0f} KB（预算 ≤ {TABLE2_PDF_BUDGET_KB} KB："
          f"{verdict(size_kb <= TABLE2_PDF_BUDGET_KB)}）")
    print(f"  原始基线  {raw * 1000:6.0f} ms   （reportlab Helvetica 同表 + openpyxl 无样式写同样单元格）")
    print(f"  比值 {figure / raw:.1f}×   目标 ≤ {TABLE2_BUDGET_S * 1000:.0f} ms：{verdict(figure <= TABLE2_BUDGET_S)}")
    print(f"  字体加载（每个进程一次）{font_load * 1000:.0f} ms；加载后第一张 表2 {first * 1000:.0f} ms")

    figure = median_time(lambda: render_pdf(ledger, out / "台账.pdf"), args.repeat)
    raw = median_time(lambda: raw_pdf(ledger, out / "台账-raw.pdf"), args.repeat)
    print(f"台账 {args.ledger_rows} 行，PDF（A4 横向）{args.repeat} 次中位数：")
    print(f"  pjdesk    {figure:.2f} s   {pages(out / '台账.pdf')} 页   "
          f"{(out / '台账.pdf').stat().st_size / 1024:.0f} KB")
    print(f"  原始基线  {raw:.2f} s   {pages(out / '台账-raw.pdf')} 页   （同样单元格，Helvetica 单表，不换行）")
    print(f"  比值 {figure / raw:.1f}×")
    figure = median_time(lambda: render_xlsx(ledger, out / "台账.xlsx"), args.repeat)
    raw = median_time(lambda: raw_xlsx(ledger, out / "台账-raw.xlsx"), args.repeat)
    print(f"台账 {args.ledger_rows} 行，XLSX：pjdesk {figure:.2f} s，原始基线 {raw:.2f} s，比值 {figure / raw:.1f}×")

    figure = median_time(month_all, args.repeat)
    print(f"一个乡镇一个月的全部报表（表2、表3 {len(table3.rows)} 项、当月台账 {len(month_ledger.rows)} 行），"
          f"PDF + XLSX：{figure:.2f} s，连同字体加载 {figure + font_load:.2f} s"
          f"（预算 ≤ {MONTH_BUDGET_S:.0f} s：{verdict(figure + font_load <= MONTH_BUDGET_S)}）")


if __name__ == "__main__":
    sys.exit(main())
