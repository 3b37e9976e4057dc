"""Dates as officers write them."""

import datetime as dt

import pytest

from pjdesk.core.dates import NotADate, add_years, from_iso, iso, parse_date

MARCH_5 = dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", [
    "2026-03-05", "2026-3-5", "2026/3/5", "2026/03/05", "2026.3.5", "2026年3月5日", "2026年3月5", "20260305",
    " 2026-03-05 ", "2026-03-05 08:30", "2026-03-05T08:30:15", "2026／3／5", "2026．3．5",
])
def test_written_forms(text):
    assert parse_date(text) == MARCH_5


def test_excel_cells():
    assert parse_date(dt.datetime(2026, 3, 5, 14, 30)) == MARCH_5
    assert parse_date(MARCH_5) == MARCH_5
    assert parse_date(20260305) == MARCH_5
    assert parse_date(20260305.0) == MARCH_5


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_is_none(value):
    assert parse_date(value) is None


def test_impossible_day_says_why():
    with pytest.raises(NotADate) as e:
        parse_date("2026-02-30")
    assert str(e.value) == "“2026-02-30”不是有效日期（2026 年 2 月没有 30 日）"


@pytest.mark.parametrize("value", ["2026年13月1日", "20261301"])
def test_impossible_month_is_refused(value):
    with pytest.raises(NotADate, match="不是有效日期"):
        parse_date(value)


@pytest.mark.parametrize("value", ["明天", "3/5/2026", "2026-3", "26-3-5"])
def test_not_a_date_shows_the_expected_form(value):
    with pytest.raises(NotADate) as e:
        parse_date(value)
    assert "请写成 2026-03-05 或 2026年3月5日" in str(e.value)


@pytest.mark.parametrize("value", [46086, 3.5, True])
def test_numbers_that_are_not_typed_dates_are_refused(value):
    with pytest.raises(NotADate):
        parse_date(value)


def test_iso_round_trip():
    assert iso(MARCH_5) == "2026-03-05"
    assert from_iso("2026-03-05") == MARCH_5
    assert iso(None) is None and from_iso(None) is None


def test_add_years_on_29_february():
    assert add_years(dt.date(2024, 2, 29), 6) == dt.date(2030, 2, 28)
    assert add_years(MARCH_5, 3) == dt.date(2029, 3, 5)
