"""A pjdesk.db that is not pjdesk's: refused untouched, byte for byte, with a message and never a traceback.

Only two kinds of file are opened: pjdesk's own, and an empty new database. Anything else (another program's
SQLite file, a folder, an empty file beside the station's backups) is a sign that the data directory is not
what the officer thinks, and writing pjdesk's schema into it would hide that, or damage the other program's data.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.services.backups import backup_now, list_backups
from pjdesk.services.session import DB_NAME, init_station, open_session
from pjdesk.services.units import save_unit
from pjdesk.storage import open_store


def snapshot(folder):
    """Every file under ``folder`` with the SHA-256 of its bytes: what "untouched" means."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def pjdesk(*args, data_dir):
    return subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120)


def refused_by_the_command_line(folder, *words):
    """``pjdesk status`` in ``folder``: exit 1, one line on stderr with ``words``, nothing changed."""
    before = snapshot(folder)
    for args in (["status"], ["status", "--json"]):
        done = pjdesk(*args, data_dir=folder)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        for word in words:
            assert word in done.stderr
    assert snapshot(folder) == before
    return done.stderr


def another_programs_database(path, *, journal="delete"):
    """A file as another program leaves it: its own ``settings`` table (without a ``value`` column) and data."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    with conn:
        conn.execute("CREATE TABLE settings (name TEXT PRIMARY KEY, setting TEXT)")
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, file TEXT, taken TEXT)")
        conn.executemany("INSERT INTO settings VALUES (?, ?)", [("theme", "dark"), ("lang", "zh")])
        conn.executemany("INSERT INTO photos (file, taken) VALUES (?, ?)", [("a.jpg", "2026-01-01")] * 50)
    conn.close()


# --- another program's database ----------------------------------------------------------------------------

@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_programs_database_with_a_settings_table_is_refused_untouched(tmp_path, journal):
    another_programs_database(tmp_path / DB_NAME, journal=journal)
    before = snapshot(tmp_path)
    for attempt in (lambda: open_session(tmp_path), lambda: open_store(tmp_path / DB_NAME),
                    lambda: init_station(tmp_path, code="430626101", operator="张三")):
        with pytest.raises(PjdeskError) as e:
            attempt()
        assert "不是 pjdesk 数据文件" in str(e.value) and "另一个程序" in str(e.value), str(e.value)
        assert "未做任何改动" in str(e.value) and "--data-dir" in str(e.value)
    assert snapshot(tmp_path) == before, "not even the header (the journal mode) is written"


def test_any_other_sqlite_file_gets_no_schema_added(tmp_path):
    conn = sqlite3.connect(tmp_path / DB_NAME)
    with conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('记事')")
    conn.close()
    before = snapshot(tmp_path)
    with pytest.raises(PjdeskError, match="另一个程序"):
        open_session(tmp_path)
    assert snapshot(tmp_path) == before
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    conn.close()


def test_an_empty_sqlite_file_is_a_new_station(tmp_path):
    # What `sqlite3 pjdesk.db "VACUUM"` or a zero-length file leaves: a database with nothing in it yet.
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("VACUUM")
    conn.close()
    session = init_station(tmp_path, code="430626101", operator="张三")
    assert session.station.code == "430626101"
    session.close()


def test_the_command_line_refuses_another_programs_database(tmp_path):
    another_programs_database(tmp_path / DB_NAME)
    refused_by_the_command_line(tmp_path, "另一个程序", "pjdesk.db")


# --- not a file ------------------------------------------------------------------------------------------------

def test_a_folder_named_pjdesk_db_gets_a_message(tmp_path):
    (tmp_path / DB_NAME).mkdir()
    (tmp_path / DB_NAME / "photo.jpg").write_bytes(b"\xff\xd8")
    before = snapshot(tmp_path)
    with pytest.raises(PjdeskError) as e:
        open_session(tmp_path)
    assert "是一个文件夹" in str(e.value) and "--data-dir" in str(e.value)
    assert snapshot(tmp_path) == before
    refused_by_the_command_line(tmp_path, "是一个文件夹")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_named_pjdesk_db_gets_a_message(tmp_path):
    os.mkfifo(tmp_path / DB_NAME)
    with pytest.raises(PjdeskError, match="不是普通文件"):
        open_session(tmp_path)


# --- an empty file where the station was -----------------------------------------------------------------------

@pytest.fixture
def emptied(data_dir, set_now):
    """A station with two backups whose pjdesk.db was then emptied (a crash of the disk, a bad copy)."""
    session = init_station(data_dir, code="430626101", operator="张三")
    save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"})
    set_now("2026-11-27 08:30:00")
    backup_now(session, "daily")
    set_now("2026-11-28 17:05:00")
    save_unit(session, {"name": "安定镇敬老院", "sector": "人员密集场所"})
    newest = backup_now(session)
    session.close()
    # The newest by time on the disk, as the list in 设置 shows them.
    os.utime(newest, (newest.stat().st_atime, newest.stat().st_mtime + 60))
    for leftover in data_dir.glob(DB_NAME + "-*"):
        leftover.unlink()
    (data_dir / DB_NAME).write_bytes(b"")
    return data_dir, newest


def test_an_empty_file_beside_backups_is_not_made_a_new_station(emptied):
    data_dir, newest = emptied
    before = snapshot(data_dir)
    with pytest.raises(PjdeskError) as e:
        open_session(data_dir)
    message = str(e.value)
    assert "是空的" in message and "备份" in message
    assert newest.name in message, "names the newest backup"
    assert "设置 → 备份与恢复" in message and "restore" in message
    assert snapshot(data_dir) == before
    assert (data_dir / DB_NAME).stat().st_size == 0


def test_a_missing_file_beside_backups_is_not_made_a_new_station(emptied):
    data_dir, newest = emptied
    (data_dir / DB_NAME).unlink()
    with pytest.raises(PjdeskError, match="不存在") as e:
        open_session(data_dir)
    assert newest.name in str(e.value)
    assert not (data_dir / DB_NAME).exists()


def test_the_command_line_says_how_to_restore_and_restores(emptied):
    data_dir, newest = emptied
    message = refused_by_the_command_line(data_dir, "是空的", newest.name)
    assert f"restore {newest}" in message or f'restore "{newest}"' in message
    done = pjdesk("restore", str(newest), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert "已恢复" in done.stdout and "单位 2 家" in done.stdout
    status = json.loads(pjdesk("status", "--json", data_dir=data_dir).stdout)
    assert status["station"]["code"] == "430626101" and status["counts"]["units"] == 2


def test_restoring_into_an_emptied_station_through_the_service(emptied):
    from pjdesk.services.backups import restore_data_dir

    data_dir, newest = emptied
    outcome = restore_data_dir(data_dir, newest.name)  # a name in the backups folder will do
    assert "单位 2 家" in outcome.warnings[0]
    session = open_session(data_dir)
    assert session.station.code == "430626101"
    names = {r[0] for r in session.store.db.execute("SELECT name FROM unit")}
    assert names == {"平江县安定化工有限公司", "安定镇敬老院"}
    assert len(list_backups(session)) == 2, "the empty file is not worth a backup of its own"
    session.close()
