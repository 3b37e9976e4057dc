"""Benchmark: export of the hazard ledger to a print-ready XLSX: 10,000 rows (budget ≤ 3 s, DESIGN.md §8) and,
with --large, the county's 200,000 (budget ≤ 15 s, issue 14), each at a peak memory ≤ 500 MB.

    python bench/bench_export.py [--rows 10000] [--repeat 5] [--large]

On a 安定镇 demo station of --rows hazards (built once by bench/common.py, kept in bench/out/), times
``export_ledger`` of the whole ledger: reading the ledger, 21 styled columns, dates as dates, print setup.
Baseline, in the same run: the same rows, already in memory, written by openpyxl in write-only mode without
any style. Shown beside it: a plain csv write of them, and xlsxwriter writing the same cells with the same
formats but no query, no title and no print setup (the library the export used before).

``--large`` exports the 200,000-hazard county station. Its baselines are measured in the same run on the same
rows, streamed from one raw sqlite3 statement (no list of 200,000 rows is held): openpyxl write-only without
styles, and xlsxwriter in constant-memory mode with the formats. Each export runs in a fresh process, so
that its peak memory is pjdesk's alone; the closing summary lists them. The machine's load is printed with
the figures (a shared machine stretches every figure; the ratios to the same run's baselines say more).
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from common import demo_station, heading, in_fresh_process, median_time, once, report, summary

from pjdesk.core.hazard import HazardFilter
from pjdesk.services.ledger_export import COLUMNS, QUERY_COLUMNS, export_ledger
from pjdesk.storage import ledger

BUDGET_S = 3.0
BUDGET_LARGE_S = 15.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="also export the 200,000-hazard county station")
    args = parser.parse_args(argv)

    session, info = demo_station(args.rows, county=False)
    rows = _rows_in_memory(session, info["hazards"])
    session.close()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "台账.xlsx"
        print(f"load average before: {_load()}")
        raw = median_time(lambda: _raw_openpyxl(rows, Path(folder) / "raw.xlsx"), repeat=args.repeat)
        plain = median_time(lambda: _raw_csv(rows, Path(folder) / "raw.csv"), repeat=args.repeat)
        cells = median_time(lambda: _raw_xlsxwriter(rows, Path(folder) / "cells.xlsx"), repeat=args.repeat)
        figure = in_fresh_process(f"export_ledger, {len(rows):,} rows", _export_median, args.rows, False, str(target),
                                  args.repeat)
        size = target.stat().st_size
        heading(f"ledger export, {len(rows):,} rows × {len(COLUMNS)} columns, median of {args.repeat}; load {_load()}")
        report("raw: openpyxl write-only, no styles", raw, None, raw)
        report("raw: csv.writer", plain, None, raw)
        report("raw: xlsxwriter, same cells and formats", cells, None, raw)
        results.append(report("export_ledger (print-ready XLSX)", figure, BUDGET_S, raw, f"{size // 1024} KB"))
        rows.clear()  # the county run holds no list of rows
        if args.large:
            results.append(_large(Path(folder)))
    return summary(results)


def _large(folder: Path) -> bool:
    county, info = demo_station(200_000)
    database, (sql, params) = county.store.path, _raw_query(county)
    county.close()
    total = info["hazards"]
    raw = once(lambda: _stream_openpyxl(database, sql, params, folder / "raw-large.xlsx"))
    cells = once(lambda: _stream_xlsxwriter(database, sql, params, folder / "cells-large.xlsx"))
    target = folder / "county.xlsx"
    figure = in_fresh_process(f"export_ledger, {total:,} rows", _export_once, 200_000, True, str(target))
    heading(f"ledger export, {total:,} rows × {len(COLUMNS)} columns, once each; load {_load()}")
    report("raw: sqlite3 → openpyxl write-only, no styles", raw, None, raw)
    report("raw: sqlite3 → xlsxwriter constant_memory", cells, None, raw, "same cells and formats")
    return report("export_ledger (print-ready XLSX)", figure, BUDGET_LARGE_S, raw,
                  f"{target.stat().st_size / 1e6:.1f} MB")


def _export_median(hazards: int, county: bool, path: str, repeat: int) -> float:
    """In a fresh process: the median time of exporting the station's whole ledger (see in_fresh_process)."""
    session, _ = demo_station(hazards, county=county)
    try:
        return median_time(lambda: export_ledger(session, path), repeat=repeat)
    finally:
        session.close()


def _export_once(hazards: int, county: bool, path: str) -> float:
    session, _ = demo_station(hazards, county=county)
    try:
        return once(lambda: export_ledger(session, path))
    finally:
        session.close()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _rows_in_memory(session, total: int) -> list[list]:
    """The exported rows as plain values, read once: the baseline times writing only."""
    out = []
    for batch in ledger.batches(session.store, HazardFilter(), session.today(), columns=QUERY_COLUMNS):
        for row in batch:
            out.append([len(out) + 1, *row])
    return out


def _raw_query(session) -> tuple[str, list]:
    """The export's own SELECT (every hazard in the ledger's order), for the raw baselines to read."""
    return ledger._select(session.store, HazardFilter(), session.today(), None, QUERY_COLUMNS, 1 << 30)


def _streamed_rows(database: Path, sql: str, params: list):
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for n, row in enumerate(conn.execute(sql, params), 1):
            yield [n, *row]
    finally:
        conn.close()


def _raw_openpyxl(rows, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    book.save(path)


def _stream_openpyxl(database: Path, sql: str, params: list, path: Path) -> None:
    _raw_openpyxl(_streamed_rows(database, sql, params), path)


def _raw_xlsxwriter(rows, path: Path, *, constant_memory: bool = False) -> None:
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "constant_memory": constant_memory})
    sheet = book.add_worksheet()
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "top"}
    formats = {kind: book.add_format({**base, **extra}) for kind, extra in (
        ("text", {}), ("wrap", {"text_wrap": True}), ("center", {"align": "center"}),
        ("date", {"num_format": "yyyy-mm-dd"}), ("money", {"num_format": "#,##0.00"}))}
    kinds = [formats[c.kind] for c in COLUMNS]
    for r, row in enumerate(rows, 1):
        cells = [*row[:-1], "否", row[-1]]  # 是否逾期 sits before 备注, as in the export
        for c, (value, fmt) in enumerate(zip(cells, kinds, strict=True)):
            if value is None:
                sheet.write_blank(r, c, None, fmt)
            elif fmt is formats["date"]:
                sheet.write_datetime(r, c, dt.date.fromisoformat(value), fmt)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value, fmt)
            else:
                sheet.write_string(r, c, value, fmt)
    book.close()


def _stream_xlsxwriter(database: Path, sql: str, params: list, path: Path) -> None:
    _raw_xlsxwriter(_streamed_rows(database, sql, params), path, constant_memory=True)


def _raw_csv(rows, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in COLUMNS])
        writer.writerows(rows)


if __name__ == "__main__":
    start = time.perf_counter()
    code = main()
    print(f"\n(benchmark ran {time.perf_counter() - start:.0f} s)")
    sys.exit(code)
