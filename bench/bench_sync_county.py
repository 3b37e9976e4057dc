"""Benchmark: the county imports a month of bundles from all 25 townships (the sync issue's figure ≤ 10 s).

    python bench/bench_sync_county.py [--hazards 400] [--repeat 3] [--rebuild] [--loaded]

Each of the 25 townships and streets of the roster (the high-tech park left out, as the demo does) is a
station of its own with the demo dataset scoped to it: ``--hazards`` hazards (400 make about 2,000 changes:
units, hazards and their events, a township's month as the sync issue counts it), exported to the county.
A fresh county then imports the 25 bundles at once, as an officer choosing the whole folder would
(``import_bundles`` on one list, trusting the new devices). Baseline, in the same run: the same change rows
written by raw sqlite3 executemany into a plain table in one transaction; a second line adds the record rows
they make, as bench_sync.py's baseline does.

With --loaded, the same 25 bundles are also imported (once) by a county that already holds five years of the
whole county (common.py's demo station of 200,000 hazards, built on first use in a few minutes): the county's
real situation at the end of a month, where costs that grow with the log and the file show. The backup before
the import is timed apart: with the day's full backup made (the program makes it at the day's first start) it
is an increment on it; the first batch of a day without one pays a full copy, timed on a second copy of the
county. The machine's load is printed beside them: on a shared machine it moves every figure.

The demo's bundles hold five years of each township (ids and dates over all of them), so in the loaded county
they land all over every index. With --loaded a second line shows a month as it is written that month (MONTH:
each township's new units, the hazards found that month and their events, written through the write path
now, so that their ids come at the indexes' right edge), imported into the same five-year county; its ratio
is to raw executemany of its own change rows. It carries no people, trainings or inspections.

Building the 25 stations takes tens of seconds, so the bundles are kept in bench/out/, under a name that
changes with the demo generator, the schema, the write path and the bundle code; ``--rebuild`` makes them again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common import COUNTY, OUT, TODAY, heading, in_fresh_process, keep_built, report, summary

BUDGET_COUNTY_S = 10.0
DEFAULT_HAZARDS = 400  # per township: about 2,000 changes with the units and the hazards' events
SEED = 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=DEFAULT_HAZARDS, help="demo hazards per township")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build the 25 township bundles again")
    parser.add_argument("--loaded", action="store_true",
                        help="also import them into a county holding five years (200,000 hazards)")
    args = parser.parse_args(argv)
    return summary(section(args.hazards, args.repeat, rebuild=args.rebuild, loaded=args.loaded))


def section(hazards: int = DEFAULT_HAZARDS, repeat: int = 3, *, rebuild: bool = False,
            loaded: bool = False) -> list[bool]:
    """Time the county's import of the 25 bundles and print the figures; returns whether each is within budget."""
    bundles, info = township_bundles(hazards, rebuild=rebuild)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        template = _county(root / "county-template")
        template.close()
        import_s = in_fresh_process("import_bundles, 25 files (fresh county)", _median_import,
                                    root / "county-template", bundles, root, repeat)
        load_before = os.getloadavg()[0]
        loaded_s = (in_fresh_process("import_bundles, 25 files (5-year county)", _loaded_import, bundles, root)
                    if loaded else None)
        month = None
        if loaded:
            month_bundles = in_fresh_process("25 townships write a month (setting up)", month_of_writing, root / "month")
            month_s = in_fresh_process("import_bundles, a month written that month (5-year county)",
                                       _month_import, month_bundles, root)
            month_rows = RawRows.of(month_bundles)
            month = month_s, _median_raw(month_rows, root, repeat, records=False), len(month_rows.log)
            del month_rows
        rows = RawRows.of(bundles)
        raw_log = _median_raw(rows, root, repeat, records=False)
        raw_both = _median_raw(rows, root, repeat, records=True)
    built = f"built in {info['build_s']:.0f} s" + (" now" if info["built_now"] else f" on {info['built']}, kept")
    heading(f"the county imports {len(bundles)} township bundles of a month: {len(rows.log):,} changes "
            f"({info['units']:,} units, {info['hazards']:,} hazards, {info['events']:,} events), median of {repeat}")
    report("raw: executemany of the change rows", raw_log, None, raw_log)
    report("raw: change rows + the record rows", raw_both, None, raw_log)
    within = report("import_bundles, 25 files (fresh county)", import_s, BUDGET_COUNTY_S, raw_log,
                    f"{import_s / len(bundles) * 1000:.0f} ms a file; {import_s / raw_both:.1f}× the second raw")
    results = [within]
    if loaded_s is not None:
        later, first = loaded_s["later"], loaded_s["first"]
        results.append(report("import_bundles, 25 files (5-year county)", later, BUDGET_COUNTY_S, raw_log,
                              f"once; county of 200,000 hazards, {loaded_s['mb']:,.0f} MB; the day's full backup"
                              " made: the backup is an increment"))
        report("  of it: the increment alone", loaded_s["increment"], None, raw_log,
               f"{loaded_s['increment'] / later:.0%} of the import; {loaded_s['increment_kb']:,.0f} KB")
        report("the day's full backup (at the first start)", loaded_s["full"], None, raw_log,
               "a copy of the whole file, in the background after the window opens")
        report("import_bundles, first batch of a day", first, None, raw_log,
               f"no full backup of today: a full copy, {loaded_s['full'] / first:.0%} of it if timed alone")
        month_s, month_raw, month_changes = month
        report("import_bundles, a month written that month", month_s, None, month_raw,
               f"5-year county; {month_changes:,} changes (units, hazards, events: MONTH); ratio to their raw rows")
        print(f"  load average (1 min): {load_before:.1f} before the imports, {os.getloadavg()[0]:.1f} after;"
              f" {os.cpu_count()} cores")
    print(f"  bundles: {sum(p.stat().st_size for p in bundles) / 1e6:.1f} MB in all; {built}")
    return results


