"""The spreadsheet-import benchmarks' shared run: the sheet written by a fresh process (so that writing it costs
the import nothing), then ``repeat`` imports into fresh stations and as many raw baselines, and the report."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the characters of a credit code's body


def credit_code(rng: random.Random) -> str:
    """A valid 统一社会信用代码 of a 平江县 company (its check digit computed), drawn from ``rng``."""
    from stdnum.cn import uscc

    body = "91430626" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def text_date(day: dt.date, rng: random.Random) -> object:
    """A date as sheets hold them: a date cell, or text typed in any of the usual forms."""
    form = rng.randrange(6)
    return [day, day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month}.{day.day}",
            f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d")][form]


def read_and_insert(path: Path, folder: Path, rows: int, width: int) -> tuple[float, list]:
    """The raw baseline: the sheet read by calamine (the reader the import uses) and its ``rows`` data rows,
    under a title and a header, inserted with one executemany into a table of ``width`` text columns, in a WAL
    database with synchronous=FULL as pjdesk's. Returns the seconds and the rows read (for a kind whose import
    writes child rows too)."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    conn = sqlite3.connect(str(folder / "raw.db"))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"CREATE TABLE t (id TEXT PRIMARY KEY, {', '.join(f'c{i}' for i in range(width))})")
    data = grid[2:2 + rows]
    params = []
    for n, row in enumerate(data):
        values = [str(v) if v != "" else None for v in row][:width]
        params.append([f"r{n}", *values, *[None] * (width - len(values))])
    with conn:
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * (width + 1))})", params)
    conn.close()
    return time.perf_counter() - started, data


def run(script: str, doc: str, sheet_name: str, write: Callable[[Path, int], None],
        time_import: Callable[[Path, Path], tuple[float, float, dict]],
        time_raw: Callable[[Path, Path, int], float], describe: Callable[[int, int, dict], str],
        raw_words: str, budget_s: float, argv: list[str] | None = None, *,
        time_same: Callable[[Path, Path, Path], float] | None = None, ratio: float = 4.0) -> int:
    """Parse --rows/--repeat, measure, print the figure and its ratio to the raw baseline; 1 when over budget.

    ``time_same(sheet, station, folder)``, when given, is a second baseline: the sheet read raw plus the rows
    the import wrote into ``station``, written raw into the same tables (bench/common.raw_same_tables_copy)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-only", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_only:
        write(Path(args.write_only), args.rows)
        return 0
    with tempfile.TemporaryDirectory(prefix="pjdesk-bench-") as tmp:
        tmp = Path(tmp)
        sheet = tmp / sheet_name
        subprocess.run([sys.executable, script, "--rows", str(args.rows), "--write-only", str(sheet)], check=True)
        size = sheet.stat().st_size
        imports, cpus, raws, sames, counts = [], [], [], [], {}
        for i in range(args.repeat):
            seconds, cpu, counts = time_import(sheet, tmp / f"station{i}")
            imports.append(seconds)
            cpus.append(cpu)
            if time_same:
                sames.append(time_same(sheet, tmp / f"station{i}", tmp / f"same{i}"))
            raw_dir = tmp / f"raw{i}"
            raw_dir.mkdir()
            raws.append(time_raw(sheet, raw_dir, args.rows))
    figure, raw = statistics.median(imports), statistics.median(raws)
    print(describe(args.rows, size, counts))
    print(f"  preview + apply   median of {args.repeat}: {figure:.2f} s   (runs: {', '.join(f'{s:.2f}' for s in imports)};"
          f" CPU {statistics.median(cpus):.2f} s)")
    print(f"  raw baseline      median of {args.repeat}: {raw:.2f} s   ({raw_words})")
    print(f"  ratio to raw: {figure / raw:.1f}×   budget: ≤ {budget_s:.0f} s   {'OK' if figure <= budget_s else 'OVER BUDGET'}")
    within = figure <= budget_s
    if sames:
        same = statistics.median(sames)
        print(f"  raw, same tables  median of {args.repeat}: {same:.2f} s   (calamine read + the rows the import wrote,"
              " raw into the same tables, indexes and triggers)")
        print(f"  ratio to it: {figure / same:.1f}×   goal: ≤ {ratio:.0f}×   {'OK' if figure <= ratio * same else 'OVER'}")
        within = within and figure <= ratio * same
    from common import summary

    return summary([within])
