"""人员, 培训, 证书: 在册 and a valid certificate, each defined once in Python and once in SQL (and the two agree),
the 身份证号 check, the 特种作业操作证 defaults, and the masking of personal data."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3

import pytest

from pjdesk.core.person import (
    CERTIFICATE,
    PERSON,
    TRAINING,
    certificate_defaults,
    lapse_date,
    lapse_date_sql,
    on_roster,
    on_roster_sql,
    valid_on,
    valid_on_sql,
)
from pjdesk.core.records import ERROR, errors, masked, normalise, validate

TODAY = dt.date(2026, 6, 30)
DAYS = [None, "2026-01-01", "2026-03-31", "2026-04-01", "2026-06-30"]


def person(**values):
    return {"name": "张三", "unit_id": "u1", "role_class": "班组长", "employment": "正式", **values}


@pytest.mark.parametrize("hired,left,on", [
    (None, None, True), ("2026-03-31", None, True), ("2026-04-01", None, False),
    (None, "2026-03-31", False), (None, "2026-04-01", True), ("2026-01-01", "2026-03-31", False),
])
def test_on_roster_on_31_march(hired, left, on):
    """Hired on the day counts; left on the day does not (离岗日期 after the day)."""
    assert on_roster({"hired": hired, "left_on": left}, dt.date(2026, 3, 31)) is on


@pytest.mark.parametrize("until,review,valid", [
    ("2026-03-31", None, True), ("2026-03-30", None, False), (None, None, False),
    ("2030-01-01", "2026-03-30", False), ("2030-01-01", "2026-03-31", True),
])
def test_a_certificate_lapsing_the_day_before_is_not_valid(until, review, valid):
    assert valid_on({"valid_until": until, "review_due": review}, dt.date(2026, 3, 31)) is valid


def test_the_sql_twins_say_what_the_python_says():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE p (hired TEXT, left_on TEXT, valid_until TEXT, review_due TEXT)")
    rows = list(itertools.product(DAYS, repeat=4))
    conn.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", rows)
    for day in (dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2025, 12, 31)):
        got = conn.execute(f"SELECT hired, left_on, valid_until, review_due, {on_roster_sql('p')},"
                           f" {valid_on_sql('p')}, {lapse_date_sql('p')} FROM p", {"day": day.isoformat()})
        for hired, left, until, review, roster, valid, lapse in got:
            values = {"hired": hired, "left_on": left, "valid_until": until, "review_due": review}
            assert bool(roster) is on_roster(values, day)
            assert bool(valid) is valid_on(values, day)
            assert lapse == lapse_date(values)


def test_a_wrong_check_digit_is_refused_naming_the_right_one():
    problems = validate(PERSON, person(id_number="11010519491231002X"), TODAY)
    assert not errors(problems)
    problems = validate(PERSON, person(id_number="110105194912310021"), TODAY)
    [p] = errors(problems)
    assert p.field == "id_number" and "应为 X" in p.message
    # A note does not make a mistyped number right.
    assert errors(validate(PERSON, person(id_number="110105194912310021", id_note="确实如此"), TODAY))


@pytest.mark.parametrize("number", ["110105491231002", "E12345678", "H0123456701"])
def test_a_legacy_or_foreign_number_needs_its_note(number):
    [p] = validate(PERSON, person(id_number=number), TODAY)
    assert p.level == ERROR and "证件说明" in p.message
    assert validate(PERSON, person(id_number=number, id_note="护照"), TODAY) == []


def test_leaving_before_joining_is_refused():
    [p] = validate(PERSON, person(hired="2026-03-01", left_on="2026-02-01"), TODAY)
    assert p.field == "left_on"


def test_a_special_operation_certificate_gets_six_and_three_years():
    values = certificate_defaults(normalise(CERTIFICATE, {"cert_type": "特种作业操作证", "issued": "2024-02-29",
                                                         "cert_no": " t4306 26 "}))
    assert (values["valid_until"], values["review_due"], values["cert_no"]) == ("2030-02-28", "2027-02-28", "T430626")
    kept = certificate_defaults({"cert_type": "特种作业操作证", "issued": "2024-03-01", "valid_until": "2029-01-01"})
    assert kept["valid_until"] == "2029-01-01" and kept["review_due"] == "2027-03-01"
    other = certificate_defaults({"cert_type": "特种设备作业人员证", "issued": "2024-03-01"})
    assert "valid_until" not in other


def test_a_certificate_cannot_end_before_it_began():
    values = {"person_id": "p", "cert_type": "特种设备作业人员证", "issued": "2024-03-01", "valid_until": "2024-02-01"}
    assert [p.field for p in errors(validate(CERTIFICATE, values, TODAY))] == ["valid_until"]


def test_a_training_has_hours_and_no_person_twice():
    base = {"date": "2026-03-01", "training_type": "年度再培训", "hours": 8}
    assert validate(TRAINING, base, TODAY) == []
    assert errors(validate(TRAINING, {**base, "hours": 0}, TODAY))
    twice = [{"person_id": "a"}, {"person_id": "a"}]
    assert [p.field for p in validate(TRAINING, {**base, "attendees": twice}, TODAY)] == ["attendees"]


def test_personal_values_are_masked():
    assert masked("430626199001011234") == "430626********1234"
    assert masked("13812345678") == "138****5678"
    assert masked("430626900101123") == "430626*****1123"
    assert masked(None) is None and masked("") == ""
    assert [f.name for f in PERSON.fields if f.personal] == ["id_number", "phone"]