# --- the 25 bundles, built once -----------------------------------------------------------------------------
def township_bundles(hazards: int, *, rebuild: bool = False) -> tuple[list[Path], dict]:
    """One bundle per township for the county, each of the demo scoped to that township, kept in bench/out/."""
    folder = OUT / f"sync-county-25x{hazards}-seed{SEED}-{_source_hash()}"
    marker = folder / "bundles.json"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if marker.exists():
        info = {**json.loads(marker.read_text(encoding="utf-8")), "built_now": False}
    else:
        _build(folder, hazards)
        info = {**json.loads(marker.read_text(encoding="utf-8")), "built_now": True}
    return [folder / name for name in info["files"]], info


def _source_hash() -> str:
    """The code that decides what the bundles hold: demo generator, schema, write path, export and format."""
    from pjdesk.services import demo, sync
    from pjdesk.storage import database, migrations, sync_store
    from pjdesk.sync import bundle

    source = b"".join(Path(m.__file__).read_bytes() for m in (demo, migrations, database, sync_store, sync, bundle))
    return f"schema{migrations.SCHEMA_VERSION}-{hashlib.sha1(source).hexdigest()[:8]}"


def _build(folder: Path, hazards: int) -> None:
    from pjdesk.core.townships import townships
    from pjdesk.services.demo import load_demo
    from pjdesk.services.session import init_station
    from pjdesk.services.sync import export_bundle

    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob(f"sync-county-25x{hazards}-seed{SEED}-*"):
        shutil.rmtree(stale)  # bundles of an older generator, schema or format
    places = [t for t in townships() if t.kind != "园区"]
    print(f"building {len(places)} township stations of {hazards} demo hazards each and their bundles"
          f" in {folder.name} (once; kept for later runs)…", file=sys.stderr)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=OUT))
    totals = {"units": 0, "hazards": 0, "events": 0}
    files = []
    try:
        start = time.perf_counter()
        for number, place in enumerate(places):
            station = building / f"station-{place.code}"
            session = init_station(station, code=place.code, operator="基准测试", device_name="站内电脑",
                                   today=lambda: TODAY)
            # A seed per township: the same seed would give two townships the same record ids.
            counts = load_demo(session, seed=SEED * 1000 + number, hazards=hazards)
            for key in totals:
                totals[key] += counts[key]
            path = export_bundle(session, building)
            session.close()
            shutil.rmtree(station)
            files.append(path.rename(building / f"{place.code}.pjz").name)
            print(f"\r  {number + 1}/{len(places)}", end="\n" if number + 1 == len(places) else "",
                  file=sys.stderr, flush=True)
        keep_built(building, folder, "bundles.json", {**totals, "files": files, "build_s": time.perf_counter() - start,
                                                       "built": time.strftime("%Y-%m-%d %H:%M")})
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


