"""DESIGN §9: killed at any moment the file opens intact; bad files are refused untouched; a full disk or a
read-only directory gets a message and nothing partial."""

import ctypes
import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.unit import UNIT
from pjdesk.services.hazards import record_hazard
from pjdesk.services.session import DB_NAME, init_station, open_session
from pjdesk.services.units import save_unit
from pjdesk.storage import database, open_store
from pjdesk.storage import migrations as schema
from pjdesk.storage.backup import KEEP, backup_file

UNIT_VALUES = {"name": "平江县安定化工有限公司", "sector": "危化", "status": "正常", "no_licence": 0, "is_high_risk": 1,
               "is_above_scale": 0}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def station_file(tmp_path, units=1):
    """A closed station file holding ``units`` units."""
    path = tmp_path / DB_NAME
    store = open_store(path)
    store.attach_device("dev0000001")
    with store.transaction():
        store.insert_many(UNIT, [{**UNIT_VALUES, "name": f"单位{i}"} for i in range(units)], township="430626101",
                          operator="张三")
    store.close()
    return path


# --- files that are not ours ----------------------------------------------------------------------------------

def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / DB_NAME
    path.write_bytes("单位名称,统一社会信用代码\n安定化工,91310110666007217T\n".encode("gbk") * 50)
    before = digest(path)
    with pytest.raises(PjdeskError) as e:
        open_store(path)
    assert "不是 pjdesk 数据文件" in str(e.value) and "pjdesk.db" in str(e.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]


def test_a_session_on_a_foreign_file_says_so(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(PjdeskError, match="不是 pjdesk 数据文件"):
        open_session(tmp_path)


def test_a_damaged_sqlite_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / DB_NAME
    path.write_bytes(database.SQLITE_MAGIC + bytes(range(256)) * 64)
    before = digest(path)
    with pytest.raises(PjdeskError) as e:
        open_store(path)
    assert "已损坏或不是 pjdesk 数据文件" in str(e.value) and "从备份恢复" in str(e.value)
    assert digest(path) == before


@pytest.mark.parametrize("journal", ["wal", "delete"])  # delete: e.g. a file restored from a backup copy
def test_a_file_from_a_newer_pjdesk_is_refused_and_untouched(tmp_path, journal):
    path = station_file(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('pjdesk', ?, ?)",
                     ["m099_from_the_future", "2027-01-01 00:00:00+00:00"])
    conn.close()
    before = digest(path)
    with pytest.raises(PjdeskError) as e:
        open_store(path)
    assert "更新版本的 pjdesk" in str(e.value) and "请升级 pjdesk" in str(e.value)
    assert digest(path) == before
    assert not (tmp_path / "backups").exists()
    with pytest.raises(PjdeskError, match="更新版本"):
        open_session(tmp_path)


# --- backups ----------------------------------------------------------------------------------------------------

@pytest.fixture
def upgrade(monkeypatch):
    """Turn this pjdesk into the next release: the same migrations plus one more (which may fail)."""
    released = list(schema._STEPS)

    def install(fail=False):
        def m999_unit_licence_photo(db):
            db.execute("ALTER TABLE unit ADD COLUMN licence_photo TEXT")
            if fail:
                raise RuntimeError("migration failed half-way")

        steps = [*released, m999_unit_licence_photo]
        monkeypatch.setattr(schema, "_STEPS", steps)
        monkeypatch.setattr(database, "SCHEMA_VERSION", len(steps))
        schema._library_set.cache_clear()

    yield install
    schema._library_set.cache_clear()


def unit_columns(path):
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute("PRAGMA table_info(unit)")}, conn.execute(
            "SELECT COUNT(*) FROM unit").fetchone()[0]
    finally:
        conn.close()


def test_a_pending_migration_backs_the_file_up_first(tmp_path, upgrade):
    path = station_file(tmp_path, units=3)
    upgrade()
    store = open_store(path)
    assert "licence_photo" in unit_columns(path)[0]
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
    store.close()
    [backup] = (tmp_path / "backups").glob("pjdesk-before-migration-*.db")
    columns, units = unit_columns(backup)
    assert "licence_photo" not in columns and units == 3, "the backup is the file as it was before the upgrade"
    open_store(path).close()
    assert len(list((tmp_path / "backups").iterdir())) == 1, "no second backup once up to date"


