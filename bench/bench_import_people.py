"""Benchmark: import of a 50,000-person roster (花名册; budget ≤ 10 s, issue 11).

    python bench/bench_import_people.py [--rows 50000] [--repeat 3]

Writes a roster as units keep it once (merged title row, 序号, 姓名, 身份证号 with its check digit, 单位名称 over
about 1,500 units of which most carry a credit code, 岗位类别 as offices write them, 用工形式, 入职日期 as date cells
and as text, a few 离岗日期, a footer), then times preview + apply into a fresh station, median of --repeat runs:
the rows read and checked (each 身份证号 by GB 11643, each unique in the sheet), the units matched or created,
a backup first. The raw baseline, measured in the same run: python-calamine reading the same file plus a plain
sqlite3 executemany of as many 20-column rows, in one transaction, with the station's pragmas.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

import import_runs
from import_runs import credit_code

BUDGET_S = 10.0
TODAY = dt.date(2026, 11, 29)
HEADER = ["序号", "姓名", "身份证号", "单位名称", "统一社会信用代码", "岗位类别", "用工形式", "入职日期", "离岗日期"]
ROLES = ["一般从业人员", "一般从业人员", "一般从业人员", "操作工", "班组长", "特种作业人员", "安全管理人员", "分管负责人",
         "高风险岗位操作人员"]
EMPLOYMENT = ["正式", "正式", "正式", "劳务派遣", "灵活用工", "合同工"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华国志海燕红梅春兰德胜亮斌波辉鹏宇浩凯"



def write_sheet(path: Path, rows: int, seed: int = 12) -> None:
    import openpyxl
    from stdnum.cn import ric

    rng = random.Random(seed)
    units = [(f"平江县{i:04d}号{rng.choice(['商贸', '实业', '建材', '化工', '建筑'])}有限公司",
              credit_code(rng) if rng.random() < 0.8 else None) for i in range(rows // 33 + 1)]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["平江县从业人员花名册（2026年）"])
    ws.append(HEADER)
    seen = set()
    for n in range(1, rows + 1):
        while True:
            born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(14000))
            body = f"430626{born:%Y%m%d}{rng.randrange(1000):03d}"
            if body not in seen:
                seen.add(body)
                break
        number = body + ric.calc_check_digit(body + "0")
        hired = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange((TODAY - dt.date(2010, 1, 1)).days))
        left = hired + dt.timedelta(days=rng.randrange(max((TODAY - hired).days, 1))) if rng.random() < 0.05 else None
        name, code = rng.choice(units)
        ws.append([n, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), number, name, code,
                   rng.choice(ROLES), rng.choice(EMPLOYMENT), hired if rng.random() < 0.5 else hired.isoformat(),
                   left])
    ws.append([])
    ws.append(["填表人：张三", None, None, "审核人：李四"])
    wb.save(path)


def time_import(path: Path, folder: Path) -> tuple[float, float, dict]:
    from pjdesk.services.record_import import apply_records, preview_records
    from pjdesk.services.session import init_station

    session = init_station(folder, code="430626101", operator="张三", today=lambda: TODAY)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        preview = preview_records(session, "people", path)
        result = apply_records(session, preview)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = {"people": len(result.record_ids), "units": len(result.unit_ids), "refused": len(preview.refused),
                  "warnings": len(preview.warnings)}
    finally:
        session.close()
    return elapsed, cpu, counts


def time_raw(path: Path, folder: Path, rows: int) -> float:
    return import_runs.read_and_insert(path, folder, rows, 20)[0]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--rows" not in argv:
        argv += ["--rows", "50000"]
    return import_runs.run(__file__, __doc__, "roster.xlsx", write_sheet, time_import, time_raw, lambda rows, size, counts: (
        f"roster import, {rows:,} rows XLSX ({size // 1024} KB): {counts['people']} people, {counts['units']} new units, "
        f"{counts['refused']} refused, {counts['warnings']} warnings"),
                           "calamine read + sqlite3 executemany, 20-column rows", BUDGET_S, argv)


if __name__ == "__main__":
    sys.exit(main())