# --- timing ---------------------------------------------------------------------------------------------------
def _county(folder: Path):
    from pjdesk.services.session import init_station
    from pjdesk.services.sync import device_key

    session = init_station(folder, code=COUNTY, operator="基准测试", county=True, device_name="县安委办",
                           today=lambda: TODAY)
    device_key(session)
    return session


def _median_import(template: Path, bundles: list[Path], root: Path, repeat: int) -> float:
    """Each run on a fresh copy of an empty county; the first, untimed, warms the caches."""
    times = [_timed_import(template, root / f"county-{attempt}", bundles) for attempt in range(repeat + 1)]
    return sorted(times[1:])[len(times[1:]) // 2]


def _loaded_import(bundles: list[Path], root: Path) -> dict:
    """Once, into copies of the county demo station of 200,000 hazards (five years of the whole county): with
    the day's full backup made first (timed on its own, as is an increment alone), then without one."""
    from common import demo_station

    from pjdesk.services.backups import backup_folder, backup_now, finish_backup, start_backup

    session, _info = demo_station(200_000, county=True)
    source = session.data_dir
    session.close()
    figures = {"mb": (source / "pjdesk.db").stat().st_size / 1e6}

    def before(county) -> None:
        start = time.perf_counter()
        backup_now(county, "daily")
        figures["full"] = time.perf_counter() - start
        start = time.perf_counter()
        alone = finish_backup(start_backup(county, "before-import"))  # nothing written since: the fixed cost
        figures["increment"] = time.perf_counter() - start
        assert alone.name.startswith("pjdesk-increment-"), alone
        figures["increment_kb"] = alone.stat().st_size / 1e3
        alone.unlink()

    def made_increment(county) -> None:
        made = sorted(p.name for p in backup_folder(county).glob("pjdesk-*.db"))
        assert any(name.startswith("pjdesk-increment-") for name in made), made

    figures["later"] = _timed_import(source, root / "county-loaded", bundles, before=before, after=made_increment)
    figures["first"] = _timed_import(source, root / "county-loaded", bundles)
    return figures


# A township's month as it is written that month, for the loaded county: its units, the hazards found that month
# and their events (the demo's bundles carry five years each, so their ids fall all over the county's indexes;
# these are made now, and land at the indexes' right edge, as a real month's do). No people or trainings.
MONTH = {"units": 36, "hazards": 400, "events": (1, 4)}


def month_of_writing(folder: Path) -> list[Path]:
    """25 township stations, each writing MONTH through the write path (ids made now), and their bundles."""
    import random

    from pjdesk.core.hazard import HAZARD, HAZARD_EVENT
    from pjdesk.core.townships import townships
    from pjdesk.core.unit import UNIT
    from pjdesk.services.session import init_station
    from pjdesk.services.sync import device_key, export_bundle

    rng, files = random.Random(SEED), []
    steps = (("整改通知", 2), ("整改完成", 10), ("复查", 15), ("销号", 20))
    for place in (t for t in townships() if t.kind != "园区"):
        station = init_station(folder / place.code, code=place.code, operator="基准测试", device_name="站内电脑",
                               today=lambda: TODAY)
        device_key(station)
        store, code = station.store, place.code
        with store.transaction():
            units = store.insert_many(UNIT, [{"name": f"{place.name}第{i}号企业", "sector": "工贸其他", "status": "正常",
                                              "village": "某村"} for i in range(MONTH["units"])],
                                      township=code, operator="基准测试")
            hazards = store.insert_many(HAZARD, [
                {"unit_id": rng.choice(units), "description": f"第{i}处：消防通道堵塞，灭火器过期", "location": "仓库",
                 "level": "一般隐患", "source": "乡镇检查", "found_date": f"{TODAY:%Y-%m}-{1 + i % 28:02d}",
                 "deadline": f"{TODAY:%Y-%m}-28", "resp_person": "王五", "measures": "清理通道，更换灭火器"}
                for i in range(MONTH["hazards"])], township=code, operator="基准测试")
            events = [{"hazard_id": h, "kind": kind, "date": f"{TODAY:%Y-%m}-{day:02d}", "actor": "李四",
                       "result": "合格" if kind == "复查" else None, "note": "按要求办理"}
                      for h in hazards for kind, day in steps[:rng.randint(*MONTH["events"])]]
            store.insert_many(HAZARD_EVENT, events, township=code, operator="基准测试")
            store.refresh_state(HAZARD, hazards)
        files.append(export_bundle(station, folder / "out"))
        station.close()
    return files


def _month_import(bundles: list[Path], root: Path) -> float:
    """Into a copy of the five-year county, with the day's full backup made first (untimed)."""
    from common import demo_station

    from pjdesk.services.backups import backup_now

    session, _info = demo_station(200_000, county=True)
    source = session.data_dir
    session.close()
    return _timed_import(source, root / "county-month", bundles, before=lambda county: backup_now(county, "daily"))


def _timed_import(source: Path, folder: Path, bundles: list[Path], *, before=None, after=None) -> float:
    """Copy a county station (without its backups), import every bundle into it, and time the import;
    ``before(county)`` runs first, untimed, and ``after(county)`` once it is done."""
    from pjdesk.services.session import open_session
    from pjdesk.services.sync import import_bundles

    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("backups"))
    county = open_session(folder, today=lambda: TODAY)
    if before:
        before(county)
    start = time.perf_counter()
    results = import_bundles(county, bundles, trust_new=True)
    elapsed = time.perf_counter() - start
    refused = [r.message for r in results if r.status != "accepted"]
    assert not refused, refused
    if after:
        after(county)
    county.close()
    shutil.rmtree(folder)
    return elapsed


