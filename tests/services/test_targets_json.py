"""T05, T25 and T26 at a month's end against hand counts (an enforcement check in December does not count for
November, 日常巡查 never counts for T05, a closed unit leaves T05, a unit closed after the month's end still
counted in it), and ``targets --json``: one form for every target the program computes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from pjdesk.core.inspection import INSPECTION
from pjdesk.core.periods import Month
from pjdesk.core.townships import townships
from pjdesk.indicators import rules, targets
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.targets import target_status, targets_json
from pjdesk.services.units import save_unit
from tests.conftest import TOWNSHIP

OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]
PLAN_ROWS = {"G1", "G2", "M1", *(f"T{n:02d}" for n in range(1, 53))}
KEYS = {"id", "name", "value", "numerator", "denominator", "target", "comparator", "met", "note"}


def inspect(session, unit, date, mode):
    officers = OFFICERS[:1] if mode == "日常巡查" else OFFICERS
    return save_record(session, INSPECTION, {"unit_id": unit, "date": date, "mode": mode, "officers": officers}).id


@pytest.fixture
def december(tmp_path, set_now):
    """A township on 10 December 2026 whose units were entered on 2 November; counted by hand below."""
    session = init_station(tmp_path / "station", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 12, 10))
    set_now("2026-11-02 09:00:00")
    unit = {name: save_unit(session, {"name": name, "sector": sector, "is_high_risk": high_risk, "status": status}).id
            for name, sector, high_risk, status in (
                ("安定化工厂", "危化", 1, "正常"), ("安定烟花店", "烟花爆竹", 1, "停产"),
                ("安定加油站", "危化", 1, "关闭"), ("安定液化气站", "燃气", 1, "正常"),
                ("安定机械厂", "工贸其他", 0, "正常"))}
    inspect(session, unit["安定化工厂"], "2026-03-10", "计划执法")
    inspect(session, unit["安定烟花店"], "2026-11-05", "日常巡查")
    inspect(session, unit["安定加油站"], "2026-11-06", "双随机")
    inspect(session, unit["安定机械厂"], "2026-11-07", "双随机")
    inspect(session, unit["安定机械厂"], "2025-12-20", "计划执法")  # last year
    set_now("2026-12-03 09:00:00")
    save_unit(session, {"status": "关闭"}, unit["安定液化气站"])  # closed after November had ended
    inspect(session, unit["安定液化气站"], "2026-12-02", "专项检查")
    inspect(session, unit["安定烟花店"], "2026-12-04", "举报核查")
    yield session
    session.close()


def measured(session, month):
    return {e.target.id: (e.measure.numerator, e.measure.denominator, e.met) for e in target_status(session, month)}


def test_november_counts_checks_to_its_end_and_units_as_they_stood_then(december):
    got = measured(december, Month(2026, 11))
    # High-risk units still supervised at 30 November: 化工厂, 烟花店 (停产) and 液化气站 (closed only on 3
    # December); the 加油站 was closed. Checked by enforcement since 1 January: only the 化工厂 (the 烟花店's
    # check was 日常巡查, the 液化气站's is dated December).
    assert got["T05"] == (1, 3, False)
    assert got["T25"] == (1, None, None), "the 机械厂's 计划执法 was last year; a township's count is not judged"
    assert got["T26"] == (2, None, None), "the closed 加油站 was checked: T26 counts every unit"


def test_december_to_today(december):
    got = measured(december, Month(2026, 12))
    # The 液化气站 is closed now; the 烟花店 had its 举报核查 on 4 December.
    assert got["T05"] == (2, 2, True)
    assert got["T25"] == (1, None, None) and got["T26"] == (2, None, None)


def test_no_check_yet_is_no_data_for_the_counts_but_zero_coverage(december):
    got = measured(december, Month(2026, 2))
    assert got["T05"] == (0, 3, False), "units entered later count with the status they were entered with"
    assert got["T25"] == got["T26"] == (None, None, None)


def test_targets_json_lists_every_row_of_the_plan_in_one_form(december):
    entries = targets_json(december, Month(2026, 11))
    plan = targets()
    assert [e["id"] for e in entries] == [t.id for t in plan]
    assert {t.id.rstrip("ab") for t in plan} == PLAN_ROWS, "the 55 rows of the plan (T18 and T40 as two each)"
    assert {t.id for t in plan if not t.entered} == set(rules()), "every row is computed or entered"
    for entry in entries:
        assert set(entry) == KEYS, entry["id"]
        assert entry["met"] in (True, False, None) and entry["note"]
    by_id = {e["id"]: e for e in entries}
    assert by_id["T05"]["value"] == pytest.approx(1 / 3) and by_id["T05"]["target"] == 1.0
    assert "年内至少执法检查一次的高危企业数 1 ÷ 高危企业总数 3" in by_id["T05"]["note"]
    assert (by_id["T25"]["value"], by_id["T25"]["denominator"], by_id["T25"]["target"]) == (1, None, None)
    assert "全县目标 ≥52家" in by_id["T25"]["note"]
    assert by_id["T01"]["value"] is None and by_id["T01"]["met"] is None, "nothing due: no data"
    assert by_id["T01"]["note"].startswith("暂无数据")
    assert by_id["T36"]["value"] is None and by_id["T36"]["note"].startswith("暂无数据"), "nothing entered yet"


def test_on_the_county_every_target_also_comes_by_township(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True,
                          today=lambda: dt.date(2026, 11, 29))
    entries = targets_json(county, Month(2026, 11))
    t25 = next(e for e in entries if e["id"] == "T25")
    assert (t25["value"], t25["target"], t25["met"]) == (None, 52, None), "no check recorded: no data"
    roster = [t.code for t in townships()]
    for entry in entries:
        assert [part["township"] for part in entry["by_township"]] == roster
        assert entry["by_township"][0]["township_name"] == "汉昌街道"
        for part in entry["by_township"]:
            assert set(part) == KEYS | {"township", "township_name"} and part["id"] == entry["id"]
    county.close()


def test_the_command_prints_the_json(december, tmp_path):
    december.close()
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(tmp_path / "station"), "targets",
                           "--month", "2026-11", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    entries = {e["id"]: e for e in json.loads(done.stdout)}
    assert all(set(e) == KEYS for e in entries.values())
    assert (entries["T05"]["numerator"], entries["T05"]["denominator"], entries["T05"]["met"]) == (1, 3, False)
    bad = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(tmp_path / "station"), "targets",
                          "--month", "2026-13"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "格式不对" in bad.stderr and "Traceback" not in bad.stderr
