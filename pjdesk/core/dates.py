"""Dates as officers write them, and the report periods built on them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


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
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise NotADate(f"“{text}”不是有效日期（{y} 年 {mo} 月没有 {d} 日）") from None
    raise NotADate(f"“{text}”不是日期，请写成 2026-03-05 或 2026年3月5日")


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
