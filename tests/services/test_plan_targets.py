"""The targets computed from the plan's remaining records and the units' marks, against hand counts: G1, G2,
T07, T08 (year on year from last year's records, and 无记录 when none was kept), T23, T24, T42, T43, T06, T46,
M1, T28, T30, T44, T50; and the entered rows (目标进展): the latest period of the year, a township's own
rows, the county's rows sent down, the county's sum of the townships'."""

from __future__ import annotations

import datetime as dt

import pytest

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.kinds import KINDS
from pjdesk.core.periods import Month
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.targets import set_target_edits, target_status, targets_json, township_status
from pjdesk.services.units import save_unit
from tests.conftest import TOWNSHIP

COUNTY = "430626"


def add(session, kind, **values):
    return save_record(session, KINDS[kind], values).id


def accident(session, occurred, *, industry="制造业", production=1, deaths=0, missing=0, serious=0, disaster=0):
    return add(session, "accident", occurred=occurred, party_name="某施工队", industry=industry, category="物体打击",
               is_production=production, is_disaster=disaster, deaths=deaths, missing=missing, serious=serious,
               summary="事故简况")


@pytest.fixture
def township(tmp_path):
    session = init_station(tmp_path / "station", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 12, 10))
    yield session
    session.close()


@pytest.fixture
def recorded(township):
    s = township
    # Accidents. Last year to 30 November: two production accidents (one 建筑业, 1 dead); one in December.
    accident(s, "2025-03-01", industry="建筑业", deaths=1)
    accident(s, "2025-06-01")
    accident(s, "2025-12-05", deaths=2)
    # This year: one 较大 (3 dead, 1 missing) in 建筑业; a natural-disaster death is not a production accident.
    accident(s, "2026-04-01", industry="建筑业", deaths=3, missing=1)
    accident(s, "2026-11-20", production=0, disaster=1, deaths=2)
    # Road checks: 135 of 150 riders helmeted (90%), 5 of 50 vehicles modified (10%); last year's not counted.
    add(s, "road_check", date="2026-05-01", place="106国道", riders=100, helmeted=85, vehicles=40, modified=2)
    add(s, "road_check", date="2026-11-02", place="安定大道", riders=50, helmeted=50, vehicles=10, modified=3)
    add(s, "road_check", date="2025-11-02", place="安定大道", riders=50, helmeted=0, vehicles=10, modified=10)
    # Fires: two last year to 30 November, one this year (1.5 ha of forest).
    add(s, "fire", date="2025-02-10", village="安定村", burned_ha100=300, forest_ha100=200)
    add(s, "fire", date="2025-03-01", village="安定村", burned_ha100=50, forest_ha100=0)
    add(s, "fire", date="2026-03-01", village="安定村", burned_ha100=200, forest_ha100=150)
    # Exposures of the fourth quarter: batch 第3批 twice and one without a batch — 2 batches; one in Q3.
    add(s, "exposure", date="2026-10-10", party_name="某非法加油点", facts="无证经营", batch="第3批")
    add(s, "exposure", date="2026-11-05", party_name="某非法作坊", facts="无证生产", batch="第3批")
    add(s, "exposure", date="2026-11-20", party_name="某黑网吧", facts="无证经营")
    add(s, "exposure", date="2026-08-20", party_name="某砂场", facts="非法开采", batch="第2批")
    # Rewards: two paid on one day of October (one payout), one paid in September (Q3).
    for paid in ("2026-10-15", "2026-10-15", "2026-09-30"):
        add(s, "reward", received="2026-09-01", matter="非法储存烟花", verified="属实", amount=50000, paid_on=paid)
    # Meetings: the quarter's 专班联席会议 and October's 研判会; none in November.
    add(s, "meeting", date="2026-10-08", meeting_type="专班联席会议", topics="四季度工作")
    add(s, "meeting", date="2026-10-20", meeting_type="安委办分析研判会", topics="10月研判")
    # Units and their marks (a closed unit leaves every base).
    for name, sector, marks in (
            ("安定化工厂", "危化", {"is_high_risk": 1, "dual_prevention": 1, "yihui_sanka": 1}),
            ("安定烟花厂", "烟花爆竹", {"is_high_risk": 1, "yihui_sanka": 1}),
            ("安定机械厂", "工贸其他", {"is_above_scale": 1, "dual_prevention": 1}),
            ("安定铸造厂", "金属冶炼", {"is_above_scale": 1, "status": "关闭"}),
            ("安定新材料", "工贸其他", {"new_in_park": 1}),
            ("安定新能源", "工贸其他", {"new_in_park": 1, "three_simultaneous": 1})):
        save_unit(s, {"name": name, "sector": sector, "status": "正常", **marks})
    return s


