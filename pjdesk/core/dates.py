"""Dates as officers write them, and the report periods built on them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_PATTERNS = [
    # A time after the date (a system's export: 2026-03-05 14:30) is allowed, and must be a real time.
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]

# The dates a record may carry. Nothing pjdesk keeps happened before 2000 (a 0001-01-01 or a 1900-01-01 is an
# empty cell or a typing slip, not a date), nothing has happened after today, and only a deadline lies ahead,
# by at most DEADLINE_YEARS. The entry dialogs (through records.validate) and the Excel import check this
# one rule.
EARLIEST = dt.date(2000, 1, 1)
DEADLINE_YEARS = 5


class NotADate(ValueError):
    pass


def parse_date(value: object) -> dt.date | None:
    """A date from a cell or a text box; None for empty. Raises NotADate with the Chinese reason."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An 8-digit number typed into a cell (20260305) rather than an Excel date serial.
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        raise NotADate(f"“{value:g}”不是日期")
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        # The stored form, checked on every save: parse it directly. An impossible day falls through to
        # the patterns, which say why.
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    text = str(value).strip()
    if not text.isascii():
        # NFKC turns the full-width digits and signs a Chinese input method types (２０２６／３／５) into ASCII.
        text = unicodedata.normalize("NFKC", text).strip()
        text = re.sub(r"\s*([年月日号])\s*", r"\1", text)  # 2026 年 3 月 5 日
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups()[:3])
            try:
                day = dt.date(y, mo, d)
            except ValueError:
                raise NotADate(f"“{text}”不是有效日期（{y} 年 {mo} 月没有 {d} 日）") from None
            clock = [g for g in m.groups()[3:] if g is not None]
            if clock and not (int(clock[0]) < 24 and all(int(g) < 60 for g in clock[1:])):
                raise NotADate(f"“{text}”中的时间 {':'.join(clock)} 不存在，请写成 2026-03-05 或 2026-03-05 14:30")
            return day
    raise NotADate(f"“{text}”不是日期，请写成 2026-03-05 或 2026年3月5日")


def out_of_range(day: dt.date, today: dt.date, label: str, *, years_ahead: int = 0) -> str | None:
    """Why ``day`` cannot be the ``label`` date of a record (a sentence for the officer), or None when it can:
    from EARLIEST up to ``today``, or up to ``years_ahead`` years after today (a deadline)."""
    if day < EARLIEST:
        return f"{label}“{day.isoformat()}”早于 {EARLIEST.year} 年，不是有效日期，请核对"
    latest = add_years(today, years_ahead)
    if day > latest:
        if not years_ahead:
            return f"{label}不能晚于今天"
        return f"{label}“{day.isoformat()}”晚于今天起 {years_ahead} 年（{latest.isoformat()}），请核对"
    return None


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
