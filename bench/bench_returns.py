"""Monthly returns at the 200,000-hazard scale (issue 14, goal 4): all forms of one month, PDF + XLSX (≤ 1 s),
and the twelve months of a year (≤ 6 s); the size of 表2's PDF with its font subset.

The station is the benchmark's county station (the whole county's ledger in one file); the returns are
those of one township in it (安定镇). Baseline: reading the same month's hazards with raw sqlite3 (one SELECT of the
rows the figures are computed from); the year's baseline is twelve of them.

    python bench/bench_returns.py [--hazards 200000]

A year of returns is built as the program builds several months (returns.build_months: the hazards and their
events read once for the twelve months), in a fresh process so that its peak memory is the work's own; its
time is split by form, and by reading and filling, drawing the PDF and writing the XLSX. The year is built once
more month by month (build_returns) for comparison. The machine's load is printed before and after, and each
figure's CPU time beside it: on a shared machine the wall time of the same work doubles when another job runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ANDING, demo_station, heading, in_fresh_process, median_time, report, summary  # noqa: E402

PARTS = ("读数填表", "PDF", "XLSX")


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
    town = ANDING  # 安定镇: one township's returns, read from the county's 200,000-hazard file
    forms = list(returns.FORM_CODES)
    results = []
    print(f"load average before: {_load()}")

    def raw_read():
        session.store.db.execute(
            "SELECT * FROM hazard WHERE deleted = 0 AND township = ? AND found_date <= ? AND (found_date >= ?"
            " OR closed_date IS NULL OR closed_date >= ?)", [town, month.end.isoformat(), month.year_start.isoformat(),
                                                             month.year_start.isoformat()]).fetchall()

    raw = median_time(raw_read, repeat=3)
    with tempfile.TemporaryDirectory() as out:
        heading(f"returns of one township (安定镇), in a station of {info['hazards']:,} hazards")
        cpu = time.process_time()
        month_s = median_time(lambda: returns.build_returns(session, month, forms, out, township=town), repeat=3)
        cpu = (time.process_time() - cpu) / 4
        results.append(report("one month, all forms, PDF + XLSX (≤ 1 s)", month_s, 1.0, raw,
                              f"CPU {cpu * 1000:.0f} ms"))
        table2 = median_time(lambda: returns.build_returns(session, month, ["表2"], out, township=town), repeat=3)
        report("  of which 表2 alone", table2, None, raw)

        year = [Month(2025, 12), *(Month(2026, m) for m in range(1, 12))]
        year_s, year_cpu, by_form, by_part = in_fresh_process(
            "a year of returns (12 months, all forms, PDF + XLSX)", _year, session.data_dir, town, out)
        results.append(report("a year: 12 months, all forms (≤ 6 s)", year_s, 6.0, raw * 12,
                              f"CPU {year_cpu:.2f} s, in a fresh process"))
        for form in forms:
            report(f"  of which {form} (12 months)", by_form.get(form, 0.0), None, raw * 12)
        for part in PARTS:
            report(f"  of which {part} (all forms, 12 months)", by_part.get(part, 0.0), None, raw * 12)
        start = time.perf_counter()
        for m in year:
            returns.build_returns(session, m, forms, out, township=town)
        report("  the year month by month (build_returns)", time.perf_counter() - start, None, raw * 12)

        built = returns.build_returns(session, month, ["表2"], out, township=town)[0]
        size_kb = built.pdf.stat().st_size / 1024
        ledger = returns.build_returns(session, month, ["台账"], out, township=town)[0]
        print(f"  表2 PDF {size_kb:.0f} KB (budget ≤ 200 KB); the month's 台账 has {len(ledger.filled.rows):,} rows")
        results.append(size_kb <= 200)
    print(f"load average after: {_load()}")
    return summary(results)


def _year(data_dir: Path, town: str, out: str) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """A year of one township's returns built by build_months in this (fresh) process, the font registered
    and the station opened first, as the program has them: the wall and CPU time, the time of each form, and
    of each part of the work (reading and filling, the PDF, the XLSX) over all forms."""
    from common import TODAY

    from pjdesk.core.periods import Month
    from pjdesk.forms import register_cjk_font
    from pjdesk.services import returns
    from pjdesk.services.session import open_session

    register_cjk_font()
    session = open_session(data_dir, today=lambda: TODAY)
    forms = list(returns.FORM_CODES)
    year = [Month(2025, 12), *(Month(2026, m) for m in range(1, 12))]
    by_form: dict[str, float] = {}
    by_part = {part: 0.0 for part in PARTS}
    _timed(returns, "render_pdf", "PDF", by_part)  # the renderers as the service calls them
    _timed(returns, "render_xlsx", "XLSX", by_part)
    start, cpu = time.perf_counter(), time.process_time()
    returns.build_months(session, year, forms, Path(out) / "year", township=town, progress=_timer(by_form, forms))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    by_part["读数填表"] = wall - by_part["PDF"] - by_part["XLSX"]
    session.close()
    return wall, cpu, by_form, by_part


def _timed(module, name: str, part: str, spent: dict[str, float]) -> None:
    """Count the time ``module.name`` takes under ``part``."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[part] += time.perf_counter() - start

    setattr(module, name, timed)


def _timer(timed: dict[str, float], forms: list[str]):
    """A progress callback that adds up the time spent on each form (called before each step and at the end)."""
    last: list = []

    def step(done: int, total: int) -> None:
        now = time.perf_counter()
        if last:
            form = forms[(done - 1) % len(forms)]
            timed[form] = timed.get(form, 0.0) + now - last[0]
        last[:] = [now]

    return step


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