def test_a_new_file_needs_no_backup(tmp_path, upgrade):
    upgrade()
    open_store(tmp_path / DB_NAME).close()
    assert not (tmp_path / "backups").exists()


def test_a_failing_migration_leaves_the_data_as_it_was(tmp_path, upgrade):
    path = station_file(tmp_path, units=2)
    upgrade(fail=True)
    with pytest.raises(Exception, match="half-way"):
        open_store(path)
    columns, units = unit_columns(path)
    assert "licence_photo" not in columns and units == 2
    assert len(list((tmp_path / "backups").glob("pjdesk-before-migration-*.db"))) == 1
    upgrade()
    open_store(path).close()
    assert "licence_photo" in unit_columns(path)[0]


def test_backup_is_a_consistent_copy_and_old_ones_roll_off(tmp_path):
    path = station_file(tmp_path, units=4)
    store = open_store(path)
    start = dt.datetime(2026, 11, 29, 8, 0)
    made = [backup_file(store.db, tmp_path / "backups", reason="before-migration", now=start + dt.timedelta(seconds=i))
            for i in range(KEEP["before-migration"] + 2)]
    store.close()
    kept = sorted((tmp_path / "backups").glob("pjdesk-before-migration-*.db"))
    assert kept == sorted(made)[-KEEP["before-migration"]:]
    conn = sqlite3.connect(kept[-1])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM unit").fetchone()[0] == 4
    conn.close()


# --- killed in the middle of a write ------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from pjdesk.core.hazard import HAZARD
    from pjdesk.services.session import open_session

    session = open_session(sys.argv[1])
    unit_id, half = sys.argv[2], int(sys.argv[3])
    rows = [{"unit_id": unit_id, "description": "消防通道堵塞、电线私拉乱接" * 5, "location": "仓库", "level": "一般",
             "source": "乡镇检查", "found_date": "2026-11-01"}] * half
    committed = 0
    while True:
        with session.store.transaction():
            session.store.insert_many(HAZARD, rows, township="430626101", operator="张三")
            print("half", committed, flush=True)
            session.store.insert_many(HAZARD, rows, township="430626101", operator="张三")
        committed += 1
        print("committed", committed, flush=True)
""")


def test_killed_in_the_middle_of_a_big_write_keeps_every_committed_record(data_dir):
    session = init_station(data_dir, code="430626101", operator="张三")
    unit_id = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"}).id
    session.close()
    half = 1500
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), unit_id, str(half)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, child.kill)
    watchdog.start()
    committed = 0
    try:
        for line in child.stdout:
            what, n = line.split()
            if what == "committed":
                committed = int(n)
            elif committed >= 2:  # well inside the third transaction
                child.kill()  # SIGKILL (TerminateProcess on Windows): no cleanup of any kind, as in a power cut
                break
    finally:
        watchdog.cancel()
        child.wait()
    assert child.returncode == (-signal.SIGKILL if os.name == "posix" else 1), child.stderr.read()
    assert committed >= 2

    store = open_store(data_dir / DB_NAME)
    db = store.db
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    hazards = db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0]
    assert hazards in (committed * 2 * half, (committed + 1) * 2 * half), "a transaction was cut in half"
    assert hazards >= committed * 2 * half
    logged = db.execute("SELECT COUNT(*) FROM change_log WHERE kind = 'hazard'").fetchone()[0]
    assert logged == hazards, "records and change log must commit together"
    assert db.execute("SELECT COUNT(DISTINCT hazard_no) FROM hazard").fetchone()[0] == hazards
    store.close()
    reopened = open_session(data_dir)
    assert reopened.station.code == "430626101"
    reopened.close()


# --- a directory we cannot write ----------------------------------------------------------------------------

def test_data_dir_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "station"
    path.write_text("not a folder")
    with pytest.raises(PjdeskError, match="是一个文件，不是文件夹"):
        init_station(path, code="430626101", operator="张三")


def test_data_dir_under_a_regular_file_is_refused_with_a_message(tmp_path):
    # Works as root too: nobody can create a folder inside a regular file.
    (tmp_path / "blocker").write_text("x")
    target = tmp_path / "blocker" / "station"
    for attempt in (lambda: init_station(target, code="430626101", operator="张三"), lambda: open_session(target)):
        with pytest.raises(PjdeskError) as e:
            attempt()
        assert "数据目录不可写" in str(e.value) and "--data-dir" in str(e.value)
    assert (tmp_path / "blocker").read_text() == "x"


READONLY_PROBE = textwrap.dedent("""
    import sys
    from pjdesk.core.errors import PjdeskError
    from pjdesk.services.session import init_station, open_session

    if sys.argv[1] == "drop-root-override":
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)

        class Header(ctypes.Structure):
            _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

        class Data(ctypes.Structure):
            _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                        ("inheritable", ctypes.c_uint32)]

        header, data = Header(0x20080522, 0), (Data * 2)()
        override = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.capget(ctypes.byref(header), data) != 0:
            sys.exit(3)
        data[0].effective &= ~override
        data[0].permitted &= ~override
        if libc.capset(ctypes.byref(header), data) != 0:
            sys.exit(3)
    try:
        if sys.argv[2] == "new":
            init_station(sys.argv[3], code="430626101", operator="张三")
        else:
            open_session(sys.argv[3])
    except PjdeskError as e:
        print(e)
    else:
        print("OPENED")
