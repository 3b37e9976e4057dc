"""Filled forms built by hand, as a service would hand them over: no database, no display."""

from __future__ import annotations

import pytest

from pjdesk.forms import LEDGER, TABLE2, TABLE3, FilledForm

HEADER = dict(unit_name="安定镇", unit_code="430626101", preparer="张三", reviewer="李四", filled_date="2026-11-30")

# 危化: 37 of 40 fixed → 92.5%; 燃气: nothing found → —; 建筑施工: 2 of 8 → 25.0%.
# 合计: 39 of 48 → 81.25% → 81.3% (half up; a sum of the rates would be 117.5%).
# 按期销号率: 1 of 1, none due, 0 of 2 → 合计 1 of 3 → 33.3%.
SECTOR_ROWS = [
    dict(label="危化", general_new=5, general_fixed=4, general_found_ytd=40, general_fixed_ytd=37, general_open=3,
         major_new=1, major_found_ytd=2, major_closed=1, major_closed_on_time=1, major_due=1, major_overdue=0,
         major_supervised=1, funds=1_250_000),
    dict(label="燃气", general_new=0, general_fixed=0, general_found_ytd=0, general_fixed_ytd=0, general_open=0,
         major_new=0, major_found_ytd=0, major_closed=0, major_closed_on_time=0, major_due=0, major_overdue=0,
         major_supervised=0, funds=0),
    dict(label="建筑施工", general_new=3, general_fixed=1, general_found_ytd=8, general_fixed_ytd=2, general_open=6,
         major_new=0, major_found_ytd=2, major_closed=0, major_closed_on_time=0, major_due=2, major_overdue=2,
         major_supervised=1, funds=123_456),
]

LONG_DESCRIPTION = ("危险化学品超量储存，禁配物质混放；储罐区防雷检测过期，且未按GB 50057-2010设置防雷设施；"
                    "可燃气体报警器未与紧急切断装置联锁，报警信号未接入有人值守的控制室")
LONG_MEASURES = "清理超量物品，分区分类分库储存；委托有资质的单位检测防雷设施并出具报告；加装联锁装置并调试合格"


def major_hazard(number: int, **changes) -> dict:
    row = dict(
        hazard_no=f"430626101-2026-{number:04d}",
        unit="平江县安定化工有限公司（91430626MA4L1234XY）",
        description=LONG_DESCRIPTION,
        major_basis="《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第二十条",
        assignment_no="平安办交〔2026〕12号",
        responsible="平江县安定化工有限公司/王五",
        measures=LONG_MEASURES,
        funds=12_345_050,
        deadline="2026-12-31",
        interim_controls="停止储罐区作业，设置警戒区，安排专人24小时值守",
        progress="整改中",
        review_date=None,
        closed_date=None,
        notice="2026年11月5日县安委办通报",
    )
    row.update(changes)
    return row


def ledger_row(number: int) -> dict:
    closed = number % 3 != 0
    return dict(
        hazard_no=f"430626101-2026-{number:04d}",
        unit_name=f"平江县{number % 50:02d}号安定实业有限公司",
        description=["灭火器压力不足，指针处于红区", "电气线路私拉乱接", "安全出口上锁", LONG_DESCRIPTION][number % 4],
        location="仓库、生产车间、楼梯间",
        level="重大" if number % 17 == 0 else "一般",
        sector="工贸其他",
        source="乡镇检查",
        found_date=f"2026-03-{number % 28 + 1:02d}",
        resp_person="王五",
        measures="对压力不足的灭火器重新充装，建立灭火器月检记录",
        funds=number * 100,
        deadline="2026-04-15",
        rectified_date="2026-04-10" if closed else None,
        review_date="2026-04-12" if closed else None,
        closed_date="2026-04-13" if closed else None,
        status="销号" if closed else "整改中",
    )


@pytest.fixture
def table2():
    return FilledForm(TABLE2, period_label="2026年11月", rows=SECTOR_ROWS, **HEADER)


@pytest.fixture
def table3():
    rows = [major_hazard(7), major_hazard(8, progress="销号", review_date="2026-11-20", closed_date="2026-11-25"),
            major_hazard(9, funds=None)]
    return FilledForm(TABLE3, period_label="2026年11月", rows=rows, **HEADER)


@pytest.fixture
def ledger():
    return FilledForm(LEDGER, period_label="2026年1月—11月", rows=[ledger_row(n) for n in range(1, 601)], **HEADER)
