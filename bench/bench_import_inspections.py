"""Benchmark: import of a 10,000-row XLSX inspection sheet (检查台账; budget ≤ 5 s, issue 10).

    python bench/bench_import_inspections.py [--rows 10000] [--repeat 3]

Writes a realistic township inspection sheet once (merged title row, 序号, 检查日期 as date cells and as text in
every form, about 800 units of which most carry a credit code, two or three inspectors in one cell, every
检查方式 as offices write them, a footer), then times preview + apply into a fresh station, median of --repeat
runs: the rows read and checked, units matched or created, inspectors split into their child rows, every
inspection's state (its inspectors' names, 待补充) derived at commit, a backup first. The raw baseline, measured
in the same run: python-calamine reading the same file plus a plain sqlite3 executemany of as many 20-column
inspection rows and 10-column inspector rows, in one transaction, with the station's pragmas.

The sheet is written by a child process, as in bench/bench_import.py: building 100,000 openpyxl cells leaves a
heap that a running pjdesk never has, and that would slow every allocation of the timed import.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import sys
import time
from pathlib import Path

import import_runs
from import_runs import credit_code, text_date

BUDGET_S = 5.0
TODAY = dt.date(2026, 11, 29)
HEADER = ["序号", "检查日期", "被检查单位", "统一社会信用代码", "检查人员", "检查方式", "检查内容", "发现问题", "处理措施",
          "发现隐患数"]
MODES = ["日常巡查", "日常检查", "专项检查", "计划执法", "双随机", "双随机一公开", "举报核查", "联合检查", "整改复查", "暗查暗访"]
CONTENTS = ["消防安全", "危化品储存", "燃气使用", "用电安全", "特种设备", "安全生产主体责任落实", "应急预案与演练",
            "从业人员安全培训", "有限空间作业", "动火作业管理"]
PROBLEMS = ["未发现问题", "灭火器压力不足", "安全出口堵塞", "消防通道堆放杂物", "电线私拉乱接", "配电箱未接地",
            "储罐区防雷检测过期", "特种作业人员无证上岗", "安全警示标志缺失", "液化气钢瓶无检验标志"]
MEASURES = ["现场责令整改", "下达责令限期整改指令书", "督促企业立即整改", "约谈主要负责人", "无"]
PEOPLE = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十"]




def write_sheet(path: Path, rows: int, seed: int = 11) -> None:
    import openpyxl

    rng = random.Random(seed)
    units = [(f"平江县{i:04d}号{rng.choice(['商贸', '实业', '建材', '化工', '酒店'])}有限公司",
              credit_code(rng) if rng.random() < 0.7 else None) for i in range(rows // 12 + 1)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "检查台账"
    ws.append(["安定镇安全生产检查台账（2024—2026年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    start = dt.date(2024, 1, 1)
    separators = ["、", "，", " ", "、"]
    for n in range(1, rows + 1):
        name, code = rng.choice(units)
        day = start + dt.timedelta(days=rng.randrange((TODAY - start).days))
        officers = rng.choice(separators).join(rng.sample(PEOPLE, rng.choice([2, 2, 3])))
        found = rng.choice(PROBLEMS)
        ws.append([n, text_date(day, rng), name, code, officers, rng.choice(MODES), rng.choice(CONTENTS), found,
                   rng.choice(MEASURES), 0 if found == "未发现问题" else rng.choice([1, "1处", 2, "2项", None])])
    ws.append([])
    ws.append(["填表人：张三", None, None, None, "审核人：李四", None, None, None, "填报日期：2026年11月29日"])
    wb.save(path)


def time_import(path: Path, folder: Path) -> tuple[float, float, dict]:
    from pjdesk.services.record_import import apply_records, preview_records
    from pjdesk.services.session import init_station

    session = init_station(folder, code="430626101", operator="张三", today=lambda: TODAY)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        preview = preview_records(session, "inspections", path)
        result = apply_records(session, preview)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = {"inspections": len(result.record_ids), "officers": len(result.ids["inspection_officer"]),
                  "units": len(result.unit_ids), "incomplete": preview.incomplete, "refused": len(preview.refused),
                  "warnings": len(preview.warnings)}
    finally:
        session.close()
    return elapsed, cpu, counts


def time_raw(path: Path, folder: Path, rows: int) -> float:
    """The sheet read and its rows inserted, then the inspectors split from their column into a table of their own,
    as the import writes them."""
    seconds, data = import_runs.read_and_insert(path, folder, rows, 20)
    started = time.perf_counter()
    officers = [[f"o{n}-{k}", f"r{n}", name, *[None] * 7] for n, row in enumerate(data)
                for k, name in enumerate(str(row[4]).replace("，", "、").replace(" ", "、").split("、"))]
    conn = sqlite3.connect(str(folder / "raw.db"))
    conn.execute("CREATE TABLE o (id TEXT PRIMARY KEY, parent TEXT, name TEXT, c3, c4, c5, c6, c7, c8, c9)")
    with conn:
        conn.executemany(f"INSERT INTO o VALUES ({', '.join('?' * 10)})", officers)
    conn.close()
    return seconds + time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    return import_runs.run(__file__, __doc__, "inspections.xlsx", write_sheet, time_import, time_raw, lambda rows, size, counts: (
        f"inspection import, {rows:,} rows XLSX ({size // 1024} KB): {counts['inspections']} inspections, "
        f"{counts['officers']} inspectors, {counts['units']} new units, {counts['incomplete']} 待补充, "
        f"{counts['refused']} refused, {counts['warnings']} warnings"),
                           "calamine read + sqlite3 executemany, 20-column inspections and their inspectors", BUDGET_S, argv)


if __name__ == "__main__":
    sys.exit(main())