""")


def run_readonly(mode, folder):
    """Try a station in a read-only folder; as root, in a child without the power to ignore permissions."""
    if sys.platform == "win32":
        pytest.skip("Windows ignores the read-only mode bits of a folder")
    if os.geteuid() == 0:
        if not hasattr(ctypes.CDLL(None), "capset"):
            pytest.skip("running as root without capset(): cannot make a directory read-only for this process")
        probe = [sys.executable, "-c", READONLY_PROBE, "drop-root-override", mode, str(folder)]
    else:
        probe = [sys.executable, "-c", READONLY_PROBE, "as-is", mode, str(folder)]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    if done.returncode == 3:
        pytest.skip("running as root and capset() refused: cannot make a directory read-only for this process")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def readonly(tmp_path):
    made = []

    def make(path):
        made.append(path)
        path.chmod(0o555)
        return path

    yield make
    for path in made:
        path.chmod(0o755)


def test_new_station_in_a_read_only_folder_gets_a_message(tmp_path, readonly):
    (tmp_path / "station").mkdir()
    folder = readonly(tmp_path / "station")
    message = run_readonly("new", folder)
    assert "数据目录不可写" in message
    assert list(folder.iterdir()) == []


def test_existing_station_in_a_read_only_folder_gets_a_message_and_stays_intact(tmp_path, readonly):
    folder = tmp_path / "station"
    session = init_station(folder, code="430626101", operator="张三")
    save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"})
    session.close()
    before = digest(folder / DB_NAME)
    (folder / DB_NAME).chmod(0o444)
    readonly(folder)
    message = run_readonly("open", folder)
    assert "数据目录不可写" in message
    assert digest(folder / DB_NAME) == before


# --- a full disk --------------------------------------------------------------------------------------------

def test_a_full_disk_gets_a_message_and_writes_nothing_partial(session, unit):
    db = session.store.db

    def counts():
        return tuple(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("hazard", "change_log"))

    # The file may not grow past its present size: the next page it needs is refused as by a full disk.
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    before = counts()
    refused = None
    for _ in range(200):
        before = counts()
        try:
            record_hazard(session, {"unit_id": unit, "description": "配电箱未接地、电线老化" * 50, "location": "仓库"})
        except PjdeskError as e:
            refused = str(e)
            break
    assert refused is not None, "the page limit never bit"
    assert "磁盘已满" in refused and "没有丢失" in refused
    assert counts() == before, "nothing of the refused hazard may be written"

    db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    saved = record_hazard(session, {"unit_id": unit, "description": "灭火器过期", "location": "办公楼"}).id
    assert counts() == (before[0] + 1, before[1] + 1)
    last = db.execute("SELECT record_id FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert last == saved
    logged = {r[0] for r in db.execute("SELECT record_id FROM change_log WHERE kind = 'hazard'")}
    stored = {r[0] for r in db.execute("SELECT id FROM hazard")}
    assert logged == stored, "the change log names only hazards that exist"
