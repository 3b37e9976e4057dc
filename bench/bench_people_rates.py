"""Benchmark: the five training and certificate rates (T17, T18a, T18b, T51, T52) for a county of 200,000
people, the county's figure and each township's; budget ≤ 1 s.

    python bench/bench_people_rates.py [--people 200000] [--repeat 5] [--rebuild]

The county station holds 200,000 people across the 25 townships (8 units each of 1,000: 危化, 烟花爆竹, 非煤矿山,
工贸其他, 建筑施工 …, half of them 高危), a tenth of them gone or joining later in the year; each unit holds 3 to 8
training sessions over last year and this, and each person attended up to 3 of them (7% failed); 60,000
certificates, some lapsed. The data is written straight into
the tables with executemany (the write path is not what is measured) and kept in bench/out/ until the schema or
the way it is built changes.

The figure is what ``pjdesk targets`` and the 工作台 do for these rates: the grouped facts of the people 在册
on D (storage.people_facts, one query), then every rate of the county and of each township from them. The
baseline is the same five counts per township in one plain sqlite3 query written by hand as well as we know
how (RAW), on the same file in the same run; the run stops if its counts are not pjdesk's. Beside the wall
times it prints the CPU time of this process and the machine's load, since a shared machine stretches the
wall time of both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import COUNTY, OUT, TODAY, heading, keep_built, median_time, report, summary

from pjdesk.core.periods import Month
from pjdesk.core.townships import townships
from pjdesk.indicators.people_targets import RATES
from pjdesk.services.people_rates import people_facts

BUDGET_S = 1.0
SECTORS = ("危化", "烟花爆竹", "非煤矿山", "金属冶炼", "工贸其他", "建筑施工", "人员密集场所", "交通运输")
ROLES = ("主要负责人", "分管负责人", "专职安全管理人员", "班组长", "特种作业人员", "高风险岗位操作人员",
         "一般从业人员", "一般从业人员", "一般从业人员", "一般从业人员")
EMPLOYMENT = ("正式", "正式", "正式", "劳务派遣", "灵活用工")
CERTS = ("特种作业操作证", "特种设备作业人员证", "建筑施工特种作业操作资格证", "安全生产知识和管理能力考核合格证")


def station(people: int, rebuild: bool):
    from pjdesk.services.session import open_session
    from pjdesk.storage import migrations

    source = inspect.getsource(_build).encode() + Path(migrations.__file__).read_bytes()
    key = hashlib.sha1(source).hexdigest()[:8]
    folder = OUT / f"people-{people}-{key}"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if not (folder / "people.json").exists():
        for stale in OUT.glob(f"people-{people}-*"):
            shutil.rmtree(stale)
        OUT.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=OUT))
        start = time.perf_counter()
        _build(building, people)
        keep_built(building, folder, "people.json", {"people": people, "build_s": time.perf_counter() - start})
    return open_session(folder, today=lambda: TODAY)


def _build(folder: Path, people: int) -> None:
    from pjdesk.services.session import init_station

    print(f"building a county of {people:,} people (once; kept for later runs)…", file=sys.stderr)
    session = init_station(folder, code=COUNTY, operator="基准测试", county=True, today=lambda: TODAY)
    path = session.store.path
    session.close()
    rng = random.Random(17)
    codes = [t.code for t in townships()]
    stamp = "0001767225600000.0000.bench"
    units = []
    for i in range(max(people // 25, 1)):
        sector = rng.choice(SECTORS)
        units.append((f"u{i:06d}", codes[i % len(codes)], stamp, stamp, f"单位{i:05d}", sector, "正常",
                      int(sector in SECTORS[:4] or rng.random() < 0.05)))
    persons, trainings, attendees, certificates = [], [], [], []
    day = dt.date(2026, 1, 1)
    sessions = {}  # unit → its training sessions of last year and this (a unit trains its people together)
    for unit in units:
        sessions[unit[0]] = []
        for _ in range(rng.randrange(3, 9)):
            t = f"t{len(trainings):07d}"
            trainings.append((t, unit[1], stamp, stamp, (day + dt.timedelta(days=rng.randrange(-200, 330))).isoformat(),
                              "年度再培训", rng.choice((4, 8, 12, 16, 24, 48)), unit[0]))
            sessions[unit[0]].append(t)
    for i in range(people):
        unit = rng.choice(units)
        hired = (day - dt.timedelta(days=rng.randrange(3650))).isoformat() if rng.random() < 0.9 else (
            day + dt.timedelta(days=rng.randrange(360))).isoformat()
        left = (day + dt.timedelta(days=rng.randrange(365))).isoformat() if rng.random() < 0.06 else None
        persons.append((f"p{i:07d}", unit[1], stamp, stamp, f"人员{i:06d}", unit[0], rng.choice(ROLES),
                        rng.choice(EMPLOYMENT), hired, left))
        for t in rng.sample(sessions[unit[0]], rng.choice((0, 1, 2, 2, 3))):
            attendees.append((f"a{len(attendees):07d}", unit[1], stamp, stamp, t, f"p{i:07d}",
                              "合格" if rng.random() < 0.93 else "不合格"))
        if rng.random() < 0.3:
            until = (day + dt.timedelta(days=rng.randrange(-200, 2000))).isoformat()
            certificates.append((f"c{len(certificates):07d}", unit[1], stamp, stamp, f"p{i:07d}", rng.choice(CERTS),
                                 f"N{i:07d}", until, min(until, (day + dt.timedelta(days=rng.randrange(0, 1000)))
                                                         .isoformat())))
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO unit (id, township, created_at, updated_at, name, sector, status, is_high_risk)"
                         " VALUES (?,?,?,?,?,?,?,?)", units)
        conn.executemany("INSERT INTO person (id, township, created_at, updated_at, name, unit_id, role_class,"
                         " employment, hired, left_on) VALUES (?,?,?,?,?,?,?,?,?,?)", persons)
        conn.executemany("INSERT INTO training (id, township, created_at, updated_at, date, training_type, hours,"
                         " unit_id) VALUES (?,?,?,?,?,?,?,?)", trainings)
        conn.executemany("INSERT INTO training_attendee (id, township, created_at, updated_at, training_id,"
                         " person_id, result) VALUES (?,?,?,?,?,?,?)", attendees)
        conn.executemany("INSERT INTO certificate (id, township, created_at, updated_at, person_id, cert_type,"
                         " cert_no, valid_until, review_due) VALUES (?,?,?,?,?,?,?,?,?)", certificates)
    conn.execute("ANALYZE")
    conn.close()


def pjdesk_rates(session, day: str, year_start: str) -> dict:
    """As targets_json: the county's facts once, then every rate of the county and of each township."""
    groups = people_facts(session, day=day, year_start=year_start, township=None).groups
    figures = {"county": {r: RATES[r].measure(groups) for r in RATES}}
    for t in townships():
        own = [g for g in groups if g["township"] == t.code]
        figures[t.code] = {r: RATES[r].measure(own) for r in RATES}
    return figures


