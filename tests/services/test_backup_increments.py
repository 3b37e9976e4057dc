"""The backup before an import as an increment on the day's full backup: what changed since, not the file.

The full backup of the day plus the increment is the station as it was before the batch, every table, row for
row (rowids included); a damaged increment, or one whose base is gone or replaced, is refused and changes
nothing; where no full backup of today fits (none, another station's, one the station no longer descends
from), the backup is a full copy.
"""

import shutil
import sqlite3

import pytest

from pjdesk.core.clock import Clock
from pjdesk.core.errors import PjdeskError
from pjdesk.services import backups, hazards
from pjdesk.services.demo import load_demo
from pjdesk.services.session import open_session
from pjdesk.services.sync import export_bundle
from pjdesk.services.units import save_unit
from pjdesk.storage import backup as storage_backup
from pjdesk.storage.migrations import SCHEMA_VERSION
from tests.sync.conftest import COUNTY, TODAY, accept, add_hazard, add_unit, make_station


@pytest.fixture(autouse=True)
def small_files_too(monkeypatch):
    """These stations are small: their backups before an import are increments as a large file's are."""
    monkeypatch.setattr(storage_backup, "INCREMENT_FROM_BYTES", 0)


@pytest.fixture
def county_and_township(tmp_path):
    made = make_station(tmp_path / "county", COUNTY, county=True), make_station(tmp_path / "anding")
    yield made
    for session in made:
        session.close()


