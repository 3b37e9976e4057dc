"""逾期未整改 means the rectification is late, not the paperwork after it: one rule (pjdesk.core.hazard.overdue)
read by the ledger's filter and colour, the 工作台 cards, status --json, 表2, 表3 and the targets alike.

The property test walks many hazards through random lifecycles day by day, and at every checkpoint compares
the rule applied in Python to the state derived from the events with what the SQL of the ledger, the
dashboard and status --json say that day; at month ends it also compares the state as of that day, derived
again later from the events dated by then (as 表2, the targets and the ranking read it).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from pjdesk.core.hazard import (
    AWAITING_REVIEW,
    CLOSED,
    FOUND,
    MAJOR,
    RECTIFYING,
    REOPEN,
    REVIEWED,
    HazardFilter,
    derive_state,
    overdue,
    overdue_unclosed,
)
from pjdesk.core.periods import Month
from pjdesk.services import hazards as svc
from pjdesk.services import return_figures, returns
from pjdesk.services.session import init_station
from pjdesk.services.status import station_status
from pjdesk.services.units import save_unit
from pjdesk.storage import ledger as ledger_queries
from pjdesk.storage.period_facts import hazards_as_of

MAJOR_ITEMS = {"level": MAJOR, "major_basis": "《工贸企业重大事故隐患判定标准》第四条", "resp_person": "王五",
               "measures": "停产整改", "funds": 0, "emergency_plan": "现场处置方案"}


def listed(session, f: HazardFilter, page: int = 7) -> list[dict]:
    """Every row the ledger shows for a filter, read page by page as the list does."""
    rows, offset = [], 0
    while True:
        chunk = svc.list_hazards(session, f, offset=offset, limit=page)
        rows += chunk
        if len(chunk) < page:
            return rows
        offset += page


# --- the case of the issue ---------------------------------------------------------------------------------
@pytest.fixture
def three(session, unit):
    """Found 11-02, due 11-09: one rectified and reviewed 合格 on 11-04 (on time), one rectified on 11-04 and
    found not done at review on 11-20 (overdue again), one never rectified. Today is 2026-11-29."""
    def hazard(text, **values):
        return svc.record_hazard(session, {"unit_id": unit, "description": text, "found_date": "2026-11-02",
                                           "deadline": "2026-11-09", **values}).id
    on_time = hazard("配电箱电线老化")
    svc.complete_rectification(session, on_time, "2026-11-04")
    svc.review_hazard(session, on_time, "2026-11-04", passed=True, reviewer="李四")
    redo = hazard("灭火器过期")
    svc.complete_rectification(session, redo, "2026-11-04")
    svc.review_hazard(session, redo, "2026-11-20", passed=False, reviewer="李四", note="仍有过期灭火器")
    never = hazard("消防通道堵塞")
    return {"on_time": on_time, "redo": redo, "never": never}


def test_a_hazard_rectified_before_its_deadline_is_not_overdue_anywhere(session, three):
    late = {three["redo"], three["never"]}
    assert {r["id"] for r in listed(session, HazardFilter(overdue=True))} == late
    assert svc.count_hazards(session, HazardFilter(overdue=True)) == 2
    assert svc.dashboard(session)["overdue"] == 2
    assert station_status(session)["counts"]["hazards_overdue"] == 2
    assert not svc.hazard_detail(session, three["on_time"])["overdue"]
    assert svc.hazard_detail(session, three["redo"])["overdue"], "a failed review puts it back to 整改中"
    # 表2 of November counts the on-time one as rectified in the month and nowhere as late.
    total = returns.fill_form(session, "表2", Month.parse("2026-11")).total
    assert (total["general_fixed"], total["general_open"]) == (1, 2)


def test_the_card_of_deadlines_this_week_leaves_out_what_is_already_rectified(session, unit):
    def hazard(text):
        return svc.record_hazard(session, {"unit_id": unit, "description": text, "found_date": "2026-11-20",
                                           "deadline": "2026-12-02"}).id
    hazard("电线私拉乱接")
    done = hazard("安全出口被锁闭")
    svc.complete_rectification(session, done, "2026-11-25")
    assert svc.dashboard(session)["due_this_week"] == 1
    assert svc.count_hazards(session, HazardFilter(due_within_days=7)) == 1


def test_table3_names_which_of_the_two_measures_is_late(session, unit):
    def major(text, deadline):
        return svc.record_hazard(session, {"unit_id": unit, "description": text, "found_date": "2026-10-02",
                                           "deadline": deadline, **MAJOR_ITEMS}).id
    rectified = major("反应釜无自动化控制", "2026-10-20")
    svc.complete_rectification(session, rectified, "2026-10-10")
    major("储罐区无防火堤", "2026-10-20")
    major("涉爆粉尘除尘器未接地", "2026-12-20")
    rows = {r["description"]: r["progress"] for r in returns.fill_form(session, "表3", Month.parse("2026-11")).rows}
    assert rows == {"反应釜无自动化控制": "已整改待复查（逾期未销号）", "储罐区无防火堤": "发现（逾期未整改）",
                    "涉爆粉尘除尘器未接地": "发现"}
    total = returns.fill_form(session, "表2", Month.parse("2026-11")).total
    assert total["major_overdue"] == 2, "表2's 逾期未销号 counts both past their deadline and not 销号"


# --- the property: Python and SQL, today and as of a month's end, agree ------------------------------------
def _walk_one_day(rng: random.Random, session, hazard: dict, day: dt.date) -> None:
    """Maybe take one step on a hazard, as an officer would on ``day``: only steps the lifecycle allows."""
    if rng.random() > 0.09:
        return
    state = derive_state(hazard, ledger_queries.events_of(session.store, hazard["id"]))
    iso = day.isoformat()
    status = state.status
    if state.last_date and iso < state.last_date:
        return
    choice = rng.random()
    if status == CLOSED:
        if choice < 0.15:  # a mistaken 销号 withdrawn now and then
            svc.reopen_hazard(session, hazard["id"], iso, "误点销号")
        return
    if choice < 0.12:
        base = max(day, dt.date.fromisoformat(state.due_date)) if state.due_date else day
        new = base + dt.timedelta(days=rng.randint(1, 20))
        svc.extend_hazard(session, hazard["id"], iso, new.isoformat(), "等待采购")
    elif status == FOUND and choice < 0.4:
        svc.notify_rectification(session, hazard["id"], iso)
    elif status in (FOUND, RECTIFYING):
        svc.complete_rectification(session, hazard["id"], iso)
    elif status == AWAITING_REVIEW:
        svc.review_hazard(session, hazard["id"], iso, passed=rng.random() < 0.6, reviewer="李四", note="杂物未清完")
    elif status == REVIEWED and choice < 0.5:
        svc.close_hazard(session, hazard["id"], iso)


def _python_overdue(session, day: dt.date, seen: set[str]) -> set[str]:
    """The rule applied to each hazard's state derived from its events; ``seen`` collects the kinds of case
    met, so that the test can tell it met the ones where the old rule was wrong."""
    out = set()
    for h in session.store._rows("SELECT * FROM hazard WHERE deleted = 0"):
        events = ledger_queries.events_of(session.store, h["id"])
        state = derive_state(h, events)
        if overdue(state.status, state.due_date, day):
            out.add(h["id"])
            if any(e["result"] == "不合格" for e in events):
                seen.add("overdue again after a failed review")
        elif overdue_unclosed(state.status, state.due_date, day):
            seen.add("rectified, past the deadline, not 销号")
            if any(e["kind"] == REOPEN for e in events):
                seen.add("past the deadline after a withdrawn 销号")
    return out


def _sql_says(session) -> dict:
    """What every SQL reader of the rule says today; each must agree with the others."""
    rows = listed(session, HazardFilter(overdue=True))
    ids = {r["id"] for r in rows}
    assert len(rows) == len(ids), "no row twice across pages"
    assert svc.count_hazards(session, HazardFilter(overdue=True)) == len(ids)
    assert svc.dashboard(session)["overdue"] == len(ids)
    assert station_status(session)["counts"]["hazards_overdue"] == len(ids)
    today = session.today()
    for r in rows:  # the colour and the 逾期 column of the list use the same rule on the row
        assert overdue(r["status"], r["due_date"], today)
    majors = {r["id"] for r in listed(session, HazardFilter(overdue=True, level=MAJOR))}
    assert majors == {r["id"] for r in rows if r["level"] == MAJOR}
    return {"overdue": ids}


@pytest.mark.parametrize("seed, walk_pages", [(1, False), (2, True), (3, False)])
def test_python_and_sql_agree_on_overdue_every_day_and_as_of_every_month_end(tmp_path, monkeypatch, seed,
                                                                              walk_pages):
    if walk_pages:  # make every page walk the sort order (the plan of a large selection), not drive from a filter
        monkeypatch.setattr(ledger_queries, "FEW_ROWS", 1)
        monkeypatch.setattr(ledger_queries, "FEW_ROWS_SHORT_TERM", 1)
    rng = random.Random(seed)
    day = [dt.date(2025, 11, 20)]
    session = init_station(tmp_path / "s", code="430626101", operator="张三", today=lambda: day[0])
    session.store.db.execute("PRAGMA synchronous = OFF")  # speed only: this test does not pull the plug
    try:
        units = [save_unit(session, {"name": name, "sector": "工贸其他"}).id
                 for name in ("平江县安定化工有限公司", "安定镇红星烟花爆竹经营部")]
        hazards: list[dict] = []
        month_ends: dict[dt.date, set[str]] = {}
        seen: set[str] = set()
        last = dt.date(2026, 3, 10)
        while day[0] <= last:
            today = day[0]
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                major = rng.random() < 0.3
                deadline = today + dt.timedelta(days=rng.randint(0, 25)) if major or rng.random() < 0.9 else None
                values = {"unit_id": rng.choice(units), "description": rng.choice(("电线老化", "通道堵塞", "灭火器过期")),
                          "found_date": today.isoformat(), "deadline": deadline and deadline.isoformat(),
                          **(MAJOR_ITEMS if major else {})}
                hazard_id = svc.record_hazard(session, values).id
                hazards.append(session.store.get(svc.HAZARD, hazard_id))
            for hazard in hazards:
                _walk_one_day(rng, session, hazard, today)
            if today == Month.of(today).end or rng.random() < 0.1:
                says = _sql_says(session)
                assert says["overdue"] == _python_overdue(session, today, seen), today
                if today == Month.of(today).end:
                    month_ends[today] = says["overdue"]
            day[0] = today + dt.timedelta(days=1)
        assert len(hazards) > 60 and sum(map(len, month_ends.values())) >= 15
        assert seen == {"overdue again after a failed review", "rectified, past the deadline, not 销号",
                        "past the deadline after a withdrawn 销号"}
        # Months later, the state as of each month's end is derived again from the events dated by then.
        for end, then in month_ends.items():
            month = Month.of(end)
            facts = hazards_as_of(session.store, year_start=month.year_start.isoformat(), end=end.isoformat())
            assert {h["id"] for h in facts if overdue(h["status"], h["due_date"], end)} == then, end
            unclosed = sum(overdue_unclosed(h["status"], h["due_date"], end) for h in facts if h["level"] == MAJOR)
            assert return_figures.table2_counts(facts, month)["major_overdue"] == unclosed
    finally:
        session.close()
