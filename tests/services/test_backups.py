"""Backups and restores: a restored backup from before the last upgrade is upgraded as at opening, a copy
reports its progress and can be stopped, and a stopped or failed one leaves everything as it was."""

import sqlite3

import pytest
from sqlite_utils import Database

from pjdesk.core.errors import PjdeskError
from pjdesk.services import backups
from pjdesk.services.sync import export_bundle, import_bundles
from pjdesk.services.units import save_unit
from pjdesk.storage.migrations import SCHEMA_VERSION, known_migrations, migrations
from tests.sync.conftest import add_hazard, add_unit, make_station


def old_backup(session, folder, applied: int, units: list[str]):
    """A backup of ``session``'s station as an older pjdesk made it: only its first ``applied`` migrations,
    the station's settings and some units (written as that schema holds them)."""
    path = folder / f"pjdesk-manual-20260101-080000-{applied:06d}.db"
    db = Database(path)
    migrations.apply(db, stop_before=list(known_migrations()[applied:]))
    settings = session.store.db.execute("SELECT key, value FROM settings").fetchall()
    db.conn.executemany("INSERT INTO settings(key, value) VALUES (?, ?)", settings)
    db.conn.executemany(
        "INSERT INTO unit(id, township, created_at, updated_at, name, sector) VALUES (?, ?, ?, ?, ?, ?)",
        [(f"old-unit-{i}", session.station.code, "2026-01-01 08:00:00", "2026-01-01 08:00:00", name, "危化")
         for i, name in enumerate(units)])
    db.conn.commit()
    db.close()
    return path


def tables(session):
    return {r[0] for r in session.store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.fixture
def county_and_township(tmp_path):
    made = make_station(tmp_path / "county", "430626", county=True), make_station(tmp_path / "anding")
    yield made
    for session in made:
        session.close()


@pytest.mark.parametrize("applied", [1, SCHEMA_VERSION - 1])
def test_a_backup_from_before_the_last_upgrade_is_upgraded_and_bundles_go_in(county_and_township, tmp_path, applied):
    county, township = county_and_township
    path = old_backup(county, tmp_path, applied, ["平江县旧单位一", "平江县旧单位二"])
    outcome = backups.restore_backup(county, path)
    assert "单位 2 家" in outcome.warnings[0]
    assert "sync_held_back" in tables(county)
    assert county.store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    kinds = [b["reason"] for b in backups.list_backups(county)]
    assert "恢复前" in kinds and "升级前" in kinds, "today's data, and the restored data before its upgrade"

    hazard = add_hazard(township, add_unit(township, "平江县安定化工有限公司"))
    [result] = import_bundles(county, [export_bundle(township, tmp_path / "usb")], trust_new=True)
    assert result.status == "accepted", result.message
    names = {r[0] for r in county.store.db.execute("SELECT name FROM unit")}
    assert names == {"平江县旧单位一", "平江县旧单位二", "平江县安定化工有限公司"}
    assert county.store.db.execute("SELECT COUNT(*) FROM hazard WHERE id = ?", [hazard]).fetchone()[0] == 1
    # The session's other connections (the window's, while a background task restored) see it too.
    other = county.reopen()
    assert {r[0] for r in other.store.db.execute("SELECT name FROM unit")} == names
    other.close()


def test_the_restored_old_backup_is_kept_as_it_was_before_its_upgrade(session, tmp_path):
    path = old_backup(session, tmp_path, 3, ["平江县旧单位"])
    backups.restore_backup(session, path)
    [before_upgrade] = [b["path"] for b in backups.list_backups(session) if b["reason"] == "升级前"]
    conn = sqlite3.connect(before_upgrade)
    assert conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == 3
    assert [r[0] for r in conn.execute("SELECT name FROM unit")] == ["平江县旧单位"]
    conn.close()


def test_backup_and_restore_report_their_progress(session):
    many_units(session)
    steps = []
    path = backups.backup_now(session, progress=lambda done, total: steps.append((done, total)))
    assert len(steps) >= 3 and steps[-1][0] == steps[-1][1] > 0
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    steps.clear()
    backups.restore_backup(session, path, progress=lambda done, total: steps.append((done, total)))
    assert steps[-1] == (100, 100) and any(0 < done < 100 for done, _ in steps)


def test_a_cancelled_backup_leaves_no_file(session, unit):
    with pytest.raises(PjdeskError, match="已取消备份"):
        backups.backup_now(session, cancelled=lambda: True)
    assert backups.list_backups(session) == []


def many_units(session, n=300):
    for i in range(n):
        save_unit(session, {"name": f"平江县进度测试单位{i:03d}号", "sector": "危化", "address": "安定镇" * 40})


def test_a_cancelled_restore_leaves_the_data_as_it_was(session):
    many_units(session)
    path = backups.backup_now(session)
    save_unit(session, {"name": "平江县备份后的单位", "sector": "危化"})
    steps = []

    def cancel_in_the_copy():
        return any(50 < done < 100 for done, _ in steps)  # the backup of today's data made, half of the copy

    with pytest.raises(PjdeskError, match="已取消恢复，数据未改动"):
        backups.restore_backup(session, path, progress=lambda *step: steps.append(step), cancelled=cancel_in_the_copy)
    names = {r[0] for r in session.store.db.execute("SELECT name FROM unit")}
    assert "平江县备份后的单位" in names and len(names) == 301
    assert session.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
