"""Start-up, the ledger page and memory, on a 200,000-hazard station (DESIGN.md §8).

- program start to a usable main window (a fresh process each time: imports, opening the file, the
  dashboard's queries, the first paint), against a bare PySide6 QMainWindow shown the same way;
- the ledger page to its first rows, against a raw SQL page of 100 rows;
- resident memory with the ledger page open and scrolled, against the bare window's.

    python bench/bench_start.py [--hazards 200000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from common import STATUS_MB, demo_station, heading, median_time, program_env, report, summary  # noqa: E402

BARE = """
import os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1360, 820); w.show(); app.processEvents()
print("ready", rss_mb(), flush=True)
"""

PJDESK = """
import sys
from pjdesk.ui.app import make_app, start
app = make_app()
window = start(sys.argv[1], today=lambda: __import__("datetime").date(2026, 11, 29))
app.processEvents()
print("ready", rss_mb(), flush=True)
while window.dashboard.reading():  # the 工作台's figures, read on their own thread after the first paint
    app.processEvents()
print("figures", __import__("time").perf_counter(), flush=True)
if len(sys.argv) > 2:  # open the ledger, scroll to the middle and to the end
    window.show_page("隐患台账"); app.processEvents()
    table = window.ledger.table
    for row in (window.ledger.model.rowCount() // 2, window.ledger.model.rowCount() - 1):
        table.scrollTo(window.ledger.model.index(row, 0)); app.processEvents()
    print("ledger", rss_mb(), flush=True)
window.close()
"""

RSS = STATUS_MB + """
def rss_mb():
    return status_mb("VmRSS") or 0.0
"""


def run(script: str, *args: str) -> tuple[float, list[str]]:
    """Seconds from spawning the process to its 'ready' line, and its output lines."""
    env = program_env()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", RSS + script, *args], stdout=subprocess.PIPE, text=True,
                               env=env, stderr=subprocess.DEVNULL)
    first = process.stdout.readline()
    elapsed = time.perf_counter() - start
    rest = process.stdout.read().splitlines()
    figures = next((line.split()[1] for line in rest if line.startswith("figures")), None)
    if figures is not None:  # seconds from spawning to the 工作台's figures shown
        rest.append(f"figures_after {float(figures) - start}")
    process.wait()
    if not first.startswith("ready"):
        raise SystemExit(f"the program did not start: {first!r}")
    return elapsed, [first.strip(), *rest]


def median_run(script: str, *args: str, repeat: int = 5) -> tuple[float, float | None]:
    """Median seconds to the first paint, and to the 工作台's figures shown (None for the bare window)."""
    run(script, *args)  # warm: the files are in the page cache, as on a station that has run before
    runs = [run(script, *args) for _ in range(repeat)]
    after = [float(line.split()[1]) for _t, lines in runs for line in lines if line.startswith("figures_after")]
    return statistics.median(t for t, _ in runs), (statistics.median(after) if after else None)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=200_000)
    args = parser.parse_args()
    session, info = demo_station(args.hazards)
    folder = str(session.data_dir)
    results = []

    heading(f"start-up, {info['hazards']:,} hazards (a fresh process each run, median of 5)")
    bare, _ = median_run(BARE)
    pj, figures = median_run(PJDESK, folder)
    results.append(report("bare PySide6 QMainWindow (baseline)", bare, None, None))
    results.append(report("pjdesk to the main window painted (≤ 2× bare)", pj, 2 * bare, bare))
    results.append(report("  … its 工作台's figures shown (≤ 1.5 s)", figures, 1.5, bare))

    heading("the ledger page")
    from PySide6.QtWidgets import QApplication

    from pjdesk.ui.app import make_app
    from pjdesk.ui.ledger_page import LedgerPage

    app = make_app()

    def open_ledger():
        page = LedgerPage(session)
        page.show()
        page.model.row(0)
        QApplication.processEvents()
        page.deleteLater()

    def raw_page():
        session.store.db.execute("SELECT * FROM hazard ORDER BY rowid DESC LIMIT 100").fetchall()

    raw = median_time(raw_page)
    results.append(report("ledger page to first rows (≤ 300 ms)", median_time(open_ledger), 0.3, raw))
    app.processEvents()

    heading("memory (resident set, MB — the figure column shows MB as if seconds)")
    _t, bare_lines = run(BARE)
    _t, lines = run(PJDESK, folder, "ledger")
    bare_mb = float(bare_lines[0].split()[1])
    ledger_mb = float(next(line for line in lines if line.startswith("ledger")).split()[1])
    print(f"  bare window {bare_mb:.0f} MB; pjdesk with the ledger open and scrolled {ledger_mb:.0f} MB "
          f"(budget ≤ 300 MB, {ledger_mb / bare_mb:.1f}× the bare window)")
    results.append(ledger_mb <= 300)
    return summary(results)


if __name__ == "__main__":
    sys.exit(main())
