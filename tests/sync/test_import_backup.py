"""The backup before an import: one per batch, of the state before the batch, copied while the batch is read
and folded; the batch commits only once the copy is whole, and restoring the copy undoes the whole batch."""

import sqlite3

from pjdesk.services import backups
from pjdesk.services.sync import export_bundle, import_bundles
from pjdesk.sync import load_or_create_key
from tests.sync.conftest import COUNTY, accept, add_hazard, add_unit, database_content, records


def committed_imports(session) -> int:
    """What another connection sees: the bundles committed so far."""
    conn = sqlite3.connect(session.store.path)
    try:
        return conn.execute("SELECT COUNT(*) FROM sync_import").fetchone()[0]
    finally:
        conn.close()


def before_import_backups(session):
    return [b["path"] for b in backups.list_backups(session) if b["reason"] == "导入前"]


def test_a_batch_commits_together_after_its_backup_and_restoring_the_backup_undoes_it(pc, county, outbox):
    add_hazard(pc, add_unit(pc), "消防通道堵塞")
    accept(county, export_bundle(pc, outbox))
    kept = before_import_backups(county)
    before = records(county)
    paths = []
    for description in ("配电箱电线老化", "灭火器过期", "安全出口锁闭"):
        add_hazard(pc, add_unit(pc), description)
        paths.append(export_bundle(pc, outbox))

    seen = []
    results = import_bundles(county, paths, progress=lambda i, n: seen.append(committed_imports(county)))
    assert [r.status for r in results] == ["accepted"] * 3, [r.message for r in results]
    assert seen == [1, 1, 1, 4], "nothing of the batch is committed before its end"
    after = records(county)
    assert len(after["hazard"]) == len(before["hazard"]) + 3

    [backup] = [p for p in before_import_backups(county) if p not in kept]
    assert not list(backup.parent.glob("*.partial")), "the copy was renamed once whole"
    backups.restore_backup(county, backup)
    assert records(county) == before, "the backup is the state before the batch, none of its rows"
    assert committed_imports(county) == 1

    assert [r.status for r in import_bundles(county, paths)] == ["accepted"] * 3
    assert records(county) == after


def test_a_batch_whose_backup_cannot_be_made_writes_nothing(pc, county, outbox):
    paths = []
    for description in ("配电箱电线老化", "灭火器过期"):
        add_hazard(pc, add_unit(pc), description)
        paths.append(export_bundle(pc, outbox))
    folder = county.data_dir / "backups"
    assert not folder.exists()
    folder.write_text("不是文件夹")  # the backup folder cannot be made: no backup, so no import
    content = database_content(county)

    results = import_bundles(county, paths, trust_new=True)
    assert [r.status for r in results] == ["refused", "refused"]
    assert all("备份失败" in r.message for r in results), [r.message for r in results]
    assert database_content(county) == content


def test_a_file_refused_after_its_rows_were_written_rolls_back_alone_with_the_journals_in_memory(
        stations, pc, laptop, outbox, tmp_path, monkeypatch):
    """A batch of small files keeps SQLite's copies of the pages each file changes in memory (not in temporary
    files): a file refused once its rows are written (an attachment it names is missing) rolls back alone all
    the same, and the batch ends as one written with the copies in files."""
    from pjdesk.services import sync as sync_service
    from pjdesk.services.attachments import attach
    from pjdesk.storage import sync_store

    from .test_bundle_verification import members_of, resign, write_zip
    from .test_streamed_bundles import logged

    add_hazard(pc, add_unit(pc), "配电箱电线老化")
    first = export_bundle(pc, outbox)
    attach(laptop, "hazard", add_hazard(laptop, add_unit(laptop, "平江县外业化工厂"), "外业登记"), b"%PDF-1.4 scan",
           name="现场.pdf", label="现场")
    members = members_of(export_bundle(laptop, outbox))
    lacking = write_zip(tmp_path / "lacking.pjz", resign({n: d for n, d in members.items()
                                                          if not n.startswith("attachments/")},
                                                         load_or_create_key(laptop.data_dir)))
    add_hazard(pc, add_unit(pc), "灭火器过期")
    last = export_bundle(pc, outbox)

    in_memory = []
    real = sync_store.journals_in_memory
    monkeypatch.setattr(sync_store, "journals_in_memory", lambda store: in_memory.append(1) or real(store))
    ends = {}
    for name, limit in (("memory", sync_service.JOURNALS_IN_MEMORY_BYTES), ("files", 0)):
        monkeypatch.setattr(sync_service, "JOURNALS_IN_MEMORY_BYTES", limit)
        county = stations(f"county-{name}", COUNTY, device_name="县安委办")
        results = import_bundles(county, [first, lacking, last], trust_new=True)
        assert [r.status for r in results] == ["accepted", "refused", "accepted"], [r.message for r in results]
        assert "附件缺失" in results[1].message
        assert county.store.db.execute("PRAGMA temp_store").fetchone()[0] == 0, "as it was after the batch"
        ends[name] = records(county), logged(county)
    assert in_memory == [1], "the small files' batch only"
    assert ends["memory"] == ends["files"]
    tables = ends["memory"][0]
    assert len(tables["unit"]) == len(tables["hazard"]) == 2, "the refused file's unit and hazard rolled back"


def test_a_batch_commits_without_copying_the_wal_back_which_follows_on_a_thread(pc, county, outbox, monkeypatch):
    """SQLite copies the WAL into the file at the commit that finds it long, and the commit waits (a county's
    batch, ~1 s): the batch's commit leaves it in the WAL, synced, and a thread copies it after."""
    import threading

    from pjdesk.storage import database

    def in_file() -> int:  # the file alone, as a crash before the copy would leave it (its WAL beside it)
        conn = sqlite3.connect(f"{county.store.path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            return conn.execute("SELECT COUNT(*) FROM sync_import").fetchone()[0]
        finally:
            conn.close()

    copy_back, asked = database.write_back, []
    monkeypatch.setattr(database, "write_back", asked.append)
    county.store.db.execute("PRAGMA wal_autocheckpoint = 1")  # any commit of it would copy the WAL back
    add_hazard(pc, add_unit(pc), "配电箱电线老化")
    accept(county, export_bundle(pc, outbox))
    for thread in threading.enumerate():
        if thread.name == "pjdesk-write-back":
            thread.join(10)
    assert asked == [county.store.path]
    assert county.store.db.execute("PRAGMA wal_autocheckpoint").fetchone() == (1,), "as it was"
    assert committed_imports(county) == 1 and in_file() == 0
    copy_back(county.store.path)
    assert in_file() == 1


def test_closing_the_station_waits_for_the_copy_back(pc, county, outbox, monkeypatch):
    """Once closed, nothing of pjdesk's is left on the file: the folder may be moved or removed at once."""
    import threading
    import time

    from pjdesk.storage import database

    copy_back, done = database.write_back, []

    def slow_copy(path) -> None:
        time.sleep(0.3)
        copy_back(path)
        done.append(path)

    monkeypatch.setattr(database, "write_back", slow_copy)
    accept(county, export_bundle(pc, outbox))
    county.close()
    assert done == [county.store.path]
    assert not [t for t in threading.enumerate() if t.name == "pjdesk-write-back"]
