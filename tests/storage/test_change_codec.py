"""The change log's compact rows (schema 16): what is stored reads back as the change that was written, the
format's tables never change under rows already written, and an older file's log migrates whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from pjdesk.core.clock import Clock
from pjdesk.core.unit import UNIT
from pjdesk.storage import change_codec, database, open_store, sync_store
from pjdesk.storage.change_codec import decode_fields, encode_fields

DATA = Path(__file__).parents[1] / "data"
TOWNSHIP = "430626101"
UUID = "0198a3cc-d53d-7437-9567-1ca0edc458d1"


@pytest.mark.parametrize("fields", [
    {},
    {"name": "平江县安定化工有限公司", "sector": "危化", "is_high_risk": 1, "unit_id": UUID, "found_date": "2026-03-09"},
    # Values of every shape JSON gives, under names known and unknown, in an order that is not the tables'.
    {"zz_new_field": "新字段", "funds": -300000, "big": 10 ** 30, "ratio": 1.5, "whole": 2.0, "on": True, "off": False,
     "gone": None, "long": "长" * 400, "list": [1, {"a": "b"}]},
    # Look-alikes of the compact forms stay text: not a real day, a UUID in capitals, with a space, too short.
    {"date": "2026-02-30", "deadline": "2026-2-3", "hazard_id": UUID.upper(), "person_id": UUID[:10] + " " + UUID[11:],
     "unit_id": UUID[:-1], "note": UUID.replace("-", ""), "lone": "\ud800"},
])
def test_fields_read_back_as_written_in_their_order(fields):
    stored = encode_fields(fields)
    assert decode_fields(stored) == fields
    assert list(decode_fields(stored)) == list(fields)


def test_fields_are_stored_in_under_half_the_bytes_of_their_json():
    fields = {"training_id": UUID, "person_id": "0198a3cc-d53d-7437-9567-1ca0edc458d2", "result": "合格"}
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(encode_fields(fields)) * 2 < len(text)


def test_older_rows_in_json_still_read():
    assert decode_fields('{"name":"单位"}') == {"name": "单位"}
    assert decode_fields(encode_fields(["not", "an", "object"])) == ["not", "an", "object"]


def test_the_format_tables_only_ever_grow():
    """An entry's index is in every row written with it: the first entries may never change."""
    def digest(items):
        return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]

    assert len(change_codec.NAMES) >= 170 and len(change_codec.VALUES) >= 184
    assert digest(change_codec.NAMES[:170]) == "0e058ee67ea6e085"
    assert digest(change_codec.VALUES[:184]) == "971f474dc23cbcbb"
    assert len(set(change_codec.NAMES)) == len(change_codec.NAMES)
    assert len(set(change_codec.VALUES)) == len(change_codec.VALUES)


def test_a_change_with_an_id_not_a_uuid_travels_and_folds(tmp_path):
    """Ids of another form (a hostile or older sender's) are kept as text and found again by the same id."""
    store = open_store(tmp_path / "pjdesk.db")
    store.attach_device("dev000000c")
    change = {"id": "dev000000t:1", "device": "dev000000t", "dseq": 1, "hlc": "0001767225600000.0000.dev000000t",
              "operator": "张三", "kind": "unit", "record_id": "单位-1", "township": TOWNSHIP, "op": "insert",
              "fields": {"name": "平江县安定化工有限公司", "sector": "危化"}, "base": None}
    with store.transaction():
        sync_store.apply_changes(store, [change])
    assert store.get(UNIT, "单位-1")["name"] == "平江县安定化工有限公司"
    assert store.changes_of(["单位-1"])[0] == {"seq": 1, **change}
    assert sync_store.unacknowledged(store, {}, None) == [change]
    assert sync_store.record_owners(store, ["单位-1"]) == {"单位-1": ("unit", TOWNSHIP)}
    with store.transaction():  # the same change again is no new change
        assert sync_store.apply_changes(store, [dict(change)]).new_changes == 0
    store.close()


def test_the_clock_resumes_past_a_later_stamp_that_came_in_a_bundle(tmp_path):
    store = open_store(tmp_path / "pjdesk.db")
    store.attach_device("dev000000c")
    ahead = "4001767225600000.0000.dev000000t"  # far past this PC's clock
    with store.transaction():
        sync_store.apply_changes(store, [{
            "id": "dev000000t:1", "device": "dev000000t", "dseq": 1, "hlc": ahead, "operator": None, "kind": "unit",
            "record_id": UUID, "township": TOWNSHIP, "op": "insert", "fields": {"name": "单位"}, "base": None}])
    store.close()
    store = open_store(tmp_path / "pjdesk.db")
    store.attach_device("dev000000c")
    with store.transaction():
        unit = store.insert(UNIT, {"name": "另一单位"}, township=TOWNSHIP, operator="张三")
    assert store.get(UNIT, unit)["created_at"] > ahead
    store.close()


def test_the_clock_resumes_past_its_own_latest_stamp_when_the_pc_clock_went_back(tmp_path):
    ahead = Clock(today=lambda: dt.date(2031, 1, 1))
    store = open_store(tmp_path / "pjdesk.db", clock=ahead)
    store.attach_device("dev000000c")
    with store.transaction():
        first = store.insert(UNIT, {"name": "单位"}, township=TOWNSHIP, operator="张三")
    store.close()
    store = open_store(tmp_path / "pjdesk.db", clock=Clock(today=lambda: dt.date(2026, 1, 1)))
    store.attach_device("dev000000c")
    with store.transaction():
        second = store.insert(UNIT, {"name": "另一单位"}, township=TOWNSHIP, operator="张三")
    assert store.get(UNIT, second)["created_at"] > store.get(UNIT, first)["created_at"]
    store.close()


def _old_log(path: Path) -> list[dict]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [{**dict(r), "fields": json.loads(r["fields"])} for r in conn.execute("SELECT * FROM change_log ORDER BY seq")]
    finally:
        conn.close()


def _rowids(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT rowid, id FROM hazard ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_a_schema_15_log_migrates_whole_and_its_file_shrinks(tmp_path, monkeypatch):
    """Every change of a station of schema 15 reads back the same after m016, the log stays append-only, the
    clock resumes where it was, and the space the old log held is given back (at any size, here) with the
    hazards' rowids kept, which their full-text index refers to."""
    source = DATA / "station-schema15.db"
    path = tmp_path / "pjdesk.db"
    shutil.copyfile(source, path)
    before, rowids = _old_log(path), _rowids(path)
    monkeypatch.setattr(database, "VACUUM_FREE_BYTES", 0)
    store = open_store(path, clock=Clock())
    after = store._rows(f"SELECT seq, {change_codec.SELECTED} FROM change_log ORDER BY seq")
    assert [{"seq": r["seq"], **change_codec.change([r[c] for c in change_codec.COLUMNS])} for r in after] == before
    assert store.db.execute("SELECT hlc FROM change_log_latest").fetchone()[0] == max(r["hlc"] for r in before)
    for sql in ("UPDATE change_log SET operator = '黑客'", "DELETE FROM change_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute(sql)
    assert store.db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    store.db.execute("INSERT INTO hazard_fts(hazard_fts) VALUES ('integrity-check')")
    store.close()
    assert path.stat().st_size < source.stat().st_size
    assert _rowids(path) == rowids
