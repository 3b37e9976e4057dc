"""Shared helpers of the benchmarks: demo stations made once and kept, medians, and one report format.

Every benchmark prints its figure beside the budget (DESIGN.md §8) and beside a raw baseline measured in the
same run on the same machine, as ``figure / budget / baseline / ratio`` lines: machines are noisy (a shared
two-core box doubles any figure when something else runs), and the ratio to raw SQLite or raw file writing
says more than the figure alone.

Demo stations live in bench/out/ (not in git). A 200,000-hazard station takes minutes to build, so it is
built once per version of the demo generator and of the schema, and reused; ``--rebuild`` builds it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
TODAY = dt.date(2026, 11, 29)  # the demo's "now": fixed, so that a kept station means the same every run
COUNTY, ANDING = "430626", "430626101"


# --- demo stations ----------------------------------------------------------------------------------------
def demo_station(hazards: int, *, county: bool = True, seed: int = 1, rebuild: bool = False):
    """A station with the demo dataset of ``hazards`` hazards, built on first use and kept in bench/out/.

    Returns ``(session, info)``; ``info`` holds the counts and ``build_s``, the time load_demo took when the
    station was built (``built_now`` says whether that was in this run).
    """
    from pjdesk.services.session import open_session

    folder = OUT / _station_key(hazards, county, seed)
    marker = folder / "demo.json"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if not marker.exists():
        _build(folder, hazards, county, seed)
        info = json.loads(marker.read_text(encoding="utf-8"))
        info["built_now"] = True
    else:
        info = json.loads(marker.read_text(encoding="utf-8"))
        info["built_now"] = False
    return open_session(folder, today=lambda: TODAY), info


def _station_key(hazards: int, county: bool, seed: int) -> str:
    """A changed demo generator or schema makes a new station rather than reuse (or migrate) an old one."""
    from pjdesk.services import demo
    from pjdesk.storage import migrations

    source = Path(demo.__file__).read_bytes() + Path(migrations.__file__).read_bytes()
    version = hashlib.sha1(source).hexdigest()[:8]
    return f"demo-{'county' if county else 'anding'}-{hazards}-seed{seed}-schema{migrations.SCHEMA_VERSION}-{version}"


def _build(folder: Path, hazards: int, county: bool, seed: int) -> None:
    from pjdesk.services.demo import load_demo
    from pjdesk.services.session import init_station

    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob(f"demo-{'county' if county else 'anding'}-{hazards}-seed{seed}-*"):
        if stale.is_dir():  # an older generator's or schema's station of the same size (not a file made from it)
            shutil.rmtree(stale)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=OUT))
    try:
        session = init_station(building, code=COUNTY if county else ANDING, operator="基准测试", county=county,
                               today=lambda: TODAY)
        print(f"building a demo station of {hazards:,} hazards in {folder.name} (once; kept for later runs)…",
              file=sys.stderr)
        start = time.perf_counter()
        counts = load_demo(session, seed=seed, hazards=hazards, progress=_progress_line(hazards))
        build_s = time.perf_counter() - start
        session.close()
        keep_built(building, folder, "demo.json",
                   {**counts, "build_s": build_s, "built": time.strftime("%Y-%m-%d %H:%M")})
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def keep_built(building: Path, folder: Path, marker: str, info: dict) -> None:
    """Move a finished build into its cache folder, its description in ``marker`` written last."""
    (building / marker).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    try:
        building.rename(folder)
    except OSError:
        if not (folder / marker).exists():
            raise
        shutil.rmtree(building)  # another run built the same thing meanwhile: keep the first


def _progress_line(hazards: int) -> Callable[[int, int], None]:
    step = max(hazards // 20, 1)
    last = [0]

    def show(done: int, total: int) -> None:
        if done - last[0] >= step or done == total:
            last[0] = done
            print(f"\r  {done:,}/{total:,}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    return show


# --- timing -------------------------------------------------------------------------------------------------
def median_time(work: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``work()`` in seconds, after ``warmup`` untimed runs (caches filled)."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def once(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def raw_insert_baseline(rows: int, columns: int = 20) -> float:
    """Raw sqlite3: ``rows`` rows of ``columns`` text columns by executemany in one transaction (DESIGN §8's
    0.7 s for 200,000), into a fresh file with the station's pragmas."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "raw.db")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"CREATE TABLE t ({', '.join(f'c{i} TEXT' for i in range(columns))})")
        data = [[f"第{r}行第{c}列的文字" for c in range(columns)] for r in range(rows)]
        start = time.perf_counter()
        with conn:
            conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * columns)})", data)
        elapsed = time.perf_counter() - start
        conn.close()
    return elapsed


