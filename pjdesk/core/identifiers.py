"""统一社会信用代码 and 居民身份证号 checks (python-stdnum), in the words an officer needs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ID_SHAPE = re.compile(r"^\d{17}[0-9X]$")


@dataclass(frozen=True)
class Check:
    value: str  # normalised (upper case, no spaces)
    ok: bool
    warning: bool  # True: a check-digit failure the user may override with a reason
    message: str = ""


def check_uscc(raw: str) -> Check:
    """A failing check digit only warns: early pilot codes (91350211M00013FA1N) fail it and are real."""
    value = re.sub(r"\s", "", raw or "").upper()
    if not value:
        return Check("", True, False)
    if len(value) != 18:
        return Check(value, False, False, f"统一社会信用代码应为 18 位，现为 {len(value)} 位，请核对营业执照")
    if not _USCC_SHAPE.match(value):
        return Check(value, False, False, "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z），请核对营业执照")
    from stdnum.cn import uscc  # here, not at start-up: stdnum's import costs as much as opening the window
    from stdnum.exceptions import InvalidChecksum, ValidationError

    try:
        uscc.validate(value)
    except InvalidChecksum:
        expected = uscc.calc_check_digit(value[:17])
        return Check(
            value, False, True,
            f"统一社会信用代码校验位错误（应为 {expected}），请核对营业执照；早期试点代码如确实如此，请填写原因后保存",
        )
    except ValidationError:
        return Check(value, False, False, "统一社会信用代码格式不正确，请核对营业执照")
    return Check(value, True, False)


def check_id_number(raw: str, today: dt.date) -> Check:
    """18-digit numbers are checked; 15-digit legacy numbers and other documents only warn.

    The check is the check digit and a real birth date not after today (GB 11643). The address code is not
    looked up: it is the code in force when the card was issued, which a table keyed by birth year (as
    stdnum's is) gets wrong for everyone born before their county's code existed.
    """
    value = re.sub(r"\s", "", raw or "").upper()
    if not value:
        return Check("", True, False)
    if len(value) == 15 and value.isdigit():
        return Check(value, False, True, "15 位旧身份证号无法校验，请核对证件后填写原因保存")
    if not _ID_SHAPE.match(value):
        return Check(value, False, True, "身份证号应为 18 位数字（末位可为 X），请核对证件；境外证件请填写原因后保存")
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    expected = ric.calc_check_digit(value)  # stdnum wants the whole number, check digit included
    if value[-1] != expected:
        return Check(value, False, True, f"身份证号校验位错误（应为 {expected}），请核对证件")
    try:
        born = ric.get_birth_date(value)
    except ValidationError:
        born = None
    if born is None or born > today:
        return Check(value, False, True, "身份证号中的出生日期不正确，请核对证件；境外证件请填写原因后保存")
    return Check(value, True, False)
