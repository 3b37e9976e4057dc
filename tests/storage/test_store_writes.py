"""The storage file: migrations, the single write path and its change log."""

import sqlite3

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import CLOSE, HAZARD, HAZARD_EVENT, NOTICE, PASS, RECTIFIED, REVIEW
from pjdesk.core.kinds import KINDS
from pjdesk.core.unit import UNIT
from pjdesk.storage import change_codec, open_store
from pjdesk.storage.database import META_COLUMNS
from pjdesk.storage.migrations import SCHEMA_VERSION, known_migrations

TOWNSHIP = "430626101"
UNIT_VALUES = {"name": "平江县安定化工有限公司", "sector": "危化", "status": "正常", "no_licence": 0, "is_high_risk": 1,
               "is_above_scale": 0}


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "pjdesk.db")
    s.attach_device("dev0000001")
    yield s
    s.close()


def add_unit(store, operator="张三", **values):
    with store.transaction():
        return store.insert(UNIT, {**UNIT_VALUES, **values}, township=TOWNSHIP, operator=operator)


def add_hazard(store, unit_id, **values):
    base = {"unit_id": unit_id, "description": "消防通道堵塞", "level": "一般", "source": "乡镇检查",
            "found_date": "2026-11-01", "deadline": "2026-11-20"}
    with store.transaction():
        return store.insert(HAZARD, {**base, **values}, township=TOWNSHIP, operator="张三")


def add_event(store, hazard_id, kind, date, **values):
    with store.transaction():
        return store.insert(HAZARD_EVENT, {"hazard_id": hazard_id, "kind": kind, "date": date, **values},
                            township=TOWNSHIP, operator="张三")


def log(store, record_id=None):
    """The change log as the exchange files carry it (change_codec decodes what is stored)."""
    sql = f"SELECT {change_codec.SELECTED} FROM change_log" + (" WHERE record_id = ?" if record_id else "") + " ORDER BY seq"
    return [change_codec.change(r) for r in store.db.execute(sql, [record_id] if record_id else [])]


def columns(store, table):
    return {row[1] for row in store.db.execute(f"PRAGMA table_info({table})")}


# --- migrations and schema ---------------------------------------------------------------------------------

def test_a_new_file_gets_every_migration(tmp_path):
    store = open_store(tmp_path / "new" / "pjdesk.db")
    applied = [r[0] for r in store.db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'pjdesk'")]
    assert applied == list(known_migrations()) and len(applied) == SCHEMA_VERSION >= 1
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"settings", "unit", "hazard", "hazard_event", "change_log", "hazard_fts"} <= set(store.db.table_names())
    store.close()


def test_reopening_runs_nothing_again(tmp_path):
    open_store(tmp_path / "pjdesk.db").close()
    store = open_store(tmp_path / "pjdesk.db")
    assert store.db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    assert not (tmp_path / "backups").exists(), "no pending migration, no backup"
    store.close()


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_every_declared_field_has_its_column(store, kind_name):
    kind = KINDS[kind_name]
    declared = {*META_COLUMNS, *kind.assigned, *kind.field_names(), *kind.derived}
    missing = declared - columns(store, kind.table)
    assert not missing, f"{kind.table}: declared but no column in the migrations: {sorted(missing)}"


# --- the change log ------------------------------------------------------------------------------------------

def test_insert_logs_one_row_with_device_seq_hlc_operator_and_fields(store):
    unit_id = add_unit(store, address=None)
    [row] = log(store)
    assert row["id"] == "dev0000001:1" and row["device"] == "dev0000001" and row["dseq"] == 1
    assert (row["kind"], row["record_id"], row["township"], row["op"], row["operator"]) == (
        "unit", unit_id, TOWNSHIP, "insert", "张三")
    assert row["fields"]["name"] == "平江县安定化工有限公司" and "address" not in row["fields"]
    record = store.get(UNIT, unit_id)
    assert row["hlc"] == record["created_at"] == record["updated_at"]
    assert record["created_by"] == record["updated_by"] == "张三"


