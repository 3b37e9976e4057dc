"""Benchmark: twenty times a spreadsheet (the performance issue's goal 1), on the 200,000-hazard county station.

    python bench/bench_peer.py [--repeat 3]

What a clerk does today is open the county's ledger in a spreadsheet; what pjdesk does instead is start and show
the ledger. Timed here, each a fresh process from launch (medians of --repeat, after one untimed run that fills
the page cache, as on a PC that has run them before):

- pjdesk: launch to the ledger's first rows painted (the main window opened, the 隐患台账 page shown, its table
  drawn into an image), and its peak resident memory;
- LibreOffice: the same ledger exported by pjdesk as XLSX, loaded by ``soffice --headless --convert-to csv``
  (when soffice is installed; otherwise the line says so and the goal cannot be checked here);
- baseline: a bare PySide6 QMainWindow shown and painted the same way; pjdesk's start-up to a usable main
  window is held to ≤ 2× it.

Goal: pjdesk ≥ 20× faster than LibreOffice and ≤ ½ its memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, STATUS_MB, demo_station, heading, note_peak, program_env, report, summary  # noqa: E402

RATIO_PEER, RATIO_START = 20.0, 2.0

PEAK = STATUS_MB + """
def peak_mb():
    return status_mb("VmHWM") or 0.0
"""

BARE = PEAK + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1360, 820); w.show(); app.processEvents(); w.grab()
print("ready", peak_mb(), flush=True)
"""

# Launch to a usable main window (its first page painted), then to the ledger's first rows painted.
PJDESK = PEAK + """
import sys, time
from pjdesk.ui.app import make_app, start
app = make_app()
window = start(sys.argv[1], today=lambda: __import__("datetime").date(2026, 11, 29))
app.processEvents(); window.grab()
print("window", time.perf_counter(), peak_mb(), flush=True)
window.show_page("隐患台账"); app.processEvents()
ledger = window.ledger
assert ledger.model.rowCount() > 0
ledger.table.viewport().grab()
print("ready", peak_mb(), flush=True)
while window.dashboard.reading():  # the 工作台's first read, stopped when the ledger was shown
    app.processEvents()
print("closing", peak_mb(), flush=True)
window.close()
"""


def run(script: str, *args: str) -> tuple[float, dict[str, list[str]]]:
    """Seconds from spawning the process to its 'ready' line, and its output lines by their first word."""
    env = program_env()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True, env=env,
                               stderr=subprocess.DEVNULL)
    lines: dict[str, list[str]] = {}
    elapsed = None
    for line in process.stdout:
        words = line.split()
        lines[words[0]] = words[1:]
        if words[0] == "ready":
            elapsed = time.perf_counter() - start
    process.wait()
    if elapsed is None:
        raise SystemExit(f"the process did not get ready: {lines}")
    return elapsed, {**lines, "spawned": [str(start)]}


def median_runs(script: str, *args: str, repeat: int) -> tuple[float, list[dict]]:
    run(script, *args)  # warm: the files in the page cache, as on a PC that has run the program before
    runs = [run(script, *args) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), [lines for _, lines in runs]


def soffice_load(xlsx: Path, repeat: int) -> tuple[float, float] | None:
    """LibreOffice headless converting the XLSX to CSV: median seconds and peak memory (MB), or None."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    times, peaks = [], []
    for attempt in range(repeat + 1):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            usage = _run_with_usage([soffice, "--headless", f"-env:UserInstallation=file://{out}/profile",
                                     "--convert-to", "csv", "--outdir", out, str(xlsx)])
            if attempt:
                times.append(time.perf_counter() - start)
                peaks.append(usage)
    return statistics.median(times), max(peaks)


def _run_with_usage(command: list[str]) -> float:
    """Run ``command``; its peak resident memory in MB (the largest of its processes, from wait4)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def exported_ledger(session, info: dict) -> Path:
    """The station's whole ledger as this pjdesk exports it (exported anew each run: the file LibreOffice
    loads is the one a clerk would get today, whatever the exporter writes)."""
    from pjdesk.services.ledger_export import export_ledger

    path = OUT / f"{session.data_dir.name}-ledger.xlsx"
    start = time.perf_counter()
    export_ledger(session, path)
    print(f"  exported the ledger of {info['hazards']:,} hazards in {time.perf_counter() - start:.1f} s"
          f" ({path.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    session, info = demo_station(200_000)
    folder = str(session.data_dir)
    results = []

    bare, bare_runs = median_runs(BARE, repeat=args.repeat)
    pj, pj_runs = median_runs(PJDESK, folder, repeat=args.repeat)
    window = statistics.median(float(r["window"][0]) - float(r["spawned"][0]) for r in pj_runs)
    pj_mb = max(statistics.median(float(r["ready"][0]) for r in pj_runs),
                statistics.median(float(r["closing"][0]) for r in pj_runs))
    bare_mb = statistics.median(float(r["ready"][0]) for r in bare_runs)
    note_peak("pjdesk, launch to the ledger's first rows", pj_mb)

    heading(f"a fresh process each run, {info['hazards']:,} hazards, median of {args.repeat}")
    report("bare PySide6 QMainWindow, painted (baseline)", bare, None, bare, f"{bare_mb:.0f} MB")
    results.append(report("pjdesk to the main window painted (≤ 2×)", window, RATIO_START * bare, bare))
    results.append(report("pjdesk to the ledger's first rows painted", pj, None, bare, f"{pj_mb:.0f} MB"))

    if shutil.which("soffice") or shutil.which("libreoffice"):
        measured = soffice_load(exported_ledger(session, info), args.repeat)
        peer_s, peer_mb = measured
        report("LibreOffice headless loads the ledger XLSX", peer_s, None, bare, f"{peer_mb:.0f} MB")
        results.append(report("pjdesk ≥ 20× faster than LibreOffice", pj, peer_s / RATIO_PEER, bare,
                              f"{peer_s / pj:.1f}× faster"))
        within = pj_mb <= peer_mb / 2
        print(f"  memory: pjdesk {pj_mb:.0f} MB, LibreOffice {peer_mb:.0f} MB (goal ≤ ½)"
              + ("" if within else "  OVER BUDGET"))
        results.append(within)
    else:
        print("  LibreOffice (soffice) is not installed here: its load of the ledger is not timed, and the"
              " 20× and ½-memory goals cannot be checked on this machine")
    session.close()
    return summary(results)


if __name__ == "__main__":
    sys.exit(main())
