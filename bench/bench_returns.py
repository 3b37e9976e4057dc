"""Monthly returns at the 200,000-hazard scale (issue figures): all forms of one month, PDF + XLSX, and the
twelve months of a year; the size of 表2's PDF with its font subset.

The station is the benchmark's county station (the whole county's ledger in one file); the returns are
those of one township in it (安定镇). Baseline: reading the same month's hazards with raw sqlite3 (one SELECT of the
rows the figures are computed from).

    python bench/bench_returns.py [--hazards 200000]

A year of returns is built as the program builds several months (returns.build_months: the hazards and their
events read once for the twelve months), its time split by form, and once more month by month for comparison.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_station, heading, median_time, once, report, summary  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=200_000)
    args = parser.parse_args()
    session, info = demo_station(args.hazards)
    from pjdesk.core.periods import Month
    from pjdesk.forms import register_cjk_font
    from pjdesk.services import returns

    register_cjk_font()  # once per process, as the program does before the first return
    month = Month(2026, 10)
    town = "430626101"  # 安定镇: one township's returns, read from the county's 200,000-hazard file
    results = []

    def raw_read():
        session.store.db.execute(
            "SELECT * FROM hazard WHERE deleted = 0 AND township = ? AND found_date <= ? AND (found_date >= ?"
            " OR closed_date IS NULL OR closed_date >= ?)", [town, month.end.isoformat(), month.year_start.isoformat(),
                                                             month.year_start.isoformat()]).fetchall()

    raw = median_time(raw_read, repeat=3)
    with tempfile.TemporaryDirectory() as out:
        heading(f"returns of one township (安定镇), in a station of {info['hazards']:,} hazards")
        forms = list(returns.FORM_CODES)
        month_s = median_time(lambda: returns.build_returns(session, month, forms, out, township=town), repeat=3)
        results.append(report("one month, all forms, PDF + XLSX (≤ 1 s)", month_s, 1.0, raw))
        table2 = median_time(lambda: returns.build_returns(session, month, ["表2"], out, township=town), repeat=3)
        results.append(report("  of which 表2 alone", table2, None, raw))
        year = [Month(2025, 12), *(Month(2026, m) for m in range(1, 12))]
        timed: dict[str, float] = {}
        year_s = once(lambda: returns.build_months(session, year, forms, out, township=town,
                                                   progress=_timer(timed, forms)))
        results.append(report("a year: 12 months, all forms (≤ 6 s)", year_s, 6.0, raw * 12))
        for form in forms:
            report(f"  of which {form} (12 months)", timed.get(form, 0.0), None, raw * 12)
        before = once(lambda: [returns.build_returns(session, m, forms, out, township=town) for m in year])
        report("  the year month by month (build_returns)", before, None, raw * 12)
        built = returns.build_returns(session, month, ["表2"], out, township=town)[0]
        size_kb = built.pdf.stat().st_size / 1024
        ledger = returns.build_returns(session, month, ["台账"], out, township=town)[0]
        print(f"  表2 PDF {size_kb:.0f} KB (budget ≤ 200 KB); the month's 台账 has {len(ledger.filled.rows):,} rows")
        results.append(size_kb <= 200)
    return summary(results)


def _timer(timed: dict[str, float], forms: list[str]):
    """A progress callback that adds up the time spent on each form (called before each step and at the end)."""
    import time

    last: list = []

    def step(done: int, total: int) -> None:
        now = time.perf_counter()
        if last:
            form = forms[(done - 1) % len(forms)]
            timed[form] = timed.get(form, 0.0) + now - last[0]
        last[:] = [now]

    return step


if __name__ == "__main__":
    sys.exit(main())
