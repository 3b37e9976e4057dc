"""A township that has not sent the county its file for the month: the ranking does not score it on the old
figures the county holds (it was ranked 1st at 100.0), and the 汇总 marks its row 未报送 and leaves it out of
合计."""

from __future__ import annotations

import datetime as dt

import pytest

from pjdesk.core.periods import Month
from pjdesk.core.townships import township
from pjdesk.indicators import Measure
from pjdesk.services import hazards as hz
from pjdesk.services import ranking, sync
from pjdesk.services.form_output import table_of
from pjdesk.services.ranking import Indicator, RankingConfig, Standing
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.services.unreported import county_table2, unreported_townships
from tests.conftest import TODAY
from tests.services.test_ranking import township_with

OCTOBER = Month(2026, 10)
SILENT = "430626104"  # sent September's file, not October's


@pytest.fixture
def county(tmp_path):
    day = [dt.date(2026, 10, 3)]
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: day[0])
    # Early in October the silent township reports September: one general hazard, found and fixed.
    silent = init_station(tmp_path / SILENT, code=SILENT, operator="站长", today=lambda: day[0])
    unit = save_unit(silent, {"name": "砖厂", "sector": "工贸其他"}).id
    for found, fixed in (("2026-09-01", "2026-09-05"), ("2026-09-02", "2026-09-06")):
        hazard = hz.record_hazard(silent, {"unit_id": unit, "description": "配电箱未接地", "found_date": found}).id
        hz.notify_rectification(silent, hazard, found)
        hz.complete_rectification(silent, hazard, fixed)
    [result] = sync.import_bundles(county, [sync.export_bundle(silent, tmp_path / "usb")], trust_new=True)
    assert result.status == "accepted", result.message
    day[0] = TODAY  # late November: three townships report October; the silent one sends nothing more
    towns = [township_with(tmp_path, "430626101", [("2026-03-02", "2026-03-10"), ("2026-10-05", None)]),
             township_with(tmp_path, "430626102", [("2026-09-01", "2026-10-20")]),
             township_with(tmp_path, "430626103", [("2026-10-10", "2026-11-02")])]
    for town in towns:
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb2")], trust_new=True)
        assert result.status == "accepted", result.message
    return county


def test_the_townships_without_the_months_file_are_named(county):
    missing = unreported_townships(county, OCTOBER)
    assert missing[SILENT] == "未报送"
    assert not {"430626101", "430626102", "430626103"} & set(missing)
    assert SILENT not in unreported_townships(county, Month(2026, 9))


def test_a_silent_township_is_not_ranked_first_on_old_figures(county):
    result = ranking.rank_month(county, OCTOBER)
    silent = next(s for s in result.standings if s.code == SILENT)
    assert silent.score is None and silent.unreported == "未报送"
    assert silent.rank == 4, "after the three that reported, sharing the last place (the default)"
    assert result.standings[0].name == "三市镇" and result.standings[0].score == 100.0
    filled = ranking.fill_ranking(county, OCTOBER, result)
    row = next(r for r in filled.rows if r["label"] == township(SILENT).name)
    assert row["score"] == "未报送" and row["rank"] == 4
    assert all(row[f"v_{i.id}"] is None for i in result.config.counted), "no stale rate printed"
    assert any("未报送本月交换文件" in note and township(SILENT).name in note for note in filled.notes)


def test_the_county_may_list_silent_townships_outside_the_ranking(county):
    weights = {i.id: i.weight for i in ranking.default_config().indicators}
    ranking.set_ranking_config(county, weights, 3, unreported=ranking.UNREPORTED_OUTSIDE)
    assert ranking.ranking_config(county).unreported == "outside"
    result = ranking.rank_month(county, OCTOBER)
    silent = next(s for s in result.standings if s.code == SILENT)
    assert silent.rank is None and silent.score_text == "未报送"
    assert [s.rank for s in result.standings[:3]] == [1, 2, 3]
    assert "不参加排名" in ranking.unreported_note(result)
    with pytest.raises(Exception, match="未报送乡镇的排法"):
        ranking.set_ranking_config(county, weights, 3, unreported="first")


def test_a_silent_township_counts_for_the_interview_before_the_lowest_score():
    config = RankingConfig((Indicator("a", "甲", 1),), interview=1, min_ranked=2)
    standings = [Standing("1", "甲镇", {"a": Measure(1, 2)}, 50.0), Standing("2", "乙镇", {"a": Measure(1, 1)}, 100.0),
                 Standing("3", "丙镇", {"a": Measure(None, 0)}, None, unreported="未报送"),
                 Standing("4", "丁镇", {"a": Measure(None, 0)}, None, unreported="待报送")]
    placed = {s.name: (s.rank, s.interview) for s in ranking.place(standings, config)}
    assert placed == {"乙镇": (1, False), "甲镇": (2, False), "丙镇": (3, True), "丁镇": (None, False)}
    outside = ranking.place(standings, RankingConfig(config.indicators, 1, 2, ranking.UNREPORTED_OUTSIDE))
    assert {s.name: (s.rank, s.interview) for s in outside} == {
        "乙镇": (1, False), "甲镇": (2, True), "丙镇": (None, False), "丁镇": (None, False)}


def test_the_summary_marks_the_silent_township_and_leaves_it_out_of_the_total(county):
    filled = county_table2(county, OCTOBER)
    name = township(SILENT).name
    [row] = [r for r in filled.rows if r["label"].startswith(name)]
    assert row["label"] == f"{name}（未报送）"
    table = table_of(filled)
    [shown] = [r for r in table.body if r[0].text.startswith(name)]
    assert not any(c.text.strip("—") for c in shown[1:]), "no stale figure on its row"
    reported = {r["label"]: r for r in filled.rows if not r["label"].endswith("）")}
    assert filled.total["general_found_ytd"] == sum(r["general_found_ytd"] for r in reported.values())
    assert any(name in note and "不计入合计" in note for note in filled.notes)


def test_the_county_table2_built_from_the_command_line_marks_it_too(county, tmp_path):
    """``pjdesk return build --form 表2`` at the county writes the same 汇总 as the 汇总 page: 未报送, no figures."""
    import openpyxl

    from pjdesk.services.returns import build_return

    built = build_return(county, "表2", OCTOBER, tmp_path / "out")
    name = township(SILENT).name
    assert any(r["label"] == f"{name}（未报送）" for r in built.filled.rows)
    cells = [c for row in openpyxl.load_workbook(built.xlsx).active.iter_rows(values_only=True) for c in row]
    assert f"{name}（未报送）" in cells