def program_env() -> dict[str, str]:
    """The environment of a program started by a benchmark: offscreen, and with its bytecode compiled once and
    kept (in bench/out/, not beside the sources), as an installed program has it: a shell that sets
    PYTHONDONTWRITEBYTECODE would otherwise make every start compile pjdesk from source (0.1–0.3 s)."""
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def raw_same_tables_copy(template: Path, written: Path, folder: Path, tables: list[str]) -> float:
    """Raw sqlite3 writing what an operation wrote: every row of ``tables`` in the station ``written`` (after
    the operation) inserted into a copy of ``template`` (the same station before it: the same tables, indexes
    and full-text triggers) in one transaction with the station's pragmas, each table by executemany into a
    staging table and one INSERT … SELECT (a plain executemany under an FTS5 trigger writes a segment per
    row). The rows are read before the clock starts. Returns the seconds."""
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns("backups"))
    source = sqlite3.connect(written / "pjdesk.db")
    base = sqlite3.connect(template / "pjdesk.db")
    data = {}
    for table in tables:
        columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
        kept = {r[0] for r in base.execute(f"SELECT rowid FROM {table}")}
        data[table] = (columns, [r[1:] for r in source.execute(f"SELECT rowid, * FROM {table}") if r[0] not in kept])
    source.close()
    base.close()
    conn = sqlite3.connect(folder / "pjdesk.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table, (columns, rows) in data.items():
        listed, marks = ", ".join(columns), ", ".join("?" * len(columns))
        conn.execute(f"CREATE TEMP TABLE raw_stage AS SELECT {listed} FROM main.{table} WHERE 0")
        conn.executemany(f"INSERT INTO temp.raw_stage ({listed}) VALUES ({marks})", rows)
        conn.execute(f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM temp.raw_stage ORDER BY rowid")
        conn.execute("DROP TABLE temp.raw_stage")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    shutil.rmtree(folder)
    return elapsed


# --- reporting ------------------------------------------------------------------------------------------------
def heading(text: str) -> None:
    print(f"\n{text}")
    print(f"  {_pad('what', 44)} {'figure':>10}   {'budget':>9}   {'baseline':>10}   {'ratio':>7}")


def report(what: str, figure_s: float, budget_s: float | None, baseline_s: float | None, note: str = "") -> bool:
    """One line: the figure, its budget, the raw baseline of this run and the ratio to it. Returns whether
    the figure is within budget (True when there is none)."""
    within = budget_s is None or figure_s <= budget_s
    budget = f"≤{_duration(budget_s)}" if budget_s is not None else "—"
    baseline = _duration(baseline_s) if baseline_s else "—"
    ratio = f"{figure_s / baseline_s:.1f}×" if baseline_s else "—"
    flag = "" if within else "  OVER BUDGET"
    print(f"  {_pad(what, 44)} {_duration(figure_s):>10}   {budget:>9}   {baseline:>10}   {ratio:>7}{flag}"
          + (f"   {note}" if note else ""))
    return within


BUDGET_PEAK_MB = 500  # goal 7: a county of five years on a 4 GB office PC
_peaks: list[tuple[str, float]] = []


def status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status, in MB (VmHWM its peak, VmRSS now); None where
    there is no such file (not Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# The same reader for the scripts bench_start and bench_peer run as fresh interpreters: they must not import this
# module, which would add to the start-up they time.
STATUS_MB = inspect.getsource(status_mb)


def peak_memory_mb() -> float:
    """The peak resident memory of this process so far, in MB. On Linux it is the process image's own high-water
    mark (VmHWM): getrusage's ru_maxrss survives exec, so a fresh interpreter spawned by a benchmark would report
    the benchmark's own peak (its baselines' data) as its own. Elsewhere getrusage (Linux counts it in KB)."""
    import resource

    peak = status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_fresh_process(what: str, work: Callable, *args):
    """``work(*args)`` run in a fresh interpreter (``work`` a module-level function of the benchmark), its
    peak memory noted under ``what`` for ``summary``; returns its result.

    The benchmark's own process holds what its baselines need (every change of the bundles as dicts, rows
    for raw executemany): its peak says little of pjdesk's. A fresh process holds only what the work does."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result, peak = pool.apply(_measured, (work, *args))
    _peaks.append((what, peak))
    return result


def _measured(work: Callable, *args):
    return work(*args), peak_memory_mb()


def note_peak(what: str, mb: float) -> None:
    """A peak measured otherwise (a child process's, read from /proc), for ``summary``."""
    _peaks.append((what, mb))


def summary(results: list[bool]) -> int:
    """The closing lines: peak memory (goal 7: each ≤ 500 MB; the work measured in fresh processes, and this
    process's own, which includes the baselines' data), then how many figures were within budget."""
    print(f"\npeak memory (resident, budget ≤ {BUDGET_PEAK_MB} MB each)")
    for what, mb in [*_peaks, ("this benchmark's own process (with its baselines' data)", peak_memory_mb())]:
        within = mb <= BUDGET_PEAK_MB
        if not what.startswith("this benchmark"):
            results = [*results, within]
        print(f"  {_pad(what, 60)} {mb:7.0f} MB{'' if within else '  OVER BUDGET'}")
    over = results.count(False)
    print(f"\n{len(results) - over} of {len(results)} within budget" + (f"; {over} over" if over else ""))
    return 1 if over else 0


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def _pad(text: str, width: int) -> str:
    """``text`` cut or padded to ``width`` terminal columns (a Chinese character takes two)."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)
