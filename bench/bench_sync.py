"""Benchmark: bundle export and import (DESIGN.md §8 and the sync issue's figures).

    python bench/bench_sync.py [--month 2000] [--large 200000] [--county-hazards 400] [--repeat 5]

A township's month of changes (--month, ~2,000: units and hazards) exported (budget ≤ 0.5 s) and imported by a
fresh county (≤ 1 s); then a bundle of --large changes imported (budget: within 4× of the raw baseline) and
its size (≤ 25 MB); then the county importing a month's bundles of all 25 townships (≤ 10 s; see
bench_sync_county.py, which also runs on its own; --county-hazards 0 leaves it out). Baselines, in the same
run: for the month, the same change rows and record rows written by raw sqlite3 executemany into plain tables of
the same columns, in one transaction; for the large bundle (the issue's "≤ 4× raw executemany into the same
tables with the same indexes"), the same change rows and the record rows the import wrote, by raw sqlite3 into
a copy of the same empty county (its tables, indexes and full-text triggers), in one transaction, each table
by executemany into a staging table and one INSERT … SELECT (see raw_same_tables: a plain executemany under
a full-text trigger writes an FTS5 segment per row and would flatter the ratio). The large export and import
run in fresh processes, whose peak memory is reported (goal 7: ≤ 500 MB each), the import's beside that of
the raw baseline, in a fresh process of its own too: it holds the bundle's rows whole, as executemany takes
them. The load average is printed with the figures: a loaded machine stretches both, the ratio less.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import bench_sync_county
from bench_sync_county import RawRows, bundle_changes, raw_baseline, raw_same_tables
from common import (
    ANDING,
    COUNTY,
    TODAY,
    heading,
    in_fresh_process,
    median_time,
    once,
    peak_memory_mb,
    report,
    summary,
)

from pjdesk.core.hazard import HAZARD
from pjdesk.core.unit import UNIT
from pjdesk.services.session import init_station
from pjdesk.services.sync import device_key, export_bundle, import_bundles

BUDGET_EXPORT_S, BUDGET_IMPORT_S, RATIO_LARGE, BUDGET_SIZE_MB = 0.5, 1.0, 4.0, 25


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", type=int, default=2_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--county-hazards", type=int, default=bench_sync_county.DEFAULT_HAZARDS,
                        help="demo hazards per township for the county's import of 25 bundles (0: leave it out)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        county_template = _station(root / "county-template", county=True)
        township = _township_with(root / "month", args.month)
        out = root / "usb"
        export_s = median_time(lambda: export_bundle(township, out), repeat=args.repeat)
        bundle = export_bundle(township, out)
        import_s = _median_import(county_template, bundle, root, args.repeat)
        raw = _raw_baseline(bundle, root / "raw-month.db")
        heading(f"a township's month: {args.month:,} changes, median of {args.repeat}")
        report("raw: sqlite3 executemany of the same rows", raw, None, raw)
        results.append(report("export_bundle", export_s, BUDGET_EXPORT_S, raw, f"{bundle.stat().st_size // 1024} KB"))
        results.append(report("import_bundles (fresh county)", import_s, BUDGET_IMPORT_S, raw))
        township.close()
        if args.large:
            _apart(_build_township, root / "large", args.large)  # setting up: 200,000 records in one write
            large_export = in_fresh_process("export_bundle, a bundle of the large size", _export_from,
                                            root / "large", out)
            bundle = sorted(out.glob("*.pjz"), key=lambda p: p.stat().st_mtime)[-1]
            plain = _apart(_raw_baseline, bundle, root / "raw-large.db")
            large_import, import_mb = in_fresh_process("import_bundles, a bundle of the large size", _import_copy,
                                                       county_template.data_dir, root / "county-large", bundle)
            raw, raw_mb = _raw_apart(county_template.data_dir, root / "county-large", bundle, root / "raw-large")
            size_mb = bundle.stat().st_size / 1e6
            heading(f"a bundle of {args.large:,} changes (once; load average {os.getloadavg()[0]:.1f})")
            report("raw: executemany into plain tables", plain, None, raw)
            report("raw: the same tables and indexes (baseline)", raw, None, raw, f"peak {raw_mb:.0f} MB")
            report("export_bundle", large_export, None, raw, f"{size_mb:.1f} MB")
            results.append(report("import_bundles (fresh county)", large_import, raw * RATIO_LARGE, raw,
                                  f"peak {import_mb:.0f} MB, {import_mb / raw_mb:.2f}× the baseline's"))
            results.append(size_mb <= BUDGET_SIZE_MB)
            print(f"bundle size {size_mb:.1f} MB (budget {BUDGET_SIZE_MB} MB)")
        county_template.close()
    if args.county_hazards:
        results += bench_sync_county.section(args.county_hazards, repeat=min(args.repeat, 3))
    return summary(results)


def _station(folder: Path, *, county: bool = False):
    session = init_station(folder, code=COUNTY if county else ANDING, operator="基准测试", county=county,
                           device_name="县安委办" if county else "站内电脑", today=lambda: TODAY)
    device_key(session)
    return session


def _township_with(folder: Path, changes: int):
    """A township whose log holds ``changes`` inserts: one unit per ten hazards."""
    session = _station(folder)
    units = max(changes // 10, 1)
    with session.store.transaction():
        unit_ids = session.store.insert_many(UNIT, [
            {"name": f"平江县安定第{i}号企业", "sector": "工贸其他", "status": "正常", "village": "安定村"}
            for i in range(units)], township=ANDING, operator="基准测试")
        session.store.insert_many(HAZARD, [
            {"unit_id": unit_ids[i % units], "description": f"第{i}处：消防通道堵塞，灭火器过期", "location": "仓库",
             "level": "一般", "source": "乡镇检查", "found_date": "2026-11-01", "deadline": "2026-12-01",
             "resp_person": "王五", "measures": "清理通道，更换灭火器"} for i in range(changes - units)],
            township=ANDING, operator="基准测试")
    return session


def _copy(template, folder: Path):
    from pjdesk.services.session import open_session

    shutil.copytree(template.data_dir, folder)
    return open_session(folder, today=lambda: TODAY)


def _import(county, bundle: Path) -> None:
    [result] = import_bundles(county, [bundle], trust_new=True)
    assert result.status == "accepted", result.message


def _import_copy(template: Path, folder: Path, bundle: Path) -> tuple[float, float]:
    """A copy of the empty county imports the bundle: the seconds it took, and the process's peak memory (MB)."""
    from pjdesk.services.session import open_session

    shutil.copytree(template, folder)
    county = open_session(folder, today=lambda: TODAY)
    elapsed = once(lambda: _import(county, bundle))
    county.close()
    return elapsed, peak_memory_mb()