def test_one_row_per_changed_record_per_write(store):
    with store.transaction():
        ids = store.insert_many(UNIT, [{**UNIT_VALUES, "name": f"单位{i}"} for i in range(3)], township=TOWNSHIP,
                                operator="张三")
    with store.transaction():
        store.update(UNIT, ids[0], {"phone": "0730-1234567"}, operator="李四")
        store.update(UNIT, ids[1], {"phone": "0730-7654321", "village": "安定村"}, operator="李四")
        store.update(UNIT, ids[2], {"name": "单位2"}, operator="李四")  # unchanged
    rows = log(store)
    assert [(r["op"], r["record_id"]) for r in rows] == [
        ("insert", ids[0]), ("insert", ids[1]), ("insert", ids[2]), ("update", ids[0]), ("update", ids[1])]
    assert [r["id"] for r in rows] == [f"dev0000001:{n}" for n in range(1, 6)]
    assert [r["hlc"] for r in rows] == sorted(r["hlc"] for r in rows) and len({r["hlc"] for r in rows}) == 5
    assert rows[3]["fields"] == {"phone": "0730-1234567"} and rows[3]["operator"] == "李四"
    assert rows[4]["fields"] == {"phone": "0730-7654321", "village": "安定村"}


def test_an_update_that_changes_nothing_logs_nothing(store):
    unit_id = add_unit(store)
    before = store.get(UNIT, unit_id)
    with store.transaction():
        assert store.update(UNIT, unit_id, dict(UNIT_VALUES), operator="李四") == {}
    assert len(log(store)) == 1
    assert store.get(UNIT, unit_id) == before


