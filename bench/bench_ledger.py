"""Benchmark: the hazard ledger page at 200,000 hazards (five years of the whole county), DESIGN.md §8.

    python bench/bench_ledger.py [--hazards 200000] [--repeat 5] [--rebuild]

On the county's demo station (built once by bench/common.py and kept in bench/out/), each case is what the
ledger page does when the officer changes something: count the rows and fetch the first page of 100, through
the services the UI calls. Cases: the default view, every filter, every sort key both ways, and searches of
1 to 4 Chinese characters. Budget ≤ 100 ms each. Baseline, raw sqlite3 on the same file in the same run:
``SELECT COUNT(*) FROM hazard`` plus ``SELECT … FROM hazard ORDER BY rowid LIMIT 100``.

Also times building the demo station itself (only when it is built in this run, else shows the time recorded
when it was built), against a raw executemany of as many 20-column rows.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

from common import demo_station, heading, median_time, raw_insert_baseline, report, summary

from pjdesk.core.hazard import STATUSES, HazardFilter
from pjdesk.services import hazards as svc
from pjdesk.storage.ledger import SORT_KEYS

BUDGET_S = 0.100
DEMO_BUDGET_S = 60.0
SEARCHES = ("电", "电线", "灭火器", "安全出口", "鑫源", "jyz")  # 1-4 characters; a unit's 字号; pinyin initials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="build the demo station again (and time it)")
    args = parser.parse_args(argv)

    session, info = demo_station(args.hazards, rebuild=args.rebuild)
    results = []
    heading(f"demo station: {info['hazards']:,} hazards, {info['units']:,} units, {info['events']:,} events")
    raw = raw_insert_baseline(info["hazards"])
    note = "built in this run" if info["built_now"] else f"recorded when built ({info['built']}); --rebuild to re-time"
    results.append(report(f"load_demo({info['hazards']:,})", info["build_s"], DEMO_BUDGET_S, raw, note))

    baseline = _raw_baseline(session, args.repeat)
    heading(f"ledger page at {info['hazards']:,} hazards: count + first 100 rows, median of {args.repeat}")
    report("raw: COUNT(*) + 100 rows by rowid", baseline, None, baseline)
    for what, f, sort in _cases(session):
        figure = median_time(lambda f=f, sort=sort: _page(session, f, sort), repeat=args.repeat)
        rows = svc.count_hazards(session, f)
        results.append(report(what, figure, BUDGET_S, baseline, f"{rows:,} rows"))
    session.close()
    return summary(results)


def _page(session, f: HazardFilter, sort) -> None:
    svc.count_hazards(session, f)
    svc.list_hazards(session, f, sort=sort, limit=100)


def _cases(session):
    """(label, filter, sort) of everything the ledger page lets an officer do."""
    db = session.store.db
    busiest_unit = db.execute("SELECT unit_id FROM hazard GROUP BY unit_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    today = session.today()
    year_ago = today.replace(year=today.year - 1).isoformat()
    yield "default (all, newest first)", HazardFilter(), None
    for status in STATUSES:
        yield f"status = {status}", HazardFilter(statuses=(status,)), None
    yield "open (未销号)", HazardFilter(open_only=True), None
    yield "closed (已销号)", HazardFilter(closed_only=True), None
    yield "level = 重大", HazardFilter(level="重大"), None
    yield "sector = 危化", HazardFilter(sector="危化"), None
    yield "sector = 学校", HazardFilter(sector="学校"), None
    yield "overdue", HazardFilter(overdue=True), None
    yield "due within 7 days", HazardFilter(due_within_days=7), None
    yield "found in a month (2026-03)", HazardFilter(found_from="2026-03-01", found_to="2026-03-31"), None
    yield "found in the last year", HazardFilter(found_from=year_ago), None
    yield "closed in a month (2026-06)", HazardFilter(closed_from="2026-06-01", closed_to="2026-06-30"), None
    yield "source = 群众举报", HazardFilter(source="群众举报"), None
    yield "tag = 涉爆粉尘", HazardFilter(tag="涉爆粉尘"), None
    yield "tag = 人员密集场所封堵安全出口", HazardFilter(tag="人员密集场所封堵安全出口/疏散通道"), None
    yield "unit (its busiest)", HazardFilter(unit_id=busiest_unit), None
    yield "township = 安定镇", HazardFilter(township="430626101"), None
    yield "待补充 (incomplete)", HazardFilter(incomplete=True), None
    yield "overdue + 重大 + sector 危化", HazardFilter(overdue=True, level="重大", sector="危化"), None
    for key in SORT_KEYS:
        for descending in (False, True):
            yield f"sort {key} {'desc' if descending else 'asc'}", HazardFilter(), (key, descending)
    for term in SEARCHES:
        yield f"search “{term}” ({len(term)} chars)", HazardFilter(text=term), None
    yield "search “灭火器” + open", HazardFilter(text="灭火器", open_only=True), None
    yield "search “电线” sorted by due date", HazardFilter(text="电线"), ("due_date", False)


def _raw_baseline(session, repeat: int) -> float:
    conn = sqlite3.connect(session.store.path)
    columns = "id, hazard_no, status, level, unit_id, description, location, sector, source, found_date, due_date"

    def raw() -> None:
        conn.execute("SELECT COUNT(*) FROM hazard").fetchone()
        conn.execute(f"SELECT {columns} FROM hazard ORDER BY rowid LIMIT 100").fetchall()

    figure = median_time(raw, repeat=repeat)
    conn.close()
    return figure


if __name__ == "__main__":
    sys.exit(main())
