"""Benchmark: the people page (人员) of a county searched and sorted: each case ≤ 100 ms.

    python bench/bench_people_search.py [--repeat 5]

The station is common.py's county demo of 200,000 hazards (five years of the whole county), whose people are
the demo's: real-looking names, their pinyin initials, 身份证号 and units, about 138,000 of them. Each case
is what the page does when the officer types a word or clicks a column: the count and the first page of rows
(200, as the page's model fetches), through the record service the page calls. A search counts from the
people's search index and, when it finds ten thousand or fewer, its page reads those rows by rowid
(storage/records.py: FOUND_ROWS); otherwise the page reads the list's order from the top.

Baselines, in the same run on the same file: the floor any list pays (raw ``COUNT(*)`` and 200 rows by rowid),
and for a search the count alone, by raw sqlite3 with the same statement: the one pass over the index that
every search needs, a rare word as much as a common one.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

from common import demo_station, heading, median_time, report, summary

from pjdesk.core.person import PERSON
from pjdesk.services import records as svc
from pjdesk.services.records import RecordQuery
from pjdesk.storage import records as queries

BUDGET_S = 0.100
PAGE = 200  # rows the page's model fetches at a time (ui/table_model.py)


def cases(conn: sqlite3.Connection):
    """(label, query, sort): words an officer types, from the demo's own people and units, and sorts."""
    name, initials, id_number = conn.execute(
        "SELECT name, name_initials, id_number FROM person WHERE deleted = 0 AND length(name) = 3"
        " AND id_number IS NOT NULL ORDER BY rowid LIMIT 1").fetchone()
    yield "all, by name", RecordQuery(), None
    yield "all, by 身份证号 descending", RecordQuery(), ("id_number", True)
    yield f"search “{name[0]}” (a surname, 1 char)", RecordQuery(text=name[0]), None
    yield f"search “{name[1]}” (1 char)", RecordQuery(text=name[1]), None
    yield f"search “{name}” (a whole name)", RecordQuery(text=name), None
    yield f"search “{name[:2]}” (2 chars)", RecordQuery(text=name[:2]), None
    yield f"search “{initials}” (pinyin initials)", RecordQuery(text=initials), None
    yield f"search “{id_number[-6:]}” (end of a 身份证号)", RecordQuery(text=id_number[-6:]), None
    yield "search “加油站” (a unit's name)", RecordQuery(text="加油站"), None
    yield "search “4306” (most people)", RecordQuery(text="4306"), None
    yield "search “不存在” (nobody)", RecordQuery(text="不存在"), None
    township = conn.execute("SELECT township FROM person GROUP BY township ORDER BY COUNT(*) DESC").fetchone()[0]
    yield f"one township ({township}), search “{name[0]}”", RecordQuery(text=name[0], township=township), None


def raw_count(session, conn: sqlite3.Connection, query: RecordQuery, repeat: int) -> float:
    """A search's baseline: its count, the statement storage/records.py makes, run by raw sqlite3."""
    sql, params = queries.where(PERSON, query)
    counted = f"SELECT COUNT(*) FROM person t{queries._counted_by(session.store, PERSON, query)}{sql}"
    return median_time(lambda: conn.execute(counted, params).fetchone(), repeat=repeat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    session, _info = demo_station(200_000, county=True)
    conn = sqlite3.connect(f"file:{session.store.path}?mode=ro", uri=True)
    total = svc.count_records(session, PERSON)
    floor = median_time(lambda: (conn.execute("SELECT COUNT(*) FROM person").fetchone(),
                                 conn.execute("SELECT * FROM person ORDER BY rowid LIMIT ?", [PAGE]).fetchall()),
                        repeat=args.repeat)
    heading(f"the county's people page at {total:,} people: count + first {PAGE} rows, median of {args.repeat}")
    report(f"raw floor: COUNT(*) + {PAGE} rows by rowid", floor, None, floor)
    results = []
    for what, query, sort in cases(conn):
        def shown(q=query, s=sort) -> None:
            svc.count_records(session, PERSON, q)
            svc.list_records(session, PERSON, q, sort=s, limit=PAGE)
        figure = median_time(shown, repeat=args.repeat)
        baseline, note = floor, ""
        if query.text:
            baseline = raw_count(session, conn, query, args.repeat)
            note = "; baseline: its count by raw sqlite3"
        rows = svc.count_records(session, PERSON, query)
        results.append(report(what, figure, BUDGET_S, baseline, f"{rows:,} found{note}"))
    heading("a refresh with a person selected: count, first page and the selected row's position")
    for word in ("付", "德", "加油站"):
        query = RecordQuery(text=word)
        listed = svc.list_records(session, PERSON, query, limit=PAGE)
        selected = listed[len(listed) // 2]["id"]

        def refreshed(q=query, s=selected) -> None:
            svc.count_records(session, PERSON, q)
            svc.list_records(session, PERSON, q, limit=PAGE)
            svc.record_position(session, PERSON, q, s)
        figure = median_time(refreshed, repeat=args.repeat)
        baseline = raw_count(session, conn, query, args.repeat)
        results.append(report(f"refresh, search “{word}”", figure, BUDGET_S, baseline,
                              "baseline: its count by raw sqlite3"))
    conn.close()
    session.close()
    return summary(results)


if __name__ == "__main__":
    sys.exit(main())