def _export_from(folder: Path, out: Path) -> float:
    """The station in ``folder`` exports a bundle into ``out``: the seconds it took."""
    from pjdesk.services.session import open_session

    township = open_session(folder, today=lambda: TODAY)
    elapsed = once(lambda: export_bundle(township, out))
    township.close()
    return elapsed


def _apart(work, *args):
    """``work(*args)`` in a fresh process of its own, not held to the memory budget: setting a station up, or a
    raw baseline (its rows whole in lists, as executemany takes them). This process then holds neither."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(work, args)


def _build_township(folder: Path, changes: int) -> None:
    _township_with(folder, changes).close()


def _raw_apart(template: Path, imported: Path, bundle: Path, folder: Path) -> tuple[float, float]:
    """The raw baseline in a fresh process of its own (its rows read there): seconds and peak memory (MB)."""
    return _apart(_raw_same_tables, template, imported, bundle, folder)


def _raw_same_tables(template: Path, imported: Path, bundle: Path, folder: Path) -> tuple[float, float]:
    seconds = raw_same_tables(template, imported, bundle_changes([bundle]), folder)
    return seconds, peak_memory_mb()


def _median_import(template, bundle: Path, root: Path, repeat: int) -> float:
    times = []
    for attempt in range(repeat + 1):
        county = _copy(template, root / f"county-{attempt}")
        start = time.perf_counter()
        _import(county, bundle)
        times.append(time.perf_counter() - start)
        county.close()
    return sorted(times[1:])[len(times[1:]) // 2]  # the first run warms the caches


def _raw_baseline(bundle: Path, path: Path) -> float:
    """The bundle's change rows and the records they make, written by raw executemany in one transaction."""
    return raw_baseline(RawRows.of([bundle]), path, records=True)


if __name__ == "__main__":
    sys.exit(main())