# The same counts in plain SQL, written as well as we know how (same tables, same indexes): the year's passed hours
# per person from the covering indexes of m013, the valid certificates per person, the units read once, then
# one pass over the roster summing each rate's base and numerator by township. Its minimum hours are the table's
# (first training when hired in the year) with the county's default 8 h; the run checks its counts are pjdesk's.
RAW = """
WITH u AS MATERIALIZED (
  SELECT id, sector, is_high_risk AS hr, sector IN ('非煤矿山','危化','烟花爆竹','金属冶炼') AS hrs FROM unit WHERE deleted = 0),
h AS (
  SELECT a.person_id, SUM(COALESCE(t.hours, 0)) AS hours
  FROM training t INDEXED BY training_year JOIN training_attendee a ON a.training_id = t.id AND a.deleted = 0
  WHERE t.deleted = 0 AND t.date BETWEEN :start AND :day AND a.result = '合格' GROUP BY a.person_id),
c AS (
  SELECT person_id, MAX(cert_type = '安全生产知识和管理能力考核合格证') AS mgmt, MAX(cert_type = '特种作业操作证') AS op,
         MAX(cert_type IN ('特种作业操作证','特种设备作业人员证','建筑施工特种作业操作资格证')) AS special
  FROM certificate WHERE deleted = 0 AND valid_until >= :day AND (review_due IS NULL OR review_due >= :day)
  GROUP BY person_id),
p AS (
  SELECT p.township, p.role_class, u.sector, u.hr, h.hours, c.mgmt, c.op, c.special,
         CASE WHEN p.role_class IN ('主要负责人','分管负责人','专职安全管理人员')
              THEN CASE WHEN u.hrs THEN IIF(p.hired >= :start, 48, 16) ELSE IIF(p.hired >= :start, 32, 12) END
              ELSE CASE WHEN u.hrs THEN IIF(p.hired >= :start, 72, 20) ELSE IIF(p.hired >= :start, 24, 8) END END AS need
  FROM person p NOT INDEXED LEFT JOIN u ON u.id = p.unit_id LEFT JOIN h ON h.person_id = p.id
  LEFT JOIN c ON c.person_id = p.id
  WHERE p.deleted = 0 AND (p.hired IS NULL OR p.hired <= :day) AND (p.left_on IS NULL OR p.left_on > :day))
SELECT township,
  SUM(role_class IN ('分管负责人','专职安全管理人员','班组长') AND hr AND hours IS NOT NULL),
  SUM(role_class IN ('分管负责人','专职安全管理人员','班组长') AND hr),
  SUM(sector = '危化' AND role_class = '专职安全管理人员' AND mgmt), SUM(sector = '危化' AND role_class = '专职安全管理人员'),
  SUM(sector = '危化' AND role_class = '高风险岗位操作人员' AND op), SUM(sector = '危化' AND role_class = '高风险岗位操作人员'),
  SUM(role_class = '特种作业人员' AND special), SUM(role_class = '特种作业人员'),
  SUM(COALESCE(hours, 0) >= need), COUNT(*)
FROM p GROUP BY township
"""


