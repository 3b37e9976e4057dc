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
    assert decode_fields(encode_fields({1: "a key that is not text"})) == {"1": "a key that is not text"}  # as JSON
    with pytest.raises(change_codec.DamagedChange):  # every change's fields are an object: anything else is damage
        decode_fields(encode_fields(["not", "an", "object"]))


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


# --- a damaged or forged log ------------------------------------------------------------------------------
SAMPLES = [
    {"name": "平江县安定化工有限公司", "sector": "危化", "is_high_risk": 1, "unit_id": UUID, "found_date": "2026-03-09"},
    {"zz_new_field": "新字段", "funds": -300000, "ratio": 1.5, "on": True, "gone": None, "list": [1, {"a": "b"}]},
    {"description": "消防通道堆放杂物" * 20, "hazard_no": "430626101-2026-A0001", "level": "一般隐患"},
]


def _decodes_or_refuses(data) -> dict | None:
    """The fields, or None when refused as damaged; any other outcome fails the test."""
    try:
        fields = decode_fields(data)
    except change_codec.DamagedChange as e:
        assert "已损坏" in str(e)
        return None
    assert isinstance(fields, dict)
    return fields


def _boundaries(fields: dict) -> set[int]:
    """The lengths at which a stored value ends just after a whole field: cut there, it is a shorter record."""
    return {len(encode_fields(dict(list(fields.items())[:n]))) for n in range(len(fields) + 1)}


@pytest.mark.parametrize("fields", SAMPLES)
def test_a_stored_value_cut_short_inside_a_field_is_refused(fields):
    data = encode_fields(fields)
    whole = _boundaries(fields)
    for cut in range(len(data)):
        found = _decodes_or_refuses(data[:cut])
        if cut not in whole:
            assert found is None, cut


def test_stored_values_with_bytes_changed_are_read_or_refused_never_anything_else():
    """Seeded: bytes flipped, inserted and removed, lengths made huge, whole values of random bytes."""
    import random

    rng = random.Random(20261207)
    values = [encode_fields(f) for f in SAMPLES]
    for _ in range(3000):
        data = bytearray(rng.choice(values))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            what = rng.random()
            if what < 0.4:
                data[at] = rng.randrange(256)
            elif what < 0.6:
                data.insert(at, rng.randrange(256))
            elif what < 0.8 and len(data) > 1:
                del data[at]
            else:
                data[at:at] = bytes([0xFF] * rng.randint(1, 9))  # a varint of a huge length or index
        _decodes_or_refuses(bytes(data))
    for _ in range(1000):
        _decodes_or_refuses(bytes([1]) + rng.randbytes(rng.randint(0, 40)))
    for text in ("[1, 2]", "null", "\"text\"", "{\"a\": ", "[" * 100_000, b"\x00" + b"[" * 100_000, b"", "{}"):
        _decodes_or_refuses(text)


def test_a_damaged_change_in_the_log_is_named_where_it_is_read(tmp_path):
    """A blob damaged in the file (here: cut short, past the append-only trigger) refuses what reads it, in
    words that say what to do, naming the change; nothing else is read as if it were whole."""
    from pjdesk.services import records as record_service
    from pjdesk.services.session import init_station
    from pjdesk.services.sync import export_bundle
    from pjdesk.services.units import save_unit

    session = init_station(tmp_path / "station", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 11, 29))
    unit = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"}).id
    device, dseq, fields = session.store.db.execute(
        "SELECT device, dseq, fields FROM change_log WHERE record_id = ?", [unit]).fetchone()
    conn = sqlite3.connect(session.store.path)
    with conn:
        conn.execute("DROP TRIGGER change_log_no_update")
        conn.execute("UPDATE change_log SET fields = ? WHERE record_id = ?", [fields[:5], unit])
    conn.close()
    with pytest.raises(change_codec.DamagedChange, match=f"变更 {device}:{dseq}.*备份与恢复"):
        record_service.record_history(session, UNIT, unit)
    with pytest.raises(change_codec.DamagedChange, match=f"变更 {device}:{dseq}"):
        export_bundle(session, tmp_path / "out")
    session.close()