def content(session) -> dict:
    """Every table that holds data, each row with its rowid; and what the full-text index finds."""
    db = session.store.db
    names = storage_backup._plain_tables(db.conn, "main")
    tables = {n: db.execute(f'SELECT rowid, * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    db.execute("INSERT INTO hazard_fts(hazard_fts) VALUES ('integrity-check')")  # the index fits its rows
    tables["hazard_fts"] = db.execute("SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH '消防通道'"
                                      " ORDER BY rowid").fetchall()
    return tables


def made_backups(session, before=()) -> list[dict]:
    return [b for b in backups.list_backups(session) if b["path"] not in before]


def newest(session) -> dict:
    return backups.list_backups(session)[0]


def batch(session, *paths):
    """One import of these files, and the backup it made."""
    before = {b["path"] for b in backups.list_backups(session)}
    accept(session, *paths)
    [made] = made_backups(session, before)
    return made


def a_day_of_work(township, county, outbox):
    """The township's next changes: new records, events on hazards the county holds (their state is derived
    again there, with no log row of its own), an edited unit, a deleted hazard; and the county's own edits."""
    def live(status):
        return [r[0] for r in township.store.db.execute(
            "SELECT id FROM hazard WHERE status = ? AND deleted = 0 ORDER BY id", [status])]

    hazards.complete_rectification(township, live("整改中")[0], "2026-11-29")
    for found in live("发现"):  # the hazards of the day before
        hazards.notify_rectification(township, found, "2026-11-29")
    hazards.delete_hazard(township, live("销号")[0], "重复录入")
    unit = add_unit(township, "平江县安定新材料有限公司")
    add_hazard(township, unit, "消防通道被货物堵塞")
    [first_unit] = township.store.db.execute("SELECT id FROM unit ORDER BY id LIMIT 1").fetchone()
    save_unit(township, {"phone": "13900000000"}, first_unit)
    save_unit(county, {"name": "平江县县直测试单位", "sector": "工贸其他"})
    county.store.set_settings({"exchange_folder": str(outbox)})
    return export_bundle(township, outbox)


def test_the_day_full_backup_and_an_increment_restore_the_station_as_it_was_before_the_batch(
        county_and_township, tmp_path):
    county, township = county_and_township
    outbox = tmp_path / "usb"
    load_demo(township, seed=3, hazards=40)
    full = batch(county, export_bundle(township, outbox))
    assert full["label"] == "导入前" and not full["increment"], "no full backup of today yet: this one is whole"
    daily = backups.backup_now(county, "daily")  # as the program makes it at the day's first start

    first = a_day_of_work(township, county, outbox)
    before_first = content(county)
    increment = batch(county, first)
    assert increment["increment"] and increment["label"] == "导入前（增量）"
    assert storage_backup._manifest(increment["path"])["base"] == daily.name, "on the newest full backup"
    assert increment["size"] < daily.stat().st_size / 2

    second = a_day_of_work(township, county, outbox)
    before_second = content(county)
    latest = batch(county, second)
    assert latest["increment"], "on the same full backup: the batch before it is in the increment"
    parts = sqlite3.connect(latest["path"])
    units = county.store.db.execute("SELECT COUNT(*) FROM unit").fetchone()[0]
    assert 0 < parts.execute("SELECT COUNT(*) FROM unit").fetchone()[0] < units, "only the units touched today"
    parts.close()

    save_unit(county, {"name": "平江县恢复后消失的单位", "sector": "工贸其他"})
    outcome = backups.restore_backup(county, latest["path"])
    assert "已恢复" in outcome.warnings[0]
    assert content(county) == before_second
    backups.restore_backup(county, increment["path"])
    assert content(county) == before_first

    # After the restore the station goes on from there: the next batch's backup restores it too.
    third = a_day_of_work(township, county, outbox)
    before_third = content(county)
    batch(county, export_bundle(township, outbox), third)
    backups.restore_backup(county, newest(county)["path"])
    assert content(county) == before_third


def test_without_a_full_backup_of_today_the_backup_is_a_full_copy(county_and_township, tmp_path):
    county, township = county_and_township
    outbox = tmp_path / "usb"
    daily = backups.backup_now(county, "daily")
    daily.rename(daily.with_name(daily.name.replace("-20261129-", "-20261128-")))  # yesterday's
    add_hazard(township, add_unit(township))
    assert not batch(county, export_bundle(township, outbox))["increment"]
    add_hazard(township, add_unit(township))
    assert batch(county, export_bundle(township, outbox))["increment"], "the first batch of the day pays once"


def test_a_full_backup_of_an_older_schema_is_no_base(county_and_township, tmp_path):
    """After an upgrade (whose own backup is a full copy) the day's earlier full backups are of another schema."""
    from tests.services.test_backups import old_backup

    county, township = county_and_township
    outbox = tmp_path / "usb"
    old = old_backup(county, tmp_path, SCHEMA_VERSION - 1, ["平江县旧单位"])
    backups.backup_folder(county).mkdir()
    shutil.move(old, backups.backup_folder(county) / "pjdesk-daily-20261129-080000-000000.db")
    add_hazard(township, add_unit(township))
    assert not batch(county, export_bundle(township, outbox))["increment"]


def test_a_full_backup_of_another_station_is_no_base(county_and_township, tmp_path):
    county, township = county_and_township
    outbox = tmp_path / "usb"
    other = backups.backup_now(township, "daily")  # today's, of the township
    backups.backup_folder(county).mkdir()
    shutil.copy(other, backups.backup_folder(county) / other.name)
    add_hazard(township, add_unit(township))
    made = batch(county, export_bundle(township, outbox))
    assert not made["increment"]
    assert made["label"] == "导入前"


def test_a_full_backup_the_station_no_longer_descends_from_is_no_base(county_and_township, tmp_path):
    county, township = county_and_township
    outbox = tmp_path / "usb"
    add_hazard(township, add_unit(township))
    early = backups.backup_now(county, "manual")
    save_unit(county, {"name": "平江县县直测试单位一", "sector": "工贸其他"})
    backups.backup_now(county, "daily")
    backups.restore_backup(county, early)  # the station goes back before the daily backup
    save_unit(county, {"name": "平江县县直测试单位二", "sector": "工贸其他"})
    before = content(county)
    made = batch(county, export_bundle(township, outbox))
    # Its base is the restored backup itself (the station descends from it), never the later daily one.
    bases = {storage_backup._manifest(made["path"])["base"]} if made["increment"] else set()
    assert bases <= {early.name}
    backups.restore_backup(county, made["path"])
    assert content(county) == before


def damage_a_row(path):
    conn = sqlite3.connect(path)
    conn.execute("UPDATE change_log SET fields = replace(fields, '消防', 'xx')")
    conn.commit()
    conn.close()


def damage_the_pages(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [damage_a_row, damage_the_pages])
def test_a_damaged_increment_is_refused_and_the_data_stays_as_it_was(county_and_township, tmp_path, damage):
    county, township = county_and_township
    outbox = tmp_path / "usb"
    add_hazard(township, add_unit(township), "消防通道堵塞")
    batch(county, export_bundle(township, outbox))
    add_hazard(township, add_unit(township), "消防栓被遮挡")
    increment = batch(county, export_bundle(township, outbox))
    assert increment["increment"]
    save_unit(county, {"name": "平江县县直测试单位", "sector": "工贸其他"})
    kept = content(county)
    damage(increment["path"])
    with pytest.raises(PjdeskError, match=f"不能从“{increment['path'].name}”恢复：.*(损坏|不是 pjdesk 备份文件)"):
        backups.restore_backup(county, increment["path"])
    assert content(county) == kept


def two_batches(county, township, outbox):
    """A batch with no full backup of today (its backup is whole, the next one's base), then a batch whose
    backup is an increment on it: the paths of both."""
    add_hazard(township, add_unit(township))
    base = batch(county, export_bundle(township, outbox))["path"]
    add_hazard(township, add_unit(township))
    return base, batch(county, export_bundle(township, outbox))["path"]


def test_an_increment_whose_base_is_gone_or_replaced_is_refused(county_and_township, tmp_path):
    county, township = county_and_township
    base, increment = two_batches(county, township, tmp_path / "usb")
    kept = content(county)

    other = backups.backup_now(county, "manual")  # a full backup of a later state, put in the base's place
    shutil.copy(other, base)
    with pytest.raises(PjdeskError, match="已被替换，与增量备份不符"):
        backups.restore_backup(county, increment)
    base.unlink()
    with pytest.raises(PjdeskError, match=f"它所依据的完整备份“{base.name}”已不在备份文件夹中。请选择另一个备份"):
        backups.restore_backup(county, increment)
    assert content(county) == kept

    storage_backup._rotate(base.parent, "before-import")
    assert not increment.exists(), "an increment without its base is pruned with it"


def test_an_increment_restores_a_station_whose_file_is_lost(county_and_township, tmp_path):
    county, township = county_and_township
    outbox = tmp_path / "usb"
    add_hazard(township, add_unit(township))
    batch(county, export_bundle(township, outbox))
    add_hazard(township, add_unit(township), "消防通道堵塞")
    before = content(county)
    increment = batch(county, export_bundle(township, outbox))["path"]
    folder = county.data_dir
    county.close()
    for name in ("pjdesk.db", "pjdesk.db-wal", "pjdesk.db-shm"):
        (folder / name).unlink(missing_ok=True)

    outcome = backups.restore_data_dir(folder, increment.name, clock=Clock(lambda: TODAY))
    assert "已恢复" in outcome.warnings[0]
    reopened = open_session(folder, today=lambda: TODAY)
    try:
        assert content(reopened) == before
    finally:
        reopened.close()


def test_a_log_row_naming_a_record_no_table_holds_makes_the_copy_whole(county_and_township, tmp_path):
    """A change of a kind this pjdesk does not know stays in the log only: its record cannot be followed to a
    row, so what the increment would hold is not sure, and the backup is a full copy of the same snapshot."""
    county, township = county_and_township
    outbox = tmp_path / "usb"
    add_hazard(township, add_unit(township))
    batch(county, export_bundle(township, outbox))
    db = county.store.db
    db.execute("INSERT INTO change_log(device, dseq, hlc, operator, kind, record_id, township, op, fields)"
               " VALUES ('future', 1, '9999999999999999.0000.future', NULL, 'future_kind', 'rec-1',"
               " '430626101', 'insert', '{}')")
    db.conn.commit()
    add_hazard(township, add_unit(township), "消防通道堵塞")
    before = content(county)
    made = batch(county, export_bundle(township, outbox))
    assert not made["increment"] and made["label"] == "导入前"
    backups.restore_backup(county, made["path"])
    assert content(county) == before


def test_a_cancelled_restore_of_an_increment_leaves_the_data_as_it_was(county_and_township, tmp_path):
    county, township = county_and_township
    _base, increment = two_batches(county, township, tmp_path / "usb")
    assert storage_backup.is_increment(increment)
    save_unit(county, {"name": "平江县县直测试单位", "sector": "工贸其他"})
    kept = content(county)
    steps = []

    def cancel_in_the_increment():
        return any(60 < done < 100 for done, _ in steps)  # today's data kept, the increment's base copied

    with pytest.raises(PjdeskError, match="已取消恢复，数据未改动"):
        backups.restore_backup(county, increment, progress=lambda *step: steps.append(step),
                               cancelled=cancel_in_the_increment)
    assert content(county) == kept
    assert not list(increment.parent.glob("*.restoring*")), "the station it was building is gone"


def test_a_small_file_is_copied_whole(county_and_township, tmp_path, monkeypatch):
    monkeypatch.setattr(storage_backup, "INCREMENT_FROM_BYTES", 8 * 1024 * 1024)
    county, township = county_and_township
    outbox = tmp_path / "usb"
    backups.backup_now(county, "daily")
    add_hazard(township, add_unit(township))
    assert county.store.path.stat().st_size < storage_backup.INCREMENT_FROM_BYTES
    assert not batch(county, export_bundle(township, outbox))["increment"]


def test_a_table_a_trigger_keeps_as_the_log_grows_is_restored_as_it_was(county_and_township, tmp_path):
    """A small table kept up to date by a trigger on the log (as a latest-stamp row may be) is put back after
    the log's new rows, which fire the trigger again while the increment is applied."""
    county, township = county_and_township
    outbox = tmp_path / "usb"
    db = county.store.db
    db.execute("CREATE TABLE _log_count (n INTEGER NOT NULL)")
    db.execute("INSERT INTO _log_count VALUES ((SELECT COUNT(*) FROM change_log))")
    db.execute("CREATE TRIGGER _log_counted AFTER INSERT ON change_log BEGIN UPDATE _log_count SET n = n + 1; END")
    db.conn.commit()
    add_hazard(township, add_unit(township))
    batch(county, export_bundle(township, outbox))
    add_hazard(township, add_unit(township), "消防通道堵塞")
    before = content(county)
    increment = batch(county, export_bundle(township, outbox))
    assert increment["increment"]
    backups.restore_backup(county, increment["path"])
    assert content(county) == before
