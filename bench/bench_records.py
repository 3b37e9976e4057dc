"""Benchmark: the generic list page (ui/record_page.py) at 200,000 inspections; every operation ≤ 100 ms.

    python bench/bench_records.py [--inspections 200000] [--repeat 5] [--rebuild]

The station is one township's, holding all 200,000 inspections (with 4,000 units): the township filter every
township list carries then selects every row, the hardest case for it. The data is written straight into the
tables with executemany (the write path is not what is measured) and kept in bench/out/ until the schema or
the way it is built changes. Child rows are not written: no list query reads them (the inspectors' names, 待补充 and the
不符合 count are columns of the inspection).

Each case is what the page does when the officer changes something: the count and the first page of rows
(200, as the page's model fetches), through the record service the page calls; the position cases are what
keeps a selection after a refresh. The baseline of each case is the same SQL run by raw sqlite3 on the same
file in the same run, so the ratio is what the service adds; a line at the top shows raw
``COUNT(*)`` + 200 rows by rowid, the floor any list pays. Cases: the default view, every sort key of the
list both ways, every filter, the county's view of every township, searches of 1, 2 and 3 characters.

``--proposed`` runs every case again on a copy of the station with the indexes PROPOSED below (for a
migration not yet agreed), to show what they would change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from common import ANDING, OUT, TODAY, heading, keep_built, median_time, report, summary

from pjdesk.core.inspection import INSPECTION
from pjdesk.core.records import REF, vocabulary
from pjdesk.services import records as svc
from pjdesk.services.records import RecordQuery
from pjdesk.storage import records as queries

BUDGET_S = 0.100
PAGE = 200  # rows the page's model fetches at a time (ui/table_model.py)
UNITS = 4000
WORDS = ["电线私拉乱接", "灭火器压力不足", "安全出口堵塞", "消防通道堆放杂物", "配电箱未接地", "应急照明损坏",
         "储罐区防雷检测过期", "特种作业人员无证上岗", "安全警示标志缺失", "未建立隐患排查台账", "脚手架连墙件缺失"]
TRADES = ["商贸", "实业", "建材", "化工", "酒店", "砖厂", "加油站", "烟花爆竹批发部", "超市", "小学"]
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", ["明", "芳", "军", "伟", "强", "敏", "静", "磊", "洋", "勇"]
SEARCHES = ("电", "化工", "李明", "灭火器")  # 1-3 characters: a finding, a unit's 字号, an inspector


# --- the station ----------------------------------------------------------------------------------------
def station(inspections: int, rebuild: bool):
    """The township station with ``inspections`` inspections, built once and kept; returns an open session."""
    import shutil

    from pjdesk.services.session import open_session
    from pjdesk.storage import migrations

    source = inspect.getsource(_build).encode() + Path(migrations.__file__).read_bytes()
    key = hashlib.sha1(source).hexdigest()[:8]
    folder = OUT / f"records-{inspections}-schema{migrations.SCHEMA_VERSION}-{key}"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if not (folder / "records.json").exists():
        for stale in OUT.glob(f"records-{inspections}-*"):
            shutil.rmtree(stale)
        OUT.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=OUT))
        start = time.perf_counter()
        _build(building, inspections)
        keep_built(building, folder, "records.json", {"inspections": inspections,
                                                       "build_s": time.perf_counter() - start})
    return open_session(folder, today=lambda: TODAY)


def _build(folder: Path, inspections: int) -> None:
    from pjdesk.services.session import init_station

    print(f"building a station of {inspections:,} inspections (once; kept for later runs)…", file=sys.stderr)
    session = init_station(folder, code=ANDING, operator="基准测试", today=lambda: TODAY)
    path = session.store.path
    session.close()
    rng = random.Random(11)
    modes = vocabulary("inspection_mode")
    stamp = "0001767225600000.0000.bench"
    conn = sqlite3.connect(path)
    with conn:
        units = []
        for i in range(UNITS):
            name = f"平江县{i:04d}号{rng.choice(TRADES)}"
            units.append((f"u{i:06d}", ANDING, stamp, stamp, name, rng.choice(["危化", "工贸其他", "学校"]),
                          "正常", f"pjx{i:04d}"))
        conn.executemany("INSERT INTO unit (id, township, created_at, updated_at, name, sector, status, name_initials)"
                         " VALUES (?,?,?,?,?,?,?,?)", units)
        rows = []
        first = dt.date(2022, 1, 1)
        span = (TODAY - first).days
        for i in range(inspections):
            mode = rng.choice(modes)
            officers = "、".join(rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(2))
            finding = rng.choice(WORDS) if rng.random() < 0.6 else None
            day = (first + dt.timedelta(days=rng.randrange(span + 1))).isoformat()
            rows.append((f"i{i:07d}", ANDING, stamp, stamp, day, rng.choice(units)[0], mode, finding, officers,
                         int(mode != "日常巡查" and rng.random() < 0.1), rng.randrange(3), int(rng.random() < 0.02)))
        conn.executemany(
            "INSERT INTO inspection (id, township, created_at, updated_at, date, unit_id, mode, findings,"
            " officer_names, incomplete, failed_items, stop_order) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.close()


# --- the cases --------------------------------------------------------------------------------------------
def cases(session):
    """(label, query, sort) of what the page lets an officer do, as the page asks the service."""
    db = session.store.db
    busiest = db.execute("SELECT unit_id FROM inspection GROUP BY unit_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    year_ago = TODAY.replace(year=TODAY.year - 1).isoformat()
    newest = ("date", True)
    yield "default (all, newest first)", RecordQuery(), newest
    for f in INSPECTION.fields:
        if f.in_list:
            for descending in (False, True):
                yield f"sort {f.name} {'desc' if descending else 'asc'}", RecordQuery(), (f.name, descending)
    for name in INSPECTION.derived_labels:
        for descending in (False, True):
            yield f"sort {name} {'desc' if descending else 'asc'}", RecordQuery(), (name, descending)
    for mode in ("双随机", "日常巡查"):
        yield f"mode = {mode}", RecordQuery(filters={"mode": mode}), newest
    yield "date in a month (2026-03)", RecordQuery(filters={"date": ("2026-03-01", "2026-03-31")}), newest
    yield "date from a year ago", RecordQuery(filters={"date": (year_ago, None)}), newest
    yield "date until 2023-12-31", RecordQuery(filters={"date": (None, "2023-12-31")}), newest
    yield "unit (its busiest)", RecordQuery(filters={"unit_id": busiest}), newest
    yield "mode 计划执法 + a month", RecordQuery(filters={"mode": "计划执法", "date": ("2026-03-01", "2026-03-31")}), newest
    yield "stop_order (flag)", RecordQuery(filters={"stop_order": 1}), newest
    for term in SEARCHES:
        yield f"search “{term}” ({len(term)} chars)", RecordQuery(text=term), newest
    yield "search “化工” + mode 双随机", RecordQuery(text="化工", filters={"mode": "双随机"}), newest


def service_page(session, query: RecordQuery, sort) -> None:
    svc.count_records(session, INSPECTION, query)
    svc.list_records(session, INSPECTION, query, sort=sort, limit=PAGE)


def raw_page(conn: sqlite3.Connection, query: RecordQuery, sort, hint: str = "") -> None:
    """The statements storage/records.py makes for the page (``hint``: the index its count names), run by raw
    sqlite3."""
    sql, params = queries.where(INSPECTION, query)
    conn.execute(f"SELECT COUNT(*) FROM inspection t{hint}{sql}", params).fetchone()
    conn.execute(f"SELECT {queries._select(INSPECTION)} FROM inspection t{sql}{queries._order(INSPECTION, sort, 't')}"
                 " LIMIT ? OFFSET ?", [*params, PAGE, 0]).fetchall()


def raw_position(conn: sqlite3.Connection, query: RecordQuery, record_id: str, sort) -> None:
    sql, params = queries.where(INSPECTION, query)
    conn.execute(f"SELECT n FROM (SELECT t.id, ROW_NUMBER() OVER ({queries._order(INSPECTION, sort, 't')[1:]}) - 1"
                 f" AS n FROM inspection t{sql}) WHERE id = ?", [*params, record_id]).fetchone()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspections", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="build the station again")
    parser.add_argument("--proposed", action="store_true",
                        help="run again on a copy with the indexes proposed for a migration (PROPOSED)")
    args = parser.parse_args(argv)

    session = station(args.inspections, args.rebuild)
    results = run(session, args.repeat)
    session.close()
    if args.proposed:
        results += proposed(args.inspections, args.repeat)
    return summary(results)


def run(session, repeat: int, title: str = "") -> list[bool]:
    conn = sqlite3.connect(session.store.path)
    total = svc.count_records(session, INSPECTION)
    results = []
    floor = median_time(lambda: (conn.execute("SELECT COUNT(*) FROM inspection").fetchone(),
                                 conn.execute("SELECT * FROM inspection ORDER BY rowid LIMIT ?", [PAGE]).fetchall()),
                        repeat=repeat)
    heading(f"{title}inspection list at {total:,} inspections: count + first {PAGE} rows, median of {repeat}"
            " (baseline: the same SQL by raw sqlite3)")
    report(f"raw floor: COUNT(*) + {PAGE} rows by rowid", floor, None, floor)
    township = RecordQuery(township=ANDING)  # what the service adds for a township station
    for what, query, sort in cases(session):
        scoped = RecordQuery(query.text, query.filters, ANDING)
        figure = median_time(lambda q=query, s=sort: service_page(session, q, s), repeat=repeat)
        hint = queries._counted_by(session.store, INSPECTION, scoped)
        baseline = median_time(lambda q=scoped, s=sort, h=hint: raw_page(conn, q, s, h), repeat=repeat)
        rows = svc.count_records(session, INSPECTION, query)
        results.append(report(what, figure, BUDGET_S, baseline, f"{rows:,} rows"))

    heading("the county's view (every township; storage queried as the county's service does)")
    for what, query, sort in (("county: all, newest first", RecordQuery(), ("date", True)),
                              ("county: one township", township, ("date", True)),
                              ("county: mode = 双随机", RecordQuery(filters={"mode": "双随机"}), ("date", True)),
                              ("county: search “化工”", RecordQuery(text="化工"), ("date", True))):
        def county(q=query, s=sort) -> None:
            queries.count(session.store, INSPECTION, q)
            queries.page(session.store, INSPECTION, q, sort=s, limit=PAGE)
        figure = median_time(county, repeat=repeat)
        hint = queries._counted_by(session.store, INSPECTION, query)
        baseline = median_time(lambda q=query, s=sort, h=hint: raw_page(conn, q, s, h), repeat=repeat)
        results.append(report(what, figure, BUDGET_S, baseline))

    heading("position of the selected record (keeping the selection after a refresh)")
    middle = conn.execute("SELECT id FROM inspection ORDER BY date DESC, rowid DESC LIMIT 1 OFFSET ?",
                          [total // 2]).fetchone()[0]
    for what, query, sort in (("position, newest first", RecordQuery(), ("date", True)),
                              ("position, sorted by unit", RecordQuery(), ("unit_id", False)),
                              ("position, mode = 日常巡查", RecordQuery(filters={"mode": "日常巡查"}), ("date", True)),
                              ("position, search “电”", RecordQuery(text="电"), ("date", True))):
        scoped = RecordQuery(query.text, query.filters, ANDING)
        figure = median_time(lambda q=query, s=sort: svc.record_position(session, INSPECTION, q, middle, sort=s),
                             repeat=repeat)
        baseline = median_time(lambda q=scoped, s=sort: raw_position(conn, q, middle, s), repeat=repeat)
        results.append(report(what, figure, BUDGET_S, baseline))

    heading("not offered (raw SQL, for comparison)")
    by_title = median_time(lambda: conn.execute(
        "SELECT t.id FROM inspection t WHERE t.deleted = 0 AND t.township = ? ORDER BY"
        " (SELECT r.name FROM unit r WHERE r.id = t.unit_id), t.rowid LIMIT ?", [ANDING, PAGE]).fetchall(),
        repeat=repeat)
    report("sort by the unit's name, first page", by_title, None, floor)
    # Where a record stands, counted as the rows before it in the sort order (a range of an index on the sort
    # key) rather than numbered by a window over all of them.
    day, rowid = conn.execute("SELECT date, rowid FROM inspection WHERE id = ?", [middle]).fetchone()
    before = median_time(lambda: conn.execute(
        "SELECT COUNT(*) FROM inspection t WHERE t.deleted = 0 AND t.township = ? AND (t.date, t.rowid) > (?, ?)",
        [ANDING, day, rowid]).fetchone(), repeat=repeat)
    report("position, newest first, as rows before it", before, None, floor)
    conn.close()
    return results


# Indexes that would bring the list within budget (not in a migration: proposed). Every list column and filter
# field of the kind, after the township (a township's list always names it) and on live rows only: a sort
# reads its first page from the index, a filter counts from it. A reference also keeps its records in the
# list's default order (a unit's inspections, newest first), else SQLite, which has no statistics here, walks
# the whole date index for a unit's few.
PROPOSED = [(f.name, INSPECTION.title_field) if f.type == REF else (f.name,)
            for f in INSPECTION.fields if f.in_list or f.name == "stop_order"] + [(c,) for c in INSPECTION.derived_labels]


def proposed(inspections: int, repeat: int) -> list[bool]:
    import shutil

    from pjdesk.services.session import open_session

    source = station(inspections, False)
    database = Path(source.store.path)
    source.close()
    with tempfile.TemporaryDirectory(dir=OUT) as copy:
        target = Path(copy) / "station"
        shutil.copytree(database.parent, target)
        conn = sqlite3.connect(target / database.name)
        for columns in PROPOSED:
            conn.execute(f"CREATE INDEX proposed_{columns[0]} ON inspection(township, {', '.join(columns)})"
                         " WHERE deleted = 0")
        conn.commit()
        conn.close()
        session = open_session(target, today=lambda: TODAY)
        try:
            return run(session, repeat, "WITH THE PROPOSED INDEXES: ")
        finally:
            session.close()


if __name__ == "__main__":
    sys.exit(main())
