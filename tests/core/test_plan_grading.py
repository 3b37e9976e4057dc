"""事故 and 森林火灾 grading at every boundary, and the rules of the six plain records (no database)."""

import datetime as dt

import pytest

from pjdesk.core.plan_records import (
    ACCIDENT,
    FIRE,
    MEETING,
    REWARD,
    ROAD_CHECK,
    accident_level,
    fire_level,
)
from pjdesk.core.records import errors, normalise, validate

TODAY = dt.date(2026, 11, 29)
WAN = 1_000_000  # 1 万元 in 分


@pytest.mark.parametrize(("deaths", "level"), [
    (0, "一般"), (1, "一般"), (2, "一般"), (3, "较大"), (9, "较大"), (10, "重大"), (29, "重大"), (30, "特别重大"),
])
def test_accident_level_by_deaths(deaths, level):
    assert accident_level(deaths, 0, 0, 0) == level


def test_missing_counts_with_the_dead():
    assert accident_level(2, 1, 0, 0) == "较大"
    assert accident_level(0, 3, 0, 0) == "较大"
    assert accident_level(9, 1, 0, 0) == "重大"
    assert accident_level(20, 10, 0, 0) == "特别重大"
    assert accident_level(28, 1, 0, 0) == "重大"


@pytest.mark.parametrize(("serious", "level"), [
    (9, "一般"), (10, "较大"), (49, "较大"), (50, "重大"), (99, "重大"), (100, "特别重大"),
])
def test_accident_level_by_serious_injuries(serious, level):
    assert accident_level(0, 0, serious, 0) == level


@pytest.mark.parametrize(("loss", "level"), [
    (1000 * WAN - 1, "一般"), (1000 * WAN, "较大"), (5000 * WAN - 1, "较大"), (5000 * WAN, "重大"),
    (10_000 * WAN - 1, "重大"), (10_000 * WAN, "特别重大"),
])
def test_accident_level_by_direct_loss(loss, level):
    assert accident_level(0, 0, 0, loss) == level


def test_the_gravest_measure_decides_and_missing_values_count_as_none():
    assert accident_level(1, 0, 55, 20 * WAN) == "重大"
    assert accident_level(None, None, None, None) == "一般"


def test_an_accident_row_derives_its_level():
    row = {"deaths": 2, "missing": 1, "serious": 0, "loss": 0}
    assert ACCIDENT.derive(row) == {"level": "较大"}


@pytest.mark.parametrize(("hundredths", "level"), [
    (0, "一般"), (99, "一般"), (100, "较大"), (9_999, "较大"), (10_000, "重大"), (99_999, "重大"),
    (100_000, "特别重大"),
])
def test_fire_level_by_damaged_forest(hundredths, level):
    assert fire_level(hundredths, 0, 0) == level


@pytest.mark.parametrize(("deaths", "serious", "level"), [
    (1, 0, "一般"), (2, 0, "一般"), (3, 0, "较大"), (9, 0, "较大"), (10, 0, "重大"), (29, 0, "重大"), (30, 0, "特别重大"),
    (0, 9, "一般"), (0, 10, "较大"), (0, 49, "较大"), (0, 50, "重大"), (0, 99, "重大"), (0, 100, "特别重大"),
])
def test_fire_level_by_deaths_and_serious_injuries(deaths, serious, level):
    assert fire_level(50, deaths, serious) == level


def test_a_fire_on_other_forest_land_is_ordinary_unless_people_died():
    assert FIRE.derive({"burned_ha100": 500_000, "forest_ha100": 0}) == {"level": "一般"}
    assert FIRE.derive({"burned_ha100": 500_000, "forest_ha100": 0, "deaths": 3}) == {"level": "较大"}


def _problems(kind, values):
    return [p.message for p in errors(validate(kind, normalise(kind, values), TODAY))]


def test_an_accident_names_a_unit_or_a_party_and_one_flag():
    base = {"occurred": "2026-11-02", "category": "高处坠落", "summary": "脚手架坠落", "deaths": 1}
    assert _problems(ACCIDENT, base) == ["请选择事故单位，或填写未登记的当事单位（个人）名称"]
    assert _problems(ACCIDENT, {**base, "party_name": "李某自建房"}) == []
    both = {**base, "party_name": "某村", "is_production": True, "is_disaster": True}
    assert _problems(ACCIDENT, both) == ["自然灾害亡人不属于生产安全事故，两项只能选一项"]
    assert _problems(ACCIDENT, {**base, "party_name": "某村", "is_disaster": True, "deaths": 0}) == [
        "自然灾害亡人请填写死亡或失踪人数"]
    assert _problems(ACCIDENT, {**base, "party_name": "某村", "occurred_time": "25:10"}) == [
        "发生时刻“25:10”应写成 24 小时制的 时:分，如 14:30"]
    assert _problems(ACCIDENT, {**base, "party_name": "某村", "category": "踩踏"})[0].startswith("事故类别“踩踏”不在可选项中")


def test_a_fire_damages_no_more_forest_than_burned():
    fire = {"date": "2026-03-01", "village": "栗山村", "burned_ha100": 120, "forest_ha100": 150}
    assert _problems(FIRE, fire) == ["受害森林面积不能大于过火面积"]
    assert _problems(FIRE, {**fire, "forest_ha100": 120}) == []
    assert _problems(FIRE, {**fire, "forest_ha100": 1.5}) == ["受害森林面积（公顷）应为整数"]


def test_road_check_counts_within_what_was_observed():
    check = {"date": "2026-11-02", "place": "106 国道安定路口", "riders": 100, "helmeted": 101, "vehicles": 5,
             "modified": 6}
    assert _problems(ROAD_CHECK, check) == ["戴头盔人数不能多于观测骑乘人员", "非法改装车辆不能多于检查车辆"]
    assert _problems(ROAD_CHECK, {"date": "2026-11-02", "place": "路口"}) == ["请填写观测骑乘人员或检查车辆"]


def test_a_reward_is_paid_only_for_a_founded_report_and_after_it_was_received():
    reward = {"received": "2026-10-02", "matter": "无证加油点", "verified": "属实", "amount": 50_000,
              "paid_on": "2026-10-20"}
    assert _problems(REWARD, reward) == []
    assert _problems(REWARD, {**reward, "paid_on": "2026-10-01"}) == ["兑现日期不能早于受理日期"]
    assert _problems(REWARD, {**reward, "verified": "不属实"}) == ["核实结果为不属实的举报不予奖励，请清空奖励金额"]
    assert _problems(REWARD, {**reward, "amount": 0}) == ["已兑现的请填写奖励金额"]


def test_a_meeting_type_comes_from_its_list():
    meeting = {"date": "2026-11-02", "meeting_type": "安委会全体会议", "topics": "部署冬季防火"}
    assert _problems(MEETING, meeting) == []
    assert _problems(MEETING, {**meeting, "meeting_type": "座谈会"})[0].startswith("会议类型“座谈会”不在可选项中")
