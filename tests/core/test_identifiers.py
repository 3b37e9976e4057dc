"""统一社会信用代码 and 居民身份证号: what the officer is told for each kind of mistake."""

import datetime as dt

import pytest

from pjdesk.core.identifiers import check_id_number, check_uscc

TODAY = dt.date(2026, 11, 29)


def test_valid_credit_code_passes():
    check = check_uscc("91310110666007217T")
    assert check.ok and not check.warning and check.message == ""


def test_credit_code_is_normalised_before_checking():
    check = check_uscc(" 9131 0110 6660 07217t ")
    assert check.ok
    assert check.value == "91310110666007217T"


def test_pilot_code_fails_check_digit_and_only_warns_naming_the_expected_digit():
    check = check_uscc("91350211M00013FA1N")
    assert not check.ok
    assert check.warning, "an early pilot code is real: it must be a warning the user may override"
    assert "校验位错误（应为 3）" in check.message
    assert "原因" in check.message


def test_changed_check_digit_is_caught():
    check = check_uscc("91310110666007217A")
    assert not check.ok and check.warning
    assert "应为 T" in check.message


@pytest.mark.parametrize("raw, length", [("9131011066600721", 16), ("91310110666007217TT", 19)])
def test_credit_code_of_wrong_length_is_refused(raw, length):
    check = check_uscc(raw)
    assert not check.ok and not check.warning
    assert f"应为 18 位，现为 {length} 位" in check.message


@pytest.mark.parametrize("raw", ["91310110666007217O", "9131011066600721IT", "9131011066600721ST", "91310110666007#17T"])
def test_credit_code_with_forbidden_characters_is_refused(raw):
    check = check_uscc(raw)
    assert not check.ok and not check.warning
    assert "不允许的字符" in check.message


def test_credit_code_with_letters_in_the_region_part_is_refused():
    check = check_uscc("913A0110666007217T")
    assert not check.ok and not check.warning


def test_empty_credit_code_is_allowed():
    assert check_uscc("").ok
    assert check_uscc(None).ok


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_id_numbers(number):
    check = check_id_number(number, TODAY)
    assert check.ok and not check.warning


def test_lowercase_x_is_accepted_and_upper_cased():
    check = check_id_number("11010519491231002x", TODAY)
    assert check.ok and check.value == "11010519491231002X"


def test_wrong_id_check_digit_warns_with_the_expected_one():
    check = check_id_number("110105194912310021", TODAY)
    assert not check.ok and check.warning
    assert "应为 X" in check.message


def test_id_number_with_impossible_birth_date_warns():
    check = check_id_number("110105194902300020", TODAY)  # 30 February, check digit right
    assert not check.ok and check.warning
    assert "出生日期" in check.message


def test_id_number_born_after_today_warns():
    check = check_id_number("110105209912310029", TODAY)
    assert not check.ok and check.warning
    assert "出生日期" in check.message


@pytest.mark.parametrize("raw", ["11010519491231002", "1101051949123100XX", "A1010519491231002X"])
def test_malformed_id_number_warns_about_its_shape(raw):
    check = check_id_number(raw, TODAY)
    assert not check.ok and check.warning
    assert "18 位" in check.message


def test_fifteen_digit_legacy_id_only_warns():
    check = check_id_number("110105491231002", TODAY)
    assert not check.ok and check.warning
    assert "15 位" in check.message
