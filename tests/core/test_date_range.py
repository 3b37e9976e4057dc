"""The one range of dates a record may carry (pjdesk.core.dates): from 2000 up to today, a deadline up to five
years ahead, and only times that exist. The entry dialog's check (records.validate, through the hazard
service) and the Excel import (tests/services/test_ledger_import.py) both apply it."""

from __future__ import annotations

import datetime as dt

import pytest

from pjdesk.core.dates import NotADate, out_of_range, parse_date
from pjdesk.core.errors import ValidationError
from pjdesk.core.hazard import HAZARD
from pjdesk.core.records import validate
from pjdesk.services import hazards as svc

TODAY = dt.date(2026, 11, 29)
GOOD = {"unit_id": "u1", "description": "灭火器过期", "level": "一般", "source": "乡镇检查", "found_date": "2026-11-20"}


def problems(values) -> dict:
    return {p.field: p.message for p in validate(HAZARD, {**GOOD, **values}, TODAY)}


@pytest.mark.parametrize("text, time", [("2024-03-05 25:00", "25:00"), ("2024-03-05 14:60", "14:60"),
                                        ("2024/3/5 23:59:60", "23:59:60")])
def test_a_time_that_does_not_exist_is_not_a_date(text, time):
    with pytest.raises(NotADate) as e:
        parse_date(text)
    assert str(e.value) == f"“{text}”中的时间 {time} 不存在，请写成 2026-03-05 或 2026-03-05 14:30"


def test_a_real_time_after_the_date_is_read_as_that_day():
    assert parse_date("2024-03-05 23:59") == parse_date("2024-03-05T00:00:00.5") == dt.date(2024, 3, 5)


def test_the_range_runs_from_2000_to_today_and_a_deadline_five_years_on():
    assert out_of_range(dt.date(2000, 1, 1), TODAY, "发现日期") is None
    assert out_of_range(TODAY, TODAY, "发现日期") is None
    assert out_of_range(dt.date(1999, 12, 31), TODAY, "发现日期") == "发现日期“1999-12-31”早于 2000 年，不是有效日期，请核对"
    assert out_of_range(dt.date(2026, 11, 30), TODAY, "发现日期") == "发现日期不能晚于今天"
    assert out_of_range(dt.date(2031, 11, 29), TODAY, "整改期限", years_ahead=5) is None
    assert out_of_range(dt.date(2031, 11, 30), TODAY, "整改期限", years_ahead=5) == (
        "整改期限“2031-11-30”晚于今天起 5 年（2031-11-29），请核对")


def test_the_hazard_fields_are_checked_against_the_range():
    assert problems({}) == {}
    assert problems({"found_date": "0001-01-01"}) == {"found_date": "发现日期“0001-01-01”早于 2000 年，不是有效日期，请核对"}
    assert problems({"found_date": "1900-01-01"}) == {"found_date": "发现日期“1900-01-01”早于 2000 年，不是有效日期，请核对"}
    assert problems({"found_date": "2026-11-30"}) == {"found_date": "发现日期不能晚于今天"}
    assert problems({"deadline": "2031-11-29"}) == {}
    assert problems({"deadline": "2031-11-30"}) == {"deadline": "整改期限“2031-11-30”晚于今天起 5 年（2031-11-29），请核对"}
    major = {**GOOD, "level": "重大", "major_basis": "第二十条", "resp_person": "王五", "measures": "清理",
             "funds": 100, "deadline": "2026-12-31", "emergency_plan": "预案", "supervision_date": "1999-05-01"}
    assert [p.message for p in validate(HAZARD, major, TODAY)] == [
        "挂牌日期“1999-05-01”早于 2000 年，不是有效日期，请核对", "挂牌日期不能早于发现日期"]


def test_the_entry_dialogs_service_refuses_such_dates(session, unit):
    with pytest.raises(ValidationError) as e:
        svc.record_hazard(session, {"unit_id": unit, "description": "电线老化", "found_date": "1900-01-01",
                                    "deadline": "2099-01-01"})
    assert {p.field: p.message for p in e.value.problems} == {
        "found_date": "发现日期“1900-01-01”早于 2000 年，不是有效日期，请核对",
        "deadline": "整改期限“2099-01-01”晚于今天起 5 年（2031-11-29），请核对",
    }


def test_an_extension_may_not_run_more_than_five_years_ahead(session, unit):
    hazard = svc.record_hazard(session, {"unit_id": unit, "description": "电线老化", "found_date": "2026-11-20",
                                         "deadline": "2026-11-30"}).id
    with pytest.raises(ValidationError) as e:
        svc.extend_hazard(session, hazard, "2026-11-29", "2040-01-01", "等待配件")
    assert {p.field: p.message for p in e.value.problems} == {
        "new_deadline": "新的整改期限“2040-01-01”晚于今天起 5 年（2031-11-29），请核对"}
    svc.extend_hazard(session, hazard, "2026-11-29", "2031-11-29", "等待配件")
