"""Benchmark: export of 10,000 ledger rows to a print-ready XLSX (budget ≤ 3 s, DESIGN.md §8).

    python bench/bench_export.py [--rows 10000] [--repeat 5] [--large]

On a 安定镇 demo station of --rows hazards (built once by bench/common.py, kept in bench/out/), times
``export_ledger`` of the whole ledger: paging the ledger, 21 styled columns, dates as dates, print setup.
Baseline, in the same run: the same rows, already in memory, written by openpyxl in write-only mode without
any style. Shown beside it: a plain csv write of them, and xlsxwriter writing the same cells with the same
formats but no query, no title and no print setup (what the export costs beyond the library). ``--large`` also exports the county's 200,000-hazard
station once (no budget: it shows that a large export pages through and completes).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from common import demo_station, heading, median_time, once, report, summary

from pjdesk.core.hazard import HazardFilter
from pjdesk.services.ledger_export import COLUMNS, QUERY_COLUMNS, export_ledger
from pjdesk.storage import ledger

BUDGET_S = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="also export the 200,000-hazard county station once")
    args = parser.parse_args(argv)

    session, info = demo_station(args.rows, county=False)
    rows = _rows_in_memory(session, info["hazards"])
    results = []
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "台账.xlsx"
        raw = median_time(lambda: _raw_openpyxl(rows, Path(folder) / "raw.xlsx"), repeat=args.repeat)
        plain = median_time(lambda: _raw_csv(rows, Path(folder) / "raw.csv"), repeat=args.repeat)
        cells = median_time(lambda: _raw_xlsxwriter(rows, Path(folder) / "cells.xlsx"), repeat=args.repeat)
        figure = median_time(lambda: export_ledger(session, target), repeat=args.repeat)
        size = target.stat().st_size
        heading(f"ledger export, {len(rows):,} rows × {len(COLUMNS)} columns, median of {args.repeat}")
        report("raw: openpyxl write-only, no styles", raw, None, raw)
        report("raw: csv.writer", plain, None, raw)
        report("raw: xlsxwriter, same cells and formats", cells, None, raw)
        results.append(report("export_ledger (print-ready XLSX)", figure, BUDGET_S, raw, f"{size // 1024} KB"))
        session.close()
        if args.large:
            county, county_info = demo_station(200_000)
            large = once(lambda: export_ledger(county, Path(folder) / "county.xlsx", HazardFilter()))
            report(f"export_ledger, {county_info['hazards']:,} rows (once)", large, None, raw * county_info["hazards"]
                   / len(rows), "baseline scaled from the 10,000-row run")
            county.close()
    return summary(results)


def _rows_in_memory(session, total: int) -> list[list]:
    """The exported rows as plain values, read once: the baseline times writing only."""
    out = []
    for offset in range(0, total, 1000):
        for row in ledger.page(session.store, HazardFilter(), session.today(), offset=offset, limit=1000,
                               columns=QUERY_COLUMNS):
            out.append([len(out) + 1, *row.values()])
    return out


def _raw_openpyxl(rows: list[list], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    book.save(path)


def _raw_xlsxwriter(rows: list[list], path: Path) -> None:
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
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


def _raw_csv(rows: list[list], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in COLUMNS])
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