def status(session, month, every_row=True):
    return {e.target.id: e for e in target_status(session, month, every_row=every_row)}


def test_accidents_year_on_year(recorded):
    got = status(recorded, Month(2026, 11))
    g1, g2, t07, t08 = got["G1"], got["G2"], got["T07"], got["T08"]
    assert (g1.measure.value, g1.met) == (1, False), "the 较大 accident of April (3 dead and 1 missing)"
    assert (g2.measure.numerator, g2.measure.denominator, g2.met) == (1, 2, False), "fewer accidents, more dead"
    assert "事故 1 起（上年同期 2 起）" in g2.reckoning and "死亡（含失踪） 4 人（上年同期 1 人）" in g2.reckoning
    assert (t07.measure.numerator, t07.measure.denominator, t07.met) == (1, 1, False), "no fall"
    assert (t08.measure.numerator, t08.measure.denominator, t08.met) == (4, 1, False)
    assert t08.shown == "4（上年同期 1）"
    # To 31 March: no accident this year, one (建筑业, 1 dead) in last year's span — every figure fell.
    march = status(recorded, Month(2026, 3))
    assert (march["G2"].measure.numerator, march["G2"].measure.denominator, march["G2"].met) == (0, 1, True)
    assert (march["T07"].met, march["T08"].met, march["G1"].met) == (True, True, True)


def test_no_record_last_year_says_so(township):
    accident(township, "2026-04-01")
    got = status(township, Month(2026, 11))
    assert got["G2"].met is None and "上年同期无记录，无从比较" in got["G2"].reckoning
    assert got["G2"].status == "无从比较" and got["T07"].measure.denominator is None
    assert got["T43"].measure.value is None and "上年同期无记录" in got["T43"].reckoning
    entry = next(e for e in targets_json(township, Month(2026, 11)) if e["id"] == "G2")
    assert (entry["value"], entry["denominator"], entry["met"]) == (1, None, None)


def test_road_checks_fires_exposures_rewards_meetings(recorded):
    got = status(recorded, Month(2026, 11))
    assert (got["T23"].measure.numerator, got["T23"].measure.denominator, got["T23"].met) == (135, 150, True)
    assert (got["T24"].measure.numerator, got["T24"].measure.denominator, got["T24"].met) == (5, 50, True)
    assert (got["T43"].measure.numerator, got["T43"].measure.denominator, got["T43"].met) == (1, 2, True)
    assert got["T43"].shown == "50.0%"
    assert got["T42"].measure.value is None and "森林总面积未设置" in got["T42"].reckoning
    assert (got["T06"].measure.value, got["T06"].met) == (2, True)
    assert (got["T46"].measure.value, got["T46"].met) == (1, True)
    assert got["M1"].met is False and "本月安委办分析研判会 0 次" in got["M1"].reckoning
    october = status(recorded, Month(2026, 10))
    assert october["M1"].met is True and (october["T06"].measure.value, october["T46"].measure.value) == (1, 1)
    september = status(recorded, Month(2026, 9))
    assert (september["T06"].measure.value, september["T46"].measure.value) == (1, 1)
    assert september["M1"].met is False, "no meeting in the third quarter"


def test_unit_marks(recorded):
    got = status(recorded, Month(2026, 11))
    measured = {i: (got[i].measure.numerator, got[i].measure.denominator) for i in ("T28", "T30", "T44", "T50")}
    assert measured == {"T28": (1, 1), "T30": (1, 2), "T44": (1, 2), "T50": (2, 2)}
    assert (got["T28"].met, got["T30"].met, got["T44"].met, got["T50"].met) == (True, False, False, True)


