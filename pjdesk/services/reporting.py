"""报送情况: which township reported which month, on time or late, whole or with a gap, on the county station.

A township reports a month by sending the county a bundle made in the following month (a bundle carries every
change the county has not acknowledged, so one made after the month's end covers the whole month). The first
bundle made then is the month's report; the day the county imported it is the day it arrived. A bundle made
later still does not report the month: a township that skipped a month shows 未报送 for it.

- 按时 (on time): it arrived by the deadline, the 5th of the next month unless the county set another day
  or a date for that month;
- 逾期 (late): it arrived after the deadline;
- 不完整 (partial): when it arrived the county lacked earlier changes of one of the township's devices (a
  skipped file of a relay) and still lacks them; a later bundle that fills the gap makes it whole;
- 未报送 (missing): no report, and the deadline has passed;
- 待报送 (due): the month has ended, no report yet, the deadline has not passed;
- a month not yet ended has nothing due, nor has a month whose deadline passed before the county received
  its first bundle from anyone and that no township reported (the months before the county desk was in use).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass

from pjdesk.core.dates import parse_date
from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.townships import townships
from pjdesk.storage import sync_store

from .session import Session

ON_TIME, LATE, PARTIAL, MISSING, DUE, NOT_DUE = "按时", "逾期", "不完整", "未报送", "待报送", ""
DEFAULT_DEADLINE_DAY = 5
DEADLINE_DAY_KEY, DEADLINES_KEY = "report_deadline_day", "report_deadlines"


@dataclass(frozen=True)
class Cell:
    """One township's report of one month."""

    status: str
    deadline: dt.date
    arrived: dt.date | None = None  # the day the county imported the report
    made: str | None = None  # when the township made it
    file_name: str | None = None
    missing: int = 0  # changes of the report's gap the county still lacks

    @property
    def text(self) -> str:
        """What the grid's cell shows: the status and the day it arrived."""
        if self.arrived is None:
            return self.status
        return f"{self.status} {self.arrived.month}月{self.arrived.day}日"


@dataclass(frozen=True)
class GridRow:
    code: str
    name: str
    cells: dict[str, Cell]  # by month key

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.cells.values())


@dataclass(frozen=True)
class Grid:
    year: int
    months: list[Month]
    rows: list[GridRow]

    def missing_in(self, month: Month) -> list[GridRow]:
        """The townships that have not reported the month (未报送 or, before the deadline, 待报送)."""
        return [r for r in self.rows if r.cells[month.key].status in (MISSING, DUE)]


# --- the deadline ------------------------------------------------------------------------------------------
def deadline_day(session: Session) -> int:
    return int(session.store.setting(DEADLINE_DAY_KEY) or DEFAULT_DEADLINE_DAY)


def month_deadlines(session: Session) -> dict[str, str]:
    """Deadlines the county set for single months (e.g. later after the Spring Festival), by month key."""
    return json.loads(session.store.setting(DEADLINES_KEY) or "{}")


def deadline(session: Session, month: Month, *, day: int | None = None,
             overrides: dict[str, str] | None = None) -> dt.date:
    """The last day a township's report of ``month`` counts as on time."""
    overrides = month_deadlines(session) if overrides is None else overrides
    if month.key in overrides:
        return dt.date.fromisoformat(overrides[month.key])
    following = Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)
    day = deadline_day(session) if day is None else day
    return following.start.replace(day=min(day, calendar.monthrange(following.year, following.month)[1]))


def set_deadline_day(session: Session, day: int) -> None:
    """County only: the day of the following month by which a month's report is due (1–28)."""
    _county_only(session)
    if not isinstance(day, int) or not 1 <= day <= 28:
        raise PjdeskError("报送截止日应为次月的 1 至 28 日")
    session.store.set_settings({DEADLINE_DAY_KEY: str(day)})


def set_month_deadline(session: Session, month: Month, day: str | dt.date | None) -> None:
    """County only: a deadline for one month (None: back to the usual day). It must fall after the month."""
    _county_only(session)
    overrides = month_deadlines(session)
    if day in (None, ""):
        overrides.pop(month.key, None)
    else:
        date = parse_date(day) if not isinstance(day, dt.date) else day
        if date is None or date <= month.end:
            raise PjdeskError(f"{month.label}的报送截止日应在 {month.end.isoformat()} 之后")
        overrides[month.key] = date.isoformat()
    session.store.set_settings({DEADLINES_KEY: json.dumps(overrides, ensure_ascii=False, sort_keys=True)})


# --- the grid ----------------------------------------------------------------------------------------------
def report_grid(session: Session, year: int) -> Grid:
    """Every township of the roster × every month of ``year``."""
    _county_only(session)
    today = session.today()
    months = [Month(year, m) for m in range(1, 13)]
    day, overrides = deadline_day(session), month_deadlines(session)
    reports: dict[str, dict[str, dict]] = {}  # township → month key → its report (the first bundle made)
    first = today
    for row in sync_store.imports_from(session.store):
        first = min(first, _arrived(row))
        reports.setdefault(row["sender_station"], {}).setdefault(Month.of(_made(row)).previous().key, row)
    reported = {key for by_month in reports.values() for key in by_month}
    rows = []
    for t in townships():
        cells = {}
        for m in months:
            due = deadline(session, m, day=day, overrides=overrides)
            # Before the county desk was in use nothing was due, unless some township did report the month.
            tracked = today > m.end and (due >= first or m.key in reported)
            cells[m.key] = _cell(session, reports.get(t.code, {}).get(m.key), due, today) if tracked \
                else Cell(NOT_DUE, due)
        rows.append(GridRow(t.code, t.name, cells))
    return Grid(year, months, rows)


def _cell(session: Session, report: dict | None, due: dt.date, today: dt.date) -> Cell:
    if report is None:
        return Cell(MISSING if today > due else DUE, due)
    arrived = _arrived(report)
    missing = sum(sync_store.missing_changes(session.store, device, low, high)
                  for device, (low, high) in report["gaps"].items())
    status = PARTIAL if missing else LATE if arrived > due else ON_TIME
    return Cell(status, due, arrived, report.get("created_at"), report.get("file_name"), missing)


def _arrived(imported: dict) -> dt.date:
    return dt.date.fromisoformat(imported["imported_at"][:10])


def _made(imported: dict) -> dt.date:
    """The day a bundle was made (a bundle of an older pjdesk that did not say: the day it arrived)."""
    return dt.date.fromisoformat((imported.get("created_at") or imported["imported_at"])[:10])


def _county_only(session: Session) -> None:
    if not session.require_station().is_county:
        raise PjdeskError("报送情况只在县级站点查看和设置")


def last_month_summary(session: Session) -> dict:
    """For the county's 工作台: the last month ended, how many townships reported it (on time, late,
    partial) and which have not."""
    month = Month.of(session.today()).previous()
    grid = report_grid(session, month.year)
    statuses = [r.cells[month.key].status for r in grid.rows]
    return {"month": month, "townships": len(grid.rows),
            "reported": sum(s in (ON_TIME, LATE, PARTIAL) for s in statuses),
            "late": statuses.count(LATE), "partial": statuses.count(PARTIAL),
            "missing": [r.name for r in grid.missing_in(month)], "deadline": deadline(session, month)}

