"""排名: scores from the hazard indicators, places with ties, 约谈 for the bottom, weights set by the county."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.indicators import Measure
from pjdesk.services import hazards as hz
from pjdesk.services import ranking, returns, sync
from pjdesk.services.ranking import Indicator, RankingConfig, Standing
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from tests.conftest import TODAY

OCTOBER = Month(2026, 10)


def township_with(tmp_path, code, found_and_fixed):
    """A township whose general hazards were found (and, where a date is given, rectified) on these days."""
    session = init_station(tmp_path / code, code=code, operator="站长", today=lambda: TODAY)
    unit = save_unit(session, {"name": f"{code} 砖厂", "sector": "工贸其他"}).id
    for found, fixed in found_and_fixed:
        hazard = hz.record_hazard(session, {"unit_id": unit, "description": "配电箱未接地", "found_date": found}).id
        if fixed:
            hz.notify_rectification(session, hazard, found)
            hz.complete_rectification(session, hazard, fixed)
    return session


@pytest.fixture
def county(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    towns = [township_with(tmp_path, "430626101", [("2026-03-02", "2026-03-10"), ("2026-10-05", None)]),
             township_with(tmp_path, "430626102", [("2026-09-01", "2026-10-20")]),
             township_with(tmp_path, "430626103", [("2026-10-10", "2026-11-02")])]
    for town in towns:
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message
    return county


def test_the_county_ranks_townships_by_their_rates_as_of_the_months_end(county):
    result = ranking.rank_month(county, OCTOBER)
    placed = {s.name: (s.rank, s.score) for s in result.standings if s.score is not None}
    # 三市镇 fixed its one hazard in October (100%); 安定镇 one of two (50%); 加义镇 fixed its own only in
    # November, so as of 31 October it stands at 0%.
    assert placed == {"三市镇": (1, 100.0), "安定镇": (2, 50.0), "加义镇": (3, 0.0)}
    anding = next(s for s in result.standings if s.name == "安定镇")
    assert anding.measures["general_fix_rate"] == Measure(1, 2)
    assert anding.measures["major_on_time_rate"] == Measure(0, 0), "no major hazard due: no data, not 0%"
    # The other townships sent nothing for October: 未报送, sharing the place after the ranked (the default).
    behind = [s for s in result.standings if s.score is None]
    assert len(behind) == len(result.standings) - 3
    assert {(s.rank, s.unreported, s.score_text) for s in behind} == {(4, "未报送", "未报送")}
    assert not result.interviewed, "three ranked townships are too few to mark a bottom three"
    assert [s.name for s in result.standings[:3]] == ["三市镇", "安定镇", "加义镇"]


def test_weights_are_county_data_and_change_the_scores(county, tmp_path):
    config = ranking.set_ranking_config(county, {"general_fix_rate": 0, "T01": 5}, interview=2)
    assert {i.id: i.weight for i in config.counted}["T01"] == 5 and "general_fix_rate" not in {
        i.id for i in config.counted}
    assert ranking.ranking_config(county).interview == 2
    result = ranking.rank_month(county, OCTOBER)
    assert all(s.rank is None for s in result.standings if not s.unreported), \
        "with 整改率 left out nobody has data left"
    with pytest.raises(PjdeskError, match="0 至 100"):
        ranking.set_ranking_config(county, {"T01": -1}, interview=3)
    with pytest.raises(PjdeskError, match="没有这些排名指标"):
        ranking.set_ranking_config(county, {"T99": 1}, interview=3)
    with pytest.raises(PjdeskError, match="至少要有一项"):
        ranking.set_ranking_config(county, {i.id: 0 for i in ranking.default_config().indicators}, interview=3)
    town = init_station(tmp_path / "t", code="430626104", operator="站长", today=lambda: TODAY)
    with pytest.raises(PjdeskError, match="县级"):
        ranking.set_ranking_config(town, {"T01": 1}, interview=3)
    with pytest.raises(PjdeskError, match="县级"):
        ranking.rank_month(town, OCTOBER)


def _standing(name, score):
    return Standing(name, name, {}, score)


def test_the_bottom_three_are_marked_for_interview_with_ties_sharing_a_place():
    config = RankingConfig((Indicator("general_fix_rate", "整改率", 1),), interview=3, min_ranked=6)
    scores = {"甲": 98.0, "乙": 91.5, "丙": 91.5, "丁": 80.0, "戊": 75.0, "己": 60.0, "庚": 60.0, "辛": None}
    placed = ranking.place([_standing(n, s) for n, s in scores.items()], config)
    assert [(s.name, s.rank, s.interview) for s in placed] == [
        ("甲", 1, False), ("乙", 2, False), ("丙", 2, False), ("丁", 4, False),
        ("戊", 5, True), ("己", 6, True), ("庚", 6, True), ("辛", None, False)]
    few = ranking.place([_standing(n, s) for n, s in list(scores.items())[:4]], config)
    assert not any(s.interview for s in few), "fewer ranked than min_ranked: nobody marked"


def test_score_is_the_weighted_mean_of_the_indicators_with_data():
    config = RankingConfig((Indicator("a", "甲", 3), Indicator("b", "乙", 1), Indicator("c", "丙", 0)), 3, 1)
    assert ranking.score({"a": Measure(1, 2), "b": Measure(1, 1), "c": Measure(0, 5)}, config) == 62.5
    assert ranking.score({"a": Measure(0, 0), "b": Measure(1, 4), "c": Measure(0, 5)}, config) == 25.0
    assert ranking.score({"a": Measure(0, 0), "b": Measure(0, 0), "c": Measure(3, 5)}, config) is None


def test_the_ranking_prints_to_pdf_and_xlsx(county, tmp_path):
    built = returns.build_return(county, "排名", OCTOBER, tmp_path / "out")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(built.pdf).pages).split())
    assert "乡镇（街道）安全生产工作月度排名表" in text and "2026年10月" in text
    assert "三市镇" in text and "100.0" in text and "一般隐患整改率" in text and "无数据" in text
    sheet = load_workbook(built.xlsx).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    anding = next(r for r in rows if "安定镇" in r)
    assert 2 in anding and "50.0" in anding and 0.5 in anding


def test_return_build_on_the_county_includes_the_ranking(county, tmp_path):
    assert "排名" in returns.available_forms(county)
    town = init_station(tmp_path / "t", code="430626104", operator="站长", today=lambda: TODAY)
    assert "排名" not in returns.available_forms(town)
    with pytest.raises(PjdeskError, match="没有“排名”"):
        returns.fill_form(town, "排名", OCTOBER)


def test_the_rankings_sent_down_cover_the_last_three_months(county):
    sent = ranking.for_send_down(county)
    assert sorted(sent["months"]) == ["2026-08", "2026-09", "2026-10"]
    top = sent["months"]["2026-10"][0]
    assert (top["name"], top["rank"], top["score"], top["measures"]["general_fix_rate"]) == ("三市镇", 1, 100.0, [1, 1])
    assert sent["config"]["interview"] == 3


def test_any_rate_of_the_plan_may_rank_the_townships(tmp_path):
    """The county weighs a rate that is not the ledger's (T48: the township has built its 乡镇应急队伍): the
    townships are scored on it as the 目标 page counts it, and an indicator it did not weigh counts nothing."""
    from pjdesk.core.emergency import TEAM
    from pjdesk.services.records import save_record

    offered = {i.id for i in ranking.default_config().indicators}
    assert {"T05", "T17", "T48", "T52"} <= offered and not {"T43", "G1", "T25"} & offered  # rates, higher better
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    anding = township_with(tmp_path, "430626101", [("2026-10-02", "2026-10-09")])
    sanshi = township_with(tmp_path, "430626102", [("2026-10-03", "2026-10-08")])
    save_record(anding, TEAM, {"name": "安定镇应急救援队", "type": "乡镇应急队伍", "founded": "2026-05-01"})
    for town in (anding, sanshi):
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message
    weights = {i.id: 0 for i in ranking.default_config().indicators} | {"T48": 100}
    ranking.set_ranking_config(county, weights, 0)
    placed = {s.name: (s.rank, s.score) for s in ranking.rank_month(county, OCTOBER).standings if s.score is not None}
    assert placed == {"安定镇": (1, 100.0), "三市镇": (2, 0.0)}
    with pytest.raises(PjdeskError, match="没有这些排名指标：G1"):
        ranking.set_ranking_config(county, {"G1": 10}, 3)
