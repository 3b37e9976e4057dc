"""Report periods (报告期): a month, with the dates the returns count by."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import PjdeskError


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, today: dt.date | None = None) -> Month:
        """``YYYY-MM``; a month after the current one is refused (its return cannot be built yet)."""
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise PjdeskError(f"报告期“{text}”格式不对，应写成 YYYY-MM，如 2026-11")
        month = cls(int(m.group(1)), int(m.group(2)))
        if today and month > cls.of(today):
            raise PjdeskError(f"报告期 {month.key} 还没到，不能生成报表（今天是 {today.isoformat()}）")
        return month

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return self.key
