"""Fuzzing the roster (花名册) import, seeded, as tests/services/test_inspection_import_fuzz.py does the inspection
sheet's: a real roster cut short, bytes flipped in the file and in its sheet XML, a zip bomb, a cell far off the
grid, formulas without results, impossible ID numbers and dates, random cells. Each is refused with a message in
Chinese, or read; none takes 10 s, none raises anything but PjdeskError, and the database is unchanged.
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

SEED = 20261208
HEADER = ["序号", "姓名", "身份证号", "单位名称", "统一社会信用代码", "岗位类别", "用工形式", "入职日期", "离岗日期"]
GOOD = [
    [1, "张三", "430626199001011236", "平江县安定化工有限公司", "91310110666007217T", "专职安全管理人员", "正式",
     dt.date(2020, 3, 1), None],
    [2, "李四", "430626198507150028", "平江县安定化工有限公司", None, "特种作业人员", "劳务派遣", "2026/2/1", None],
    [3, "王五", None, "安定镇福寿宾馆", None, "一般从业人员", "灵活用工", "2019年5月1日", "2026-06-30"],
]


def sheet(path: Path, lines) -> Path:
    return write_sheet(path, "花名册", "安定镇从业人员花名册", HEADER, lines)


def build_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    rng = random.Random(SEED)
    good = sheet(folder / "花名册.xlsx", GOOD)
    xls = write_xls(folder / "花名册.xls", "花名册", HEADER, GOOD)
    cases = Cases(folder)
    add = cases.add
    damaged_files(cases, good, xls, rng)

    add("formulas-without-results", sheet(folder / "work.xlsx", [
        [1, "张三", '=CONCATENATE("4306","26199001011236")', "甲公司", None, "班组长", "正式", None, None],
        [2, "李四", None, "乙公司", None, "班组长", "正式", "=DATE(2026,3,5)", None]]), ROWS_REFUSED)
    add("impossible-values", sheet(folder / "work.xlsx", [
        [1, "张三", "430626199001011231", "甲公司", None, "班组长", "正式", None, None],
        [2, "李四", "43062619900101", "乙公司", None, "班组长", "正式", None, None],
        [3, "王五", None, "丙公司", None, "班组长", "正式", "2099-01-01", None],
        [4, "赵六", None, "丁公司", None, "班组长", "正式", "2026-03-01", "2026-02-01"],
        [5, "钱七", 430626199001011236, "戊公司", None, "班组长", "正式", None, None],
        [6, "孙" * 40, None, "己公司", None, "班组长", "正式", None, None]]), ROWS_REFUSED)
    shuffled = []
    for n in range(20):
        cells = [rng.choice([None, "", "/", "无", 3.5, -1, 430626199001011236, dt.date(1999, 1, 1), "2026-02-30",
                             "X" * 18, "=1", "单位" * rng.randint(1, 80), "劳务派遣", "特种作业人员", "张三"])
                 for _ in HEADER[1:]]
        shuffled.append([n + 1, *cells])
    add("random-cells", sheet(folder / "work.xlsx", shuffled), EITHER)
    return cases


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return build_cases(tmp_path_factory.mktemp("fuzz-roster"))


station = pytest.fixture(scope="module")(fuzz_station)


def test_the_cases_are_many_and_of_every_kind(cases):
    assert_many_of_every_kind(cases)


def test_the_good_roster_is_read_whole(cases, station):
    preview = preview_records(station, "people", cases["bytes-flipped-0"][0].with_name("花名册.xlsx"))
    assert not preview.refused and preview.records == 3 and preview.new_units == 2


def test_every_case_is_refused_with_a_message_or_read(cases, station):
    assert_each_refused_or_read(station, "people", cases)


def test_the_impossible_values_are_each_named_by_their_row(cases, station):
    preview = preview_records(station, "people", cases["impossible-values"][0])
    reasons = {issue.row: issue.reason for issue in preview.refused}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "校验位错误（应为 6）" in reasons[3]
    assert "证件说明" in reasons[4]
    assert reasons[5] == "入职日期不能晚于今天"
    assert reasons[6] == "离岗日期不能早于入职日期"
    assert "姓名过长" in reasons[8]
    assert reasons[7].startswith("身份证号在 Excel 中存成了数字，15 位以后的数字已丢失")