def test_per_mille_with_a_forest_area(recorded, monkeypatch):
    from pjdesk.services import targets as service

    monkeypatch.setattr(service, "forest_areas", lambda session: {TOWNSHIP: 3000.0})
    t42 = status(recorded, Month(2026, 11))["T42"]
    # 1.5 ha of 3000 ha = 0.5‰, within the 0.9‰ the plan means.
    assert t42.measure.value == pytest.approx(0.0005) and t42.met is True and t42.shown == "0.50‰"
    entry = next(e for e in targets_json(recorded, Month(2026, 11)) if e["id"] == "T42")
    assert entry["target"] == pytest.approx(0.0009)


def test_entered_rows_latest_period_of_the_year(township):
    s = township
    add(s, "progress", target_id="T31 新调整监管人员培训率", period="2026-Q3", numerator="3", denominator="5",
        reporter="应急办")
    add(s, "progress", target_id="T31 新调整监管人员培训率", period="2026-11", value="100", numerator="10",
        denominator="10")
    add(s, "progress", target_id="T36 新建生物防火隔离带", period="2026-10", value="4.5")
    nov, aug, june = status(s, Month(2026, 11)), status(s, Month(2026, 8)), status(s, Month(2026, 6))
    assert (nov["T31"].measure.value, nov["T31"].status, nov["T31"].met) == (1.0, "已录入", True)
    assert (aug["T31"].measure.numerator, aug["T31"].measure.denominator, aug["T31"].met) == (3, 5, False)
    assert aug["T31"].shown == "60.0%" and "应急办" in aug["T31"].reckoning and "2026-Q3" in aug["T31"].reckoning
    assert june["T31"].measure.value is None and june["T31"].status == "暂无数据"
    # A county figure (122.8 km in the county): the township's 4.5 km is shown and adds to it, not judged.
    assert (nov["T36"].measure.value, nov["T36"].status, nov["T36"].met) == (4.5, "已录入", None)
    entry = next(e for e in targets_json(s, Month(2026, 11)) if e["id"] == "T31")
    assert entry["value"] == 1.0 and entry["note"].startswith("已录入")


def test_a_bad_entry_is_refused(township):
    for values, said in (({"period": "2026-13", "value": "1"}, "期间应写成"),
                         ({"period": "2026-11", "value": "十二"}, "完成值应为数字"),
                         ({"period": "2026-11"}, "请填写完成值"),
                         ({"period": "2026-11", "numerator": "3"}, "同时填写分子和分母"),
                         ({"period": "2027-01", "value": "1"}, "还没到")):
        with pytest.raises(ValidationError) as refused:
            add(township, "progress", target_id="T36 新建生物防火隔离带", **values)
        assert said in str(refused.value)


def test_a_township_enters_only_its_own_rows(township):
    """A county figure (a department's statistics) is the county's to enter; a township's own rows, and its
    part of a county total the townships add up to (its firebreaks), are its own. The import checks the same."""
    with pytest.raises(ValidationError, match="T09 是县级指标，由县级录入"):
        add(township, "progress", target_id="T09 建筑业百亿元产值死亡率", period="2026-Q3", value="0.5")
    add(township, "progress", target_id="T36 新建生物防火隔离带", period="2026-10", value="4.5")
    add(township, "progress", target_id="T31 新调整监管人员培训率", period="2026-11", value="100")


def test_county_rows_and_sums_of_townships(tmp_path):
    county = init_station(tmp_path / "county", code=COUNTY, operator="县局", county=True,
                          today=lambda: dt.date(2026, 12, 10))
    add(county, "progress", target_id="T09 建筑业百亿元产值死亡率", period="2026-Q3", value="0.5", reporter="县住建局")
    # Two townships' firebreaks, as they arrive (written here with their township's code).

    store = county.store
    with store.transaction():
        for code, km in (("430626101", "20"), ("430626102", "30.5")):
            store.insert(KINDS["progress"], {"target_id": "T36 新建生物防火隔离带", "period": "2026-10", "value": km},
                         township=code, operator="乡镇")
    got = status(county, Month(2026, 11))
    assert (got["T09"].measure.value, got["T09"].met) == (0.5, True)
    assert (got["T36"].measure.value, got["T36"].met) == (50.5, False) and "2 个乡镇录入合计" in got["T36"].reckoning
    by_township = township_status(county, Month(2026, 11))
    anding = {e.target.id: e for e in by_township["430626101"]}
    assert anding["T36"].measure.value == 20
    assert anding["T09"].measure.value == 0.5 and anding["T09"].met is None, "the county's figure, not judged"
    assert {e.target.id: e for e in by_township["430626103"]}["T36"].status == "暂无数据"
    county.close()


