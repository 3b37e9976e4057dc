"""A record the log held nothing of before a bundle is folded from the changes in hand, not read back from the
log: it ends exactly as folded from the log (records, change log, conflicts, records held back), whatever
the order and grouping of the changes, and for records that had a history before as well. And a bundle
whose rows come in one chunk is decoded once: its checked rows are the ones written."""

from __future__ import annotations

import random

import pytest

from pjdesk.storage import sync_store
from pjdesk.sync import bundle as bundle_module

from .conftest import COUNTY, accept, make_station, records
from .test_merge import history  # noqa: F401 (a fixture)
from .test_streamed_bundles import logged, relayed  # noqa: F401 (a fixture)

history_from_log, HAND_ROWS = sync_store._history, sync_store.HAND_ROWS


def applied(tmp_path, name, rows, seed, monkeypatch, *, hand: bool, told: bool = False) -> tuple[dict, dict, list[str]]:
    """A county fed the rows: a shuffled third in slices of 3 (events before their hazards: held back), then
    the rest in chunks of 7 in one call (``told``: with the records the log holds, as an import reads them
    first). Returns its tables, its log and the records read back from the log."""
    monkeypatch.setattr(sync_store, "HAND_ROWS", HAND_ROWS if hand else 0)
    read_back = []

    def history_of(store, record_ids):
        record_ids = list(record_ids)
        read_back.extend(record_ids)
        return history_from_log(store, record_ids)

    monkeypatch.setattr(sync_store, "_history", history_of)
    order = random.Random(seed).sample(rows, len(rows))
    first, rest = order[:len(order) // 3], order[len(order) // 3:]
    station = make_station(tmp_path / name, COUNTY, county=True)
    try:
        for start in range(0, len(first), 3):
            with station.store.transaction():
                sync_store.apply_changes(station.store, first[start:start + 3])
        held = set(sync_store.record_owners(station.store, [r["record_id"] for r in rest])) if told else None
        with station.store.transaction():
            sync_store.apply_chunks(station.store, [rest[a:a + 7] for a in range(0, len(rest), 7)], logged=held)
        return records(station), logged(station), read_back
    finally:
        station.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_records_new_here_folded_in_hand_end_as_folded_from_the_log(tmp_path, history, monkeypatch, seed):  # noqa: F811
    rows = sync_store.unacknowledged(history["pc"].store, {}, None)
    fast = applied(tmp_path, f"fast-{seed}", rows, seed, monkeypatch, hand=True)
    slow = applied(tmp_path, f"slow-{seed}", rows, seed, monkeypatch, hand=False)
    told = applied(tmp_path, f"told-{seed}", rows, seed, monkeypatch, hand=True, told=True)
    assert fast[0] == slow[0] == told[0]
    assert fast[1] == slow[1] == told[1]
    assert told[2] == fast[2]
    assert fast[1]["sync_conflict"], "a concurrent edit of the hazard"
    assert not fast[1]["sync_held_back"]
    # The slow path reads every record back; the fast one only those the log held changes of before.
    new_in_rest = {r["record_id"] for r in rows} - set(fast[2])
    assert new_in_rest and set(fast[2]) < set(slow[2])


def test_past_the_rows_it_holds_every_record_is_read_back_from_the_log(tmp_path, history, monkeypatch):  # noqa: F811
    rows = sync_store.unacknowledged(history["pc"].store, {}, None)
    monkeypatch.setattr(sync_store, "HAND_ROWS", len(rows) - 1)  # one past it, at the last chunk
    read_back = []
    monkeypatch.setattr(sync_store, "_history",
                        lambda store, ids: read_back.extend(ids) or history_from_log(store, ids))
    station = make_station(tmp_path / "overflow", COUNTY, county=True)
    order = random.Random(4).sample(rows, len(rows))
    with station.store.transaction():
        sync_store.apply_chunks(station.store, [order[a:a + 7] for a in range(0, len(order), 7)])
    assert set(read_back) == {r["record_id"] for r in rows}
    whole = make_station(tmp_path / "whole", COUNTY, county=True)
    monkeypatch.setattr(sync_store, "HAND_ROWS", 0)
    with whole.store.transaction():
        sync_store.apply_changes(whole.store, order)
    assert (records(station), logged(station)) == (records(whole), logged(whole))
    station.close()
    whole.close()


def test_a_bundle_of_one_chunk_is_decoded_once_and_ends_as_one_read_twice(stations, relayed, monkeypatch):  # noqa: F811
    """The checking pass keeps the rows of a bundle that came in one chunk for the writing pass; one of several
    chunks is read again. Both end alike: records, log, conflicts, held back, and what the import says."""
    decoded = []
    real = bundle_module.Bundle._rows
    monkeypatch.setattr(bundle_module.Bundle, "_rows",
                        lambda self, name, entry: decoded.append(name) or real(self, name, entry))
    once = stations("once", COUNTY, device_name="县安委办")
    [kept] = accept(once, relayed)
    members = sorted(set(decoded))
    assert len(members) == 2 and sorted(decoded) == members, "each change member read once"

    decoded.clear()
    monkeypatch.setattr(bundle_module, "CHUNK_ROWS", 7)
    twice = stations("twice", COUNTY, device_name="县安委办")
    [again] = accept(twice, relayed)
    assert sorted(decoded) == sorted(members * 2)
    assert records(twice) == records(once)
    assert logged(twice) == logged(once)
    assert logged(once)["sync_conflict"]
    assert (again.conflicts, again.changed, again.message) == (kept.conflicts, kept.changed, kept.message)


@pytest.mark.parametrize("fields", [
    {"name": "平江县安定化工有限公司", "sector": "危化"},  # a flag no change set is off
    {"name": "平江县安定化工有限公司", "is_high_risk": 1, "zz_newer_field": "新版本的字段"},  # a field of a newer pjdesk
    {"zz_newer_field": None},
])
def test_a_lone_insert_folds_as_the_weighing_of_each_field_does(fields):
    """A record new here with its insert alone takes the insert's fields whole (the usual case); the weighing of
    each field against its holder, which a longer history takes, makes the same row of the same insert."""
    from pjdesk.core.unit import UNIT

    insert = {"id": "dev000000a:1", "device": "dev000000a", "dseq": 1, "hlc": "0001767225600000.0000.dev000000a",
              "operator": "张三", "kind": "unit", "record_id": "0198a3cc-d53d-7437-9567-1ca0edc458d1",
              "township": "430626101", "op": "insert", "fields": fields, "base": None}
    alone = sync_store._fold(UNIT, [insert])
    weighed = sync_store._fold(UNIT, [insert, dict(insert)])  # the same change twice: the long way, same row
    assert alone.row == weighed.row and list(alone.row) == list(weighed.row)
    assert alone.row["is_high_risk"] == fields.get("is_high_risk", 0) and "zz_newer_field" not in alone.row


def test_no_kind_with_a_state_is_a_child():
    """An import derives again the state of the parents its children's rows name; a child that had a state of
    its own would need its parent's derived again after it (sync_store._refresh_states)."""
    from pjdesk.core.kinds import KINDS

    assert not [k.name for k in KINDS.values() if k.state and k.parent]