# --- raw baseline (bench_sync.py uses it too) -------------------------------------------------------------
def _median_raw(rows: RawRows, root: Path, repeat: int, *, records: bool) -> float:
    times = []
    for attempt in range(max(repeat, 1)):
        path = root / f"raw-{'both' if records else 'log'}-{attempt}.db"
        times.append(raw_baseline(rows, path, records=records))
        path.unlink()
    return sorted(times)[len(times) // 2]


def bundle_changes(bundles: list[Path]) -> list[dict]:
    """The change rows of these bundles, as their JSON Lines hold them."""
    return list(_changes_of(bundles))


def _changes_of(bundles: list[Path]) -> Iterator[dict]:
    for bundle in bundles:
        with zipfile.ZipFile(bundle) as zf:
            for name in zf.namelist():
                if name.startswith("changes/"):
                    yield from map(json.loads, zf.read(name).splitlines())


@dataclass
class RawRows:
    """The rows raw executemany writes for a set of changes: the change rows (fields as JSON text) and the
    records they make (record id, township, stamps, operators, then the fields' values), built from the
    changes one at a time, so that the changes are never all held as dicts beside them."""

    log: list[tuple]
    records: list[tuple]
    width: int  # of the record table: the widest change's fields and the six columns before them

    @classmethod
    def of(cls, bundles: list[Path]) -> RawRows:
        log, records = [], []
        for c in _changes_of(bundles):
            log.append((c["id"], c["device"], c["dseq"], c["hlc"], c["operator"], c["kind"], c["record_id"],
                        c["township"], c["op"], json.dumps(c["fields"], ensure_ascii=False), c.get("base")))
            records.append((c["record_id"], c["township"], c["hlc"], c["hlc"], c["operator"], c["operator"],
                            *c["fields"].values()))
        width = max(map(len, records), default=6)
        for i, row in enumerate(records):  # in place: never two lists of the records at once
            records[i] = row + (None,) * (width - len(row))
        return cls(log, records, width)


def raw_baseline(rows: RawRows, path: Path, *, records: bool = True) -> float:
    """The change rows (and, with ``records``, the records they make: a row of the widest change's width)
    written by raw executemany into plain tables of the same columns, in one transaction."""
    log_rows, record_rows, width = rows.log, rows.records if records else [], rows.width
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE log (id, device, dseq, hlc, operator, kind, record_id, township, op, fields, base)")
    conn.execute(f"CREATE TABLE record ({', '.join(f'c{i}' for i in range(width))})")
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO log VALUES (?,?,?,?,?,?,?,?,?,?,?)", log_rows)
        if records:
            conn.executemany(f"INSERT INTO record VALUES ({', '.join('?' * width)})", record_rows)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def raw_same_tables(template: Path, imported: Path, changes: list[dict], folder: Path, *,
                    one_statement: bool = True) -> float:
    """The baseline the issue asks for: the same change rows, and the record rows the import wrote (read back
    from ``imported``, the station after the import), written by raw sqlite3 in one transaction into a copy of
    ``template`` (the same empty station: the same tables, indexes and triggers), with the station's pragmas.

    ``one_statement``: each table's rows go into a temporary staging table by executemany, then into the table
    by one INSERT … SELECT, as the write path does (FTS5 flushes its index at the end of every statement, so a
    plain executemany into a table with a full-text trigger writes an index segment per row); False is the
    plain executemany, slower wherever a full-text index is."""
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns("backups"))
    source = sqlite3.connect(imported / "pjdesk.db")
    record_ids = sorted({c["record_id"] for c in changes})
    tables = {}
    for (table,) in source.execute("SELECT DISTINCT name FROM sqlite_master WHERE type = 'table'"
                                   " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'").fetchall():
        columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
        if "id" not in columns or "deleted" not in columns or table == "change_log":
            continue
        rows = []
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start:start + 500]
            rows += source.execute(f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        if rows:
            tables[table] = (columns, rows)
    source.close()
    from pjdesk.storage import change_codec

    # The rows as the change log stores them, encoded before the clock starts: the raw write is the write alone.
    log_columns, log_rows = change_codec.COLUMNS, [change_codec.stored(c) for c in changes]
    conn = sqlite3.connect(folder / "pjdesk.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    start = time.perf_counter()
    conn.execute("BEGIN")
    _raw_write(conn, "change_log", log_columns, log_rows, one_statement)
    for table, (columns, rows) in tables.items():
        _raw_write(conn, table, columns, rows, one_statement)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    shutil.rmtree(folder)
    return elapsed


def _raw_write(conn: sqlite3.Connection, table: str, columns, rows: list, one_statement: bool) -> None:
    listed, marks = ", ".join(columns), ", ".join("?" * len(columns))
    if not one_statement:
        conn.executemany(f"INSERT INTO main.{table} ({listed}) VALUES ({marks})", rows)
        return
    conn.execute(f"CREATE TEMP TABLE raw_stage AS SELECT {listed} FROM main.{table} WHERE 0")
    conn.executemany(f"INSERT INTO temp.raw_stage ({listed}) VALUES ({marks})", rows)
    conn.execute(f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM temp.raw_stage ORDER BY rowid")
    conn.execute("DROP TABLE temp.raw_stage")


if __name__ == "__main__":
    sys.exit(main())