def test_change_log_refuses_update_and_delete(store):
    add_unit(store)
    for sql in ("UPDATE change_log SET operator = '黑客'", "DELETE FROM change_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute(sql)
    assert log(store)[0]["operator"] == "张三"


def test_soft_delete_keeps_the_row_and_logs_a_delete(store):
    unit_id = add_unit(store)
    with store.transaction():
        store.delete(UNIT, unit_id, reason="重复录入", operator="李四")
    row = store.get(UNIT, unit_id)
    assert row["deleted"] == 1 and row["delete_reason"] == "重复录入" and row["updated_by"] == "李四"
    last = log(store)[-1]
    assert (last["op"], last["record_id"], last["fields"], last["operator"]) == (
        "delete", unit_id, {"delete_reason": "重复录入"}, "李四")
    with pytest.raises(PjdeskError, match="可能已被删除"), store.transaction():
        store.delete(UNIT, unit_id, reason="再删一次", operator="李四")


def test_sequence_resumes_after_reopening(tmp_path):
    store = open_store(tmp_path / "pjdesk.db")
    store.attach_device("dev0000001")
    add_unit(store)
    last_hlc = log(store)[-1]["hlc"]
    store.close()
    store = open_store(tmp_path / "pjdesk.db")
    store.attach_device("dev0000001")
    add_unit(store, name="第二家")
    rows = log(store)
    assert rows[-1]["id"] == "dev0000001:2" and rows[-1]["hlc"] > last_hlc
    store.close()


def test_derived_name_initials_follow_the_name(store):
    unit_id = add_unit(store, name="安定镇红星烟花爆竹经营部")
    assert store.get(UNIT, unit_id)["name_initials"] == "adzhxyhbzjyb"
    with store.transaction():
        store.update(UNIT, unit_id, {"name": "平江化工"}, operator="张三")
    assert store.get(UNIT, unit_id)["name_initials"] == "pjhg"


# --- derived hazard state -------------------------------------------------------------------------------------

def state(store, hazard_id):
    row = store.get(HAZARD, hazard_id)
    return {k: row[k] for k in ("status", "due_date", "rectified_date", "review_date", "closed_date", "incomplete")}


def test_derived_state_columns_follow_the_events(store):
    hazard_id = add_hazard(store, add_unit(store))
    assert store.get(HAZARD, hazard_id)["hazard_no"] == "430626101-2026-A0001"
    assert state(store, hazard_id) == {"status": "发现", "due_date": "2026-11-20", "rectified_date": None,
                                       "review_date": None, "closed_date": None, "incomplete": 0}
    add_event(store, hazard_id, NOTICE, "2026-11-02")
    assert state(store, hazard_id)["status"] == "整改中"
    add_event(store, hazard_id, "延期", "2026-11-15", new_deadline="2026-12-10", note="设备未到")
    assert state(store, hazard_id)["due_date"] == "2026-12-10"
    add_event(store, hazard_id, RECTIFIED, "2026-11-20")
    assert state(store, hazard_id)["rectified_date"] == "2026-11-20"
    add_event(store, hazard_id, REVIEW, "2026-11-22", result=PASS, actor="李四")
    add_event(store, hazard_id, CLOSE, "2026-11-23")
    assert state(store, hazard_id) == {"status": "销号", "due_date": "2026-12-10", "rectified_date": "2026-11-20",
                                       "review_date": "2026-11-22", "closed_date": "2026-11-23", "incomplete": 0}


def test_deleting_an_event_recomputes_the_state(store):
    hazard_id = add_hazard(store, add_unit(store))
    event_id = add_event(store, hazard_id, RECTIFIED, "2026-11-10")
    with store.transaction():
        store.delete(HAZARD_EVENT, event_id, reason="录错了", operator="张三")
    assert state(store, hazard_id)["status"] == "发现" and state(store, hazard_id)["rectified_date"] is None


def test_editing_the_deadline_moves_the_deadline_in_force(store):
    hazard_id = add_hazard(store, add_unit(store))
    with store.transaction():
        store.update(HAZARD, hazard_id, {"deadline": "2026-12-01"}, operator="张三")
    assert state(store, hazard_id)["due_date"] == "2026-12-01"


def test_incomplete_follows_the_major_items(store):
    hazard_id = add_hazard(store, add_unit(store), level="重大")
    assert state(store, hazard_id)["incomplete"] == 1
    with store.transaction():
        store.update(HAZARD, hazard_id, {"major_basis": "判定标准第四条", "resp_person": "王五", "measures": "停产",
                                         "funds": 10000, "emergency_plan": "现场处置方案"}, operator="张三")
    assert state(store, hazard_id)["incomplete"] == 0


def test_hazard_numbers_are_serial_per_township_and_year(store):
    unit_id = add_unit(store)
    first = add_hazard(store, unit_id, found_date="2025-12-30")
    second = add_hazard(store, unit_id)
    third = add_hazard(store, unit_id)
    with store.transaction():
        batch = store.insert_many(HAZARD, [{"unit_id": unit_id, "description": f"问题{i}", "level": "一般",
                                            "source": "乡镇检查", "found_date": "2026-11-02"} for i in range(2)],
                                  township=TOWNSHIP, operator="张三")
    numbers = [store.get(HAZARD, i)["hazard_no"] for i in (first, second, third, *batch)]
    assert numbers == ["430626101-2025-A0001", "430626101-2026-A0001", "430626101-2026-A0002", "430626101-2026-A0003",
                       "430626101-2026-A0004"]


# --- all or nothing -----------------------------------------------------------------------------------------

def counts(store):
    return tuple(store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("unit", "hazard", "change_log"))


def test_a_transaction_that_raises_leaves_nothing(store):
    unit_id = add_unit(store)
    before = counts(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert(UNIT, {**UNIT_VALUES, "name": "半途"}, township=TOWNSHIP, operator="张三")
        add_hazard(store, unit_id)
        store.update(UNIT, unit_id, {"phone": "110"}, operator="张三")
        raise RuntimeError("断电")
    assert counts(store) == before
    assert store.get(UNIT, unit_id)["phone"] is None


def test_a_failed_write_leaves_no_change_log_row_behind_for_the_next_one(store):
    add_unit(store)
    with pytest.raises(RuntimeError), store.transaction():
        phantom = store.insert(UNIT, {**UNIT_VALUES, "name": "半途"}, township=TOWNSHIP, operator="张三")
        raise RuntimeError("断电")
    real = add_unit(store, name="第二家")
    rows = log(store)
    assert phantom not in {r["record_id"] for r in rows}, "a rolled-back record reached the change log"
    assert [r["record_id"] for r in rows][-1] == real
    assert [r["dseq"] for r in rows] == [1, 2]


def test_a_failed_nested_block_is_undone_and_the_rest_commits(store):
    with store.transaction():
        kept = store.insert(UNIT, {**UNIT_VALUES, "name": "保留"}, township=TOWNSHIP, operator="张三")
        with pytest.raises(RuntimeError), store.transaction():
            dropped = store.insert(UNIT, {**UNIT_VALUES, "name": "撤销"}, township=TOWNSHIP, operator="张三")
            raise RuntimeError("这一行有错")
        after = store.insert(UNIT, {**UNIT_VALUES, "name": "之后"}, township=TOWNSHIP, operator="张三")
    assert store.get(UNIT, dropped) is None
    rows = log(store)
    assert [r["record_id"] for r in rows] == [kept, after]
    assert [r["dseq"] for r in rows] == [1, 2]


def test_a_constraint_failure_rolls_back_the_whole_batch(store):
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.insert_many(UNIT, [{**UNIT_VALUES, "name": "好的"}, {**UNIT_VALUES, "name": None}], township=TOWNSHIP,
                          operator="张三")
    assert counts(store) == (0, 0, 0)
    add_unit(store)
    assert counts(store) == (1, 0, 1)


@pytest.mark.parametrize("name", ["平江县安定镇ABC化工有限公司123", "重庆银行平江支行", "长寿镇长乐加油站",
                                  "行业协会", "曾经的乐器行", "", "ＡＢＣ"])
def test_initials_by_word_are_those_of_the_whole_name(name):
    from pypinyin import Style, lazy_pinyin

    from pjdesk.storage.search import initials

    whole = "".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    assert initials(name) == whole
    assert initials(name) == whole, "the second time from the per-word cache, the same"


def test_initials_leave_latin_letters_and_digits_out():
    from pjdesk.storage.search import initials

    assert initials("平江县安定镇ABC化工有限公司123") == "pjxadzhgyxgs"


def test_a_write_outside_a_transaction_commits_at_once_and_a_failed_one_leaves_none_open(tmp_path):
    """The store's connection keeps sqlite-utils' contract for ``execute`` without importing it at start."""
    store = open_store(tmp_path / "pjdesk.db")
    store.db.execute("INSERT INTO settings(key, value) VALUES (?, ?)", ["k", "v"])
    assert not store.db.conn.in_transaction
    other = sqlite3.connect(tmp_path / "pjdesk.db")
    assert other.execute("SELECT value FROM settings WHERE key = 'k'").fetchone() == ("v",)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO settings(key, value) VALUES ('k', 'again')")
    assert not store.db.conn.in_transaction
    other.execute("INSERT INTO settings(key, value) VALUES ('from another connection', '1')")  # not locked out
    other.commit()
    other.close()
    store.db.execute("BEGIN")
    store.db.execute("INSERT INTO settings(key, value) VALUES ('inside', '1')")
    assert store.db.conn.in_transaction, "an explicit transaction is left to its owner"
    store.db.execute("ROLLBACK")
    assert store.db.execute("SELECT COUNT(*) FROM settings WHERE key = 'inside'").fetchone() == (0,)
    store.close()
