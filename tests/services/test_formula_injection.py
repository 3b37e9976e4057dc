"""Every XLSX pjdesk writes stores the officer's text as text (issue: formula injection).

A unit name, a description or a 责任人 such as ``=HYPERLINK("http://x","点击")`` or ``=cmd|' /C calc'!A0``
is what was typed; written as a formula, Excel or WPS would run it when the file is opened. Each form (表2,
表3, 台账, the county's 表2（汇总） and 排名) and the ledger export is written with these texts in every place
user text reaches, then read back cell by cell: each such cell is a string holding exactly the text, and no
cell anywhere is a formula (pjdesk writes none: its totals and rates are computed before writing).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pjdesk.core.hazard import HazardFilter
from pjdesk.core.periods import Month
from pjdesk.services import hazards as hz
from pjdesk.services import returns
from pjdesk.services.ledger_export import export_ledger
from pjdesk.services.session import init_station, set_operator
from pjdesk.services.units import save_unit
from tests.conftest import TODAY

PAYLOADS = ('=HYPERLINK("http://x","点击")', "=cmd|' /C calc'!A0", "=1+1", "+1+1", "-1+1", "@SUM(A1)")
NOVEMBER, OCTOBER = Month(2026, 11), Month(2026, 10)
# Every text field of a hazard that a form or the export shows.
TEXT_FIELDS = ("description", "location", "found_by", "resp_unit", "resp_person", "measures", "interim_controls",
               "emergency_plan", "major_basis", "assignment_no", "notice_record", "note")


@pytest.fixture
def township(session):
    set_operator(session, PAYLOADS[3])
    returns.set_reviewer(session, PAYLOADS[2])
    for day, text in enumerate(PAYLOADS, start=1):
        unit = save_unit(session, {"name": text, "sector": "危化", "is_high_risk": 1}).id
        hz.record_hazard(session, {"unit_id": unit, "found_date": f"2026-11-{day:02d}", "deadline": "2026-12-31",
                                   "level": "重大", "funds": 100_00, **{f: text for f in TEXT_FIELDS}})
    return session


@pytest.fixture
def county(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator=PAYLOADS[5], county=True, today=lambda: TODAY)
    returns.set_reviewer(county, PAYLOADS[1])
    yield county
    county.close()


def cells(path: Path) -> list:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_only(path: Path, *, whole: tuple[str, ...] = (), within: tuple[str, ...] = ()) -> None:
    """No formula anywhere; every cell holding a payload is a string; each of ``whole`` fills some cell
    exactly, each of ``within`` appears inside some cell (a 填报人 line)."""
    read = cells(path)
    assert [c.coordinate for c in read if c.data_type == "f"] == [], path.name
    for payload in PAYLOADS:
        holding = [c for c in read if isinstance(c.value, str) and payload in c.value]
        assert all(c.data_type == "s" for c in holding), [(c.coordinate, c.data_type, c.value) for c in holding]
        if payload in whole:
            assert any(c.value == payload for c in holding), f"{payload} in no cell of {path.name}"
        if payload in within:
            assert holding, f"{payload} nowhere in {path.name}"


@pytest.mark.parametrize("form", ["表2", "表3", "台账"])
def test_the_townships_returns_store_text_as_text(township, tmp_path, form):
    built = returns.build_return(township, form, NOVEMBER, tmp_path / "out")
    # 表2 counts by sector: the officer's text reaches it only as 填报人 and 审核人.
    whole = () if form == "表2" else PAYLOADS
    assert_text_only(built.xlsx, whole=whole, within=(PAYLOADS[2], PAYLOADS[3]))


def test_the_ledger_shows_each_text_in_its_own_cells(township, tmp_path):
    built = returns.build_return(township, "台账", NOVEMBER, tmp_path / "out")
    read = cells(built.xlsx)
    for payload in PAYLOADS:
        # 单位名称, 隐患描述, 部位, 整改责任人, 整改措施
        assert [c.data_type for c in read if c.value == payload] == ["s"] * 5, payload


@pytest.mark.parametrize("form", ["表2", "排名"])
def test_the_countys_forms_store_text_as_text(county, tmp_path, form):
    built = returns.build_return(county, form, OCTOBER, tmp_path / "out")
    assert_text_only(built.xlsx, within=(PAYLOADS[1], PAYLOADS[5]))


def test_the_ledger_export_stores_text_as_text(township, tmp_path):
    path = tmp_path / "台账导出.xlsx"
    assert export_ledger(township, path) == len(PAYLOADS)
    assert_text_only(path, whole=PAYLOADS)
    searched = tmp_path / "筛选.xlsx"
    export_ledger(township, searched, HazardFilter(text="+1+1"))
    assert_text_only(searched, whole=("+1+1",))


def test_a_text_that_reads_as_an_error_value_or_holds_a_control_character_is_written(township, tmp_path):
    unit = save_unit(township, {"name": "#N/A", "sector": "危化"}).id
    hz.record_hazard(township, {"unit_id": unit, "found_date": "2026-11-20", "description": "配电箱\x0b未接地"})
    built = returns.build_return(township, "台账", NOVEMBER, tmp_path / "out")
    read = cells(built.xlsx)
    assert [(c.data_type, c.value) for c in read if c.value == "#N/A"] == [("s", "#N/A")]
    assert [c.value for c in read if isinstance(c.value, str) and "未接地" in c.value] == ["配电箱未接地"]
