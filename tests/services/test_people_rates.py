"""T17, T18a, T18b, T51 and T52 as of a month's last day, against hand counts: people leaving and joining within
the year, a certificate lapsing the day before D, a failed 考核, people hired in the year in a high-risk sector
(72 h and 48 h first-year minimums), the county's own 8 h; and the lists of the people behind each number."""

from __future__ import annotations

import datetime as dt

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.person import CERTIFICATE, PERSON, TRAINING
from pjdesk.core.training_hours import training_minimum
from pjdesk.services.county_data import keep_documents, targets_payload
from pjdesk.services.people_rates import rate_people, set_minimum
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.targets import target_status, targets_json
from pjdesk.services.units import save_unit
from tests.conftest import TOWNSHIP

MGMT, SPECIAL_OP, EQUIPMENT = "安全生产知识和管理能力考核合格证", "特种作业操作证", "特种设备作业人员证"


def person(session, unit, name, role, hired, *, left=None, employment="正式"):
    return save_record(session, PERSON, {"name": name, "unit_id": unit, "role_class": role, "employment": employment,
                                         "hired": hired, "left_on": left}).id


def train(session, date, hours, *attendees, result="合格", kind="年度再培训"):
    save_record(session, TRAINING, {"date": date, "training_type": kind, "hours": hours, "organiser": "县应急局",
                                    "attendees": [{"person_id": p, "result": result} for p in attendees]})


def certify(session, who, cert_type, *, until, review=None):
    save_record(session, CERTIFICATE, {"person_id": who, "cert_type": cert_type, "cert_no": f"T{who[-6:]}",
                                       "issued": "2020-01-01", "valid_until": until, "review_due": review})


@pytest.fixture
def station(tmp_path):
    """A township on 10 December 2026, counted by hand in the tests below (D = 30 November for November)."""
    session = init_station(tmp_path / "station", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 12, 10))
    chem = save_unit(session, {"name": "安定化工厂", "sector": "危化", "is_high_risk": 1}).id
    fireworks = save_unit(session, {"name": "安定烟花厂", "sector": "烟花爆竹", "is_high_risk": 1}).id
    works = save_unit(session, {"name": "安定机械厂", "sector": "工贸其他", "is_high_risk": 0}).id
    p = {}
    p["分管"] = person(session, chem, "甲分管", "分管负责人", "2020-01-01")
    p["安管"] = person(session, chem, "乙安管", "专职安全管理人员", "2019-03-01")
    p["安管失效"] = person(session, chem, "丙安管", "专职安全管理人员", "2018-03-01")
    p["新班组长"] = person(session, chem, "丁班组长", "班组长", "2026-03-01")
    p["操作派遣"] = person(session, chem, "戊操作", "高风险岗位操作人员", "2015-05-01", employment="劳务派遣")
    p["操作复审"] = person(session, chem, "己操作", "高风险岗位操作人员", "2016-05-01")
    p["离岗"] = person(session, chem, "庚班组长", "班组长", "2019-01-01", left="2026-06-30")
    p["十二月入职"] = person(session, chem, "辛班组长", "班组长", "2026-12-05")
    p["电工"] = person(session, chem, "壬电工", "特种作业人员", "2022-01-01", employment="灵活用工")
    p["新负责人"] = person(session, chem, "癸负责人", "主要负责人", "2026-01-10")
    p["烟花安管"] = person(session, fireworks, "子安管", "专职安全管理人员", "2021-01-01")
    p["烟花新工"] = person(session, fireworks, "丑工人", "一般从业人员", "2026-02-01")
    p["机械班组长"] = person(session, works, "寅班组长", "班组长", "2020-01-01")
    p["司炉"] = person(session, works, "卯司炉", "特种作业人员", "2020-01-01")
    p["临时工"] = person(session, works, "辰临时工", "一般从业人员", "2026-08-01", employment="灵活用工")
    p["派遣离岗"] = person(session, works, "巳派遣", "一般从业人员", "2010-01-01", left="2026-11-30",
                       employment="劳务派遣")

    train(session, "2026-03-01", 12, p["分管"], p["离岗"])
    train(session, "2026-05-01", 16, p["安管"])
    train(session, "2026-06-01", 20, p["安管失效"], result="不合格")
    train(session, "2026-03-01", 72, p["新班组长"], kind="岗前培训")
    train(session, "2026-04-01", 20, p["操作派遣"])
    train(session, "2025-12-20", 30, p["电工"])  # last year
    train(session, "2026-01-15", 48, p["新负责人"], p["烟花新工"], kind="岗前培训")
    train(session, "2026-02-01", 8, p["烟花安管"], p["机械班组长"])
    train(session, "2026-09-01", 4, p["司炉"])
    train(session, "2026-10-01", 4, p["司炉"])
    train(session, "2026-12-01", 24, p["临时工"], kind="岗前培训")  # after 30 November

    certify(session, p["安管"], MGMT, until="2027-05-01")
    certify(session, p["安管失效"], MGMT, until="2026-11-29")  # lapsed the day before D
    certify(session, p["操作派遣"], SPECIAL_OP, until="2030-01-01", review="2027-01-01")
    certify(session, p["操作复审"], SPECIAL_OP, until="2028-01-01", review="2026-11-30")  # valid on D, not after
    certify(session, p["电工"], SPECIAL_OP, until="2028-01-01", review="2027-01-01")
    certify(session, p["司炉"], EQUIPMENT, until="2026-11-29")  # lapsed the day before D
    yield session, p
    session.close()


def measured(session, month):
    return {e.target.id: (e.measure.numerator, e.measure.denominator, e.met) for e in target_status(session, month)
            if e.target.id in ("T17", "T18a", "T18b", "T51", "T52")}


