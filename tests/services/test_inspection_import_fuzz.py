"""Fuzzing the inspection sheet import (seeded), as tests/services/test_spreadsheet_fuzz.py does the ledger's:
malformed sheets built from a real inspection sheet — cut short, bytes flipped in the file and in its sheet XML,
zip bombs, cells far off the grid, formulas without results, impossible dates and inspectors, files that are not
spreadsheets. Each is refused with a message in Chinese that says what to do, or read; none takes 10 s, none
raises anything but PjdeskError, and the station's database is the same afterwards, row for row.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from pjdesk.services.record_import import preview_records
from tests.services.fuzz_cases import (
    Cases,
    assert_each_refused_or_read,
    assert_many_of_every_kind,
    damaged_files,
    fuzz_station,
    write_sheet,
    write_xls,
)
from tests.services.test_spreadsheet_fuzz import EITHER, ROWS_REFUSED

SEED = 20261207
HEADER = ["序号", "检查日期", "被检查单位", "统一社会信用代码", "检查人员", "检查方式", "检查内容", "发现问题", "处理措施"]
GOOD = [
    [1, dt.date(2026, 3, 5), "安定镇便民超市", None, "张三、李四", "日常巡查", "消防", "灭火器过期", "责令更换"],
    [2, "2026/3/6", "平江县安定化工有限公司", "91310110666007217T", "张三，王五", "双随机", "危化", "防雷未检测", "限期整改"],
    [3, "2026年3月9日", "安定镇福寿宾馆", None, "李四 赵六", "专项检查", "燃气", "管道老化", "限期整改"],
]


def sheet(path: Path, lines) -> Path:
    return write_sheet(path, "检查台账", "安定镇安全生产检查台账", HEADER, lines)


def build_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    rng = random.Random(SEED)
    good = sheet(folder / "检查台账.xlsx", GOOD)
    xls = write_xls(folder / "检查台账.xls", "检查台账", HEADER, GOOD)
    cases = Cases(folder)
    add = cases.add
    damaged_files(cases, good, xls, rng)

    # What the import must refuse row by row: formulas, impossible dates, one inspector for an enforcement
    # check, a mode no office uses, every column filled with something else.
    add("formulas-without-results", sheet(folder / "work.xlsx", [
        [1, "=DATE(2026,3,5)", "甲公司", None, "张三、李四", "日常巡查", None, None, None],
        [2, "2026-03-05", '=CONCATENATE("乙","公司")', None, "张三、李四", "日常巡查", None, None, None]]), ROWS_REFUSED)
    add("impossible-values", sheet(folder / "work.xlsx", [
        [1, "0001-01-01", "甲公司", None, "张三、李四", "日常巡查", None, None, None],
        [2, dt.datetime(1900, 1, 1), "乙公司", None, "张三、李四", "日常巡查", None, None, None],
        [3, "2024-03-05 25:00", "丙公司", None, "张三、李四", "日常巡查", None, None, None],
        [4, "2099-03-05", "丁公司", None, "张三、李四", "日常巡查", None, None, None],
        [5, "2026-03-05", "戊公司", None, "张三", "计划执法", None, None, None],
        [6, "2026-03-05", "己公司", None, "张三、李四", "上门服务", None, None, None],
        [7, "2026-03-05", "庚" * 500, None, "张三、李四", "日常巡查", None, None, None]]), ROWS_REFUSED)
    shuffled = []
    for n in range(20):
        cells = [rng.choice([None, "", "/", "无", 3.5, -1, dt.date(1999, 1, 1), "2026-02-30", "张三、", "、、、",
                             "=1", "单位" * rng.randint(1, 80), "双随机一公开", "执法"]) for _ in HEADER[1:]]
        shuffled.append([n + 1, *cells])
    add("random-cells", sheet(folder / "work.xlsx", shuffled), EITHER)
    return cases


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return build_cases(tmp_path_factory.mktemp("fuzz-inspections"))


station = pytest.fixture(scope="module")(fuzz_station)


def test_the_cases_are_many_and_of_every_kind(cases):
    assert_many_of_every_kind(cases)


def test_the_good_sheet_is_read_whole(cases, station):
    preview = preview_records(station, "inspections", cases["bytes-flipped-0"][0].with_name("检查台账.xlsx"))
    assert not preview.refused and preview.records == 3


def test_every_case_is_refused_with_a_message_or_read(cases, station):
    assert_each_refused_or_read(station, "inspections", cases)


def test_the_impossible_values_are_each_named_by_their_row(cases, station):
    preview = preview_records(station, "inspections", cases["impossible-values"][0])
    reasons = {issue.row: issue.reason for issue in preview.refused}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert reasons[3] == "检查日期“0001-01-01”早于 2000 年，不是有效日期，请核对"
    assert reasons[6] == "检查日期不能晚于今天"
    assert reasons[7] == "执法检查须有两名以上执法人员，请填写检查人员"
    assert reasons[8].startswith("检查方式“上门服务”无法识别")
    assert "单位名称过长" in reasons[9]