def raw_county(rows: list[tuple]) -> dict[str, tuple[int, int]]:
    """The county's five counts (numerator, denominator) from RAW's rows by township."""
    totals = [sum(r[i] for r in rows) for i in range(1, 11)]
    return {rate: (totals[2 * i], totals[2 * i + 1]) for i, rate in enumerate(("T17", "T18a", "T18b", "T51", "T52"))}


def cpu_time(work, repeat: int) -> float:
    """Median CPU time of this process for ``work()``: what the figure would be on a machine of its own."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="build the station again")
    args = parser.parse_args(argv)

    session = station(args.people, args.rebuild)
    month = Month(2026, 11)
    day, start = month.end.isoformat(), month.year_start.isoformat()
    conn = sqlite3.connect(session.store.path)
    figure = median_time(lambda: pjdesk_rates(session, day, start), repeat=args.repeat)
    baseline = median_time(lambda: conn.execute(RAW, {"day": day, "start": start}).fetchall(), repeat=args.repeat)
    county = pjdesk_rates(session, day, start)["county"]
    raw = raw_county(conn.execute(RAW, {"day": day, "start": start}).fetchall())
    if raw != {r: (m.numerator, m.denominator) for r, m in county.items()}:
        print(f"  the baseline's counts differ from pjdesk's: {raw}")
        return 1
    heading(f"the five rates on {day}, county and 25 townships, median of {args.repeat}"
            " (baseline: the same counts in one plain sqlite3 query)")
    cpu = cpu_time(lambda: pjdesk_rates(session, day, start), args.repeat)
    shown = "  ".join(f"{r} {m.numerator:,}/{m.denominator:,}" for r, m in county.items())
    results = [report(f"T17 T18a T18b T51 T52 at {args.people:,} people", figure, BUDGET_S, baseline)]
    print(f"  county: {shown}")
    print(f"  CPU time of this process, median {cpu:.2f} s; load average {os.getloadavg()[0]:.2f}"
          f" on {os.cpu_count()} cores")
    conn.close()
    session.close()
    return summary(results)


if __name__ == "__main__":
    sys.exit(main())