def test_county_edits_the_figures(tmp_path, township):
    county = init_station(tmp_path / "county", code=COUNTY, operator="县局", county=True,
                          today=lambda: dt.date(2026, 12, 10))
    set_target_edits(county, {"T23": {"target": 95, "weight": 3}})
    got = {e["id"]: e for e in targets_json(county, Month(2026, 11))}
    assert got["T23"]["target"] == 0.95
    with pytest.raises(PjdeskError, match="不是数字"):
        set_target_edits(county, {"T23": {"target": "很多"}})
    with pytest.raises(PjdeskError, match="没有指标"):
        set_target_edits(county, {"T99": {"target": 1}})
    with pytest.raises(PjdeskError, match="县级设置"):
        set_target_edits(township, {"T23": {"target": 95}})
    county.close()


def test_the_county_edits_travel_down(tmp_path, township):
    from pjdesk.services.county_data import keep_documents, targets_payload

    county = init_station(tmp_path / "county", code=COUNTY, operator="县局", county=True,
                          today=lambda: dt.date(2026, 12, 10))
    set_target_edits(county, {"T23": {"target": 95, "weight": 2}})
    with township.store.transaction():
        keep_documents(township, {"targets": targets_payload(county)}, stamp="0000000000001", made_at=None,
                       received_at="2026-12-10 09:00")
    t23 = next(e for e in target_status(township, Month(2026, 11), every_row=True) if e.target.id == "T23")
    assert (t23.target.target, t23.target.weight) == (95, 2)
    county.close()


def test_targets_json_on_a_demo_station_lists_every_row(township):
    """A demo township: every row of the plan in one form; the rows its records compute have figures (none a
    placeholder), the entered ones its 目标进展 or 暂无数据 saying why."""
    from pjdesk.indicators import rules, targets
    from pjdesk.services.demo import load_demo

    load_demo(township, seed=1)
    entries = targets_json(township, Month(2026, 11))
    assert [e["id"] for e in entries] == [t.id for t in targets()]
    assert {e["id"].rstrip("ab") for e in entries} == {"G1", "G2", "M1", *(f"T{n:02d}" for n in range(1, 53))}
    computed = set(rules())
    without = {e["id"] for e in entries if e["id"] in computed and e["value"] is None}
    # 回头看 items due, 森林总面积 (county data, not set) and last year's fires: nothing to count from.
    assert without <= {"T01", "T42", "T43"}, without
    for e in entries:
        assert e["note"] and (e["value"] is not None or e["note"].startswith("暂无数据")), e
    assert {e["id"] for e in entries if e["note"].startswith("已录入")} >= {"T29", "T31", "T36", "T37", "T38", "T39"}


def test_a_sheet_of_entries_names_its_rows_as_written_or_by_their_code(township, tmp_path):
    """目标进展 from a sheet: “T36 新建生物防火隔离带” or just T31; a county row is refused by row on a township."""
    import openpyxl

    from pjdesk.services.record_import import preview_records

    book = openpyxl.Workbook()
    book.active.append(["指标", "期间", "完成值"])
    for row in (["T09 建筑业百亿元产值死亡率", "2026-10", "0.5"], ["T36　新建生物防火隔离带", "2026-10", "3"],
                ["T31", "2026-10", "80"]):
        book.active.append(row)
    book.save(tmp_path / "进展.xlsx")
    preview = preview_records(township, "progress", tmp_path / "进展.xlsx")
    assert preview.records == 2
    assert [(r.row, r.reason) for r in preview.refused] == [(2, "T09 是县级指标，由县级录入，乡镇无需填报")]