def test_november_counts_the_people_on_the_roster_on_its_last_day(station):
    session, _ = station
    # 在册 on 30 November: 13 — not 庚 (left 30 June), 辛 (joins 5 December) or 巳 (left on the 30th itself).
    assert measured(session, Month(2026, 11)) == {
        # 三类人员 in high-risk units: 甲, 乙, 丙, 丁 (化工厂), 子 (烟花厂); 寅 is in a unit not 高危, 癸 is a
        # 主要负责人. Trained and passed this year: all but 丙, whose 考核 failed.
        "T17": (4, 5, True),
        # 危化 专职安管: 乙 holds a valid 考核合格证; 丙's lapsed on 29 November, the day before D.
        "T18a": (1, 2, False),
        # 危化 高风险岗位: 戊, and 己 whose 复审 falls on D itself (still valid on it).
        "T18b": (2, 2, True),
        # 特种作业人员: 壬 holds a valid 操作证; 卯's 特种设备作业人员证 lapsed the day before D.
        "T51": (1, 2, False),
        # Hours reaching the minimum: 乙 16/16, 丁 72/72 (hired this year in 危化), 戊 20/20, 癸 48/48 (a
        # 主要负责人 hired this year in 危化), 寅 8/8, 卯 4+4/8. Not: 甲 12/16, 丙 failed, 己 none, 壬 last year's,
        # 子 8/16, 丑 48/72 (hired this year in 烟花爆竹), 辰 trained only in December.
        "T52": (6, 13, False),
    }


def test_december_to_today(station):
    session, _ = station
    # 10 December: 辛 has joined (a 班组长 of the 化工厂, not trained yet: T17 4 of 6, still ≥ 60%), 辰 had
    # her 24 h on 1 December, 己's 复审 (30 November) has passed.
    assert measured(session, Month(2026, 12)) == {
        "T17": (4, 6, True), "T18a": (1, 2, False), "T18b": (1, 2, False), "T51": (1, 2, False),
        "T52": (7, 14, False)}


def test_the_county_sets_the_yearly_hours_of_other_employees(station, tmp_path):
    """The 8 h is the county's: it sets its own figure, which reaches the township with its targets."""
    session, _ = station
    assert training_minimum().required("一般从业人员", "工贸其他", "2015-01-01", 2026) == 8
    with pytest.raises(PjdeskError, match="由县级设置"):
        set_minimum(session, {"others.yearly": 10})
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True,
                          today=lambda: dt.date(2026, 12, 10))
    with pytest.raises(PjdeskError, match="不是可由县级设置"):
        set_minimum(county, {"managers.yearly": 10})
    with pytest.raises(PjdeskError, match="1 到 200"):
        set_minimum(county, {"others.yearly": 0})
    assert set_minimum(county, {"others.yearly": 10}).hours["others"]["yearly"] == 10

    def receive(stamp: str) -> None:  # as an import of the county's bundle made at ``stamp``
        with session.store.transaction():
            keep_documents(session, {"targets": targets_payload(county)}, stamp=stamp, made_at=None,
                           received_at=session.now_text())

    receive("0001")
    # 寅 and 卯 had 8 h: short of 10 now. The managers' and the high-risk sectors' figures are the regulation's.
    assert measured(session, Month(2026, 11))["T52"] == (4, 13, False)
    set_minimum(county, {"others.yearly": None})
    receive("0002")
    assert measured(session, Month(2026, 11))["T52"] == (6, 13, False)
    county.close()


def test_the_people_behind_each_number_say_what_they_lack(station):
    session, _ = station
    missing = rate_people(session, "T52", Month(2026, 11))
    assert missing.total == 7 and missing.day == "2026-11-30"
    lacks = {r["name"]: r["lacks"] for r in missing.people}
    assert lacks["甲分管"] == "本年考核合格培训 12 学时，应达 16 学时"
    assert lacks["丑工人"] == "本年考核合格培训 48 学时，应达 72 学时"
    assert lacks["辰临时工"] == "本年无考核合格的培训，应达 24 学时"
    assert set(lacks) == {"甲分管", "丙安管", "己操作", "壬电工", "子安管", "丑工人", "辰临时工"}
    counted = rate_people(session, "T17", Month(2026, 11), counted=True)
    assert sorted(r["name"] for r in counted.people) == ["丁班组长", "乙安管", "子安管", "甲分管"]
    assert all(r["lacks"] == "" for r in counted.people)
    t18a = rate_people(session, "T18a", Month(2026, 11))
    assert [(r["name"], r["lacks"]) for r in t18a.people] == [("丙安管", f"无有效的{MGMT}")]
    t51 = rate_people(session, "T51", Month(2026, 11))
    assert [r["unit_name"] for r in t51.people] == ["安定机械厂"]


def test_targets_json_carries_the_five_rates(station):
    session, _ = station
    entries = {e["id"]: e for e in targets_json(session, Month(2026, 11))}
    t17 = entries["T17"]
    assert (t17["numerator"], t17["denominator"], t17["target"], t17["met"]) == (4, 5, 0.6, True)
    assert t17["value"] == pytest.approx(0.8)
    assert (entries["T52"]["numerator"], entries["T52"]["denominator"]) == (6, 13)
    assert "三类人员总数 5" in t17["note"]


def test_no_one_on_the_roster_is_no_data(tmp_path):
    session = init_station(tmp_path / "empty", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 11, 29))
    got = measured(session, Month(2026, 11))
    assert got == dict.fromkeys(("T17", "T18a", "T18b", "T51", "T52"), (0, 0, None))
    session.close()
