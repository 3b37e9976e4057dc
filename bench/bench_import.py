"""Benchmark: import of a 10,000-row XLSX hazard ledger (budget ≤ 5 s, DESIGN.md §8).

    python bench/bench_import.py [--rows 10000] [--repeat 3]

Writes a realistic township ledger once (merged title row, 序号, 24 columns, Excel and text dates, most rows
closed, a footer), then times preview + apply into a fresh station, median of --repeat runs. The raw
baseline, measured in the same run: python-calamine reading the same file plus a plain sqlite3
executemany of as many 30-column rows into one table, in one transaction, with the station's pragmas.

A second baseline (the performance issue's "≤ 4× a raw read plus executemany", read as the sync goal states
it): calamine reading the sheet plus the rows the import wrote (units, hazards, events, change log) written raw
into an empty station, the same tables, indexes and full-text triggers, in one transaction.

The ledger is written by a child process: building 240,000 openpyxl cells leaves a heap that a running
pjdesk never has, and that would slow every allocation of the timed import.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

import import_runs
from import_runs import credit_code, text_date

BUDGET_S = 5.0
TODAY = dt.date(2026, 11, 29)
HEADER = ["序号", "单位名称", "统一社会信用代码", "行业领域", "隐患描述", "隐患部位", "隐患等级", "隐患类别", "隐患来源",
          "发现日期", "发现人", "整改措施", "整改责任单位", "整改责任人", "整改资金（元）", "整改期限", "临时管控措施",
          "判定依据", "整改完成日期", "复查人", "复查日期", "销号日期", "整改情况", "备注"]
SECTORS = ["危化", "非煤矿山", "烟花爆竹", "工贸其他", "建筑施工", "燃气", "人员密集场所", "自建房经营", "文旅", "学校"]
PROBLEMS = ["灭火器压力不足", "安全出口堵塞", "消防通道堆放杂物", "电线私拉乱接", "配电箱未接地", "应急照明损坏",
            "储罐区防雷检测过期", "特种作业人员无证上岗", "安全警示标志缺失", "可燃物与热源距离不足",
            "未建立隐患排查台账", "员工未进行三级安全教育", "脚手架连墙件缺失", "液化气钢瓶无检验标志"]
PLACES = ["仓库", "车间", "配电房", "厨房", "楼梯间", "储罐区", "办公楼", "宿舍", "门店", "施工现场"]
PEOPLE = ["王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑一", "冯二"]




def write_ledger(path: Path, rows: int, seed: int = 7) -> None:
    import openpyxl

    rng = random.Random(seed)
    units = [(f"平江县{i:04d}号{rng.choice(['商贸', '实业', '建材', '化工', '酒店'])}有限公司",
              credit_code(rng) if rng.random() < 0.7 else None, rng.choice(SECTORS)) for i in range(rows // 12 + 1)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws.append(["安定镇隐患排查治理台账（2024—2026年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    start = dt.date(2024, 1, 1)
    for n in range(1, rows + 1):
        name, code, sector = rng.choice(units)
        found = start + dt.timedelta(days=rng.randrange((TODAY - start).days - 60))
        major = rng.random() < 0.03
        deadline = found + dt.timedelta(days=rng.choice([7, 15, 30]))
        fate = rng.random()
        rectified = found + dt.timedelta(days=rng.randrange(1, 20)) if fate < 0.85 else None
        review = rectified + dt.timedelta(days=rng.randrange(0, 5)) if rectified and fate < 0.8 else None
        closed = review + dt.timedelta(days=rng.randrange(0, 5)) if review and fate < 0.75 else None
        ws.append([
            n, name, code, sector, f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}", rng.choice(PLACES),
            "重大隐患" if major else rng.choice(["一般", "一般隐患"]), rng.choice(["现场管理", "基础管理", None]),
            rng.choice(["乡镇检查", "企业自查", "上级交办"]), text_date(found, rng), rng.choice(PEOPLE),
            "立即整改，加强巡查", name, rng.choice(PEOPLE), rng.choice([None, 500, 1200, "2,000", "1.5万"]),
            text_date(deadline, rng), "设置警示标志" if major else None,
            "工贸企业重大事故隐患判定标准第四条" if major and rng.random() < 0.5 else None,
            text_date(rectified, rng) if rectified else None, rng.choice(PEOPLE) if review else None,
            text_date(review, rng) if review else None, text_date(closed, rng) if closed else None,
            "已销号" if closed else ("已整改" if rectified else "整改中"), None,
        ])
    ws.append([])
    ws.append(["填表人：张三", None, None, None, "审核人：李四", None, None, None, None, "填报日期：2026年11月29日"])
    wb.save(path)


def time_import(path: Path, folder: Path) -> tuple[float, float, dict]:
    from pjdesk.services.ledger_import import apply_import, preview_import
    from pjdesk.services.session import init_station

    session = init_station(folder, code="430626101", operator="张三", today=lambda: TODAY)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        preview = preview_import(session, path)
        result = apply_import(session, preview)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = {"hazards": len(result.hazard_ids), "events": len(result.event_ids), "units": len(result.unit_ids),
                  "refused": len(preview.refused), "warnings": len(preview.warnings)}
    finally:
        session.close()
    return elapsed, cpu, counts


def time_raw(path: Path, folder: Path, rows: int) -> float:
    return import_runs.read_and_insert(path, folder, rows, 30)[0]


def time_same(path: Path, station: Path, folder: Path) -> float:
    """The sheet read by calamine, plus the rows the import wrote (units, hazards, events, change log) written
    raw into an empty station of the same township: the same tables, indexes and triggers."""
    from common import raw_same_tables_copy
    from python_calamine import CalamineWorkbook

    from pjdesk.services.session import init_station

    init_station(folder / "empty", code="430626101", operator="张三", today=lambda: TODAY).close()
    started = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    read = time.perf_counter() - started
    return read + raw_same_tables_copy(folder / "empty", station, folder / "raw",
                                       ["unit", "hazard", "hazard_event", "change_log"])


def main(argv: list[str] | None = None) -> int:
    return import_runs.run(__file__, __doc__, "ledger.xlsx", write_ledger, time_import, time_raw, lambda rows, size, counts: (
        f"ledger import, {rows:,} rows XLSX ({size // 1024} KB): {counts['hazards']} hazards, "
        f"{counts['events']} events, {counts['units']} new units, {counts['refused']} refused, {counts['warnings']} warnings"),
                           "calamine read + sqlite3 executemany, 30 columns", BUDGET_S, argv, time_same=time_same)


if __name__ == "__main__":
    sys.exit(main())
