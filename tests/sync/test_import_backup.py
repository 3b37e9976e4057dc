"""The backup before an import: one per batch, of the state before the batch, copied while the batch is read
and folded; the batch commits only once the copy is whole, and restoring the copy undoes the whole batch."""

import sqlite3

from pjdesk.services import backups
from pjdesk.services.sync import export_bundle, import_bundles
from tests.sync.conftest import accept, add_hazard, add_unit, database_content, records


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
