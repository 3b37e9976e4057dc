"""A large bundle is folded and written a chunk of records at a time (its folded rows never all in memory):
the same tables as when every record is folded at once, references across chunks included."""

from pjdesk.services.sync import export_bundle
from pjdesk.storage import sync_store
from tests.sync.conftest import accept, add_hazard, add_unit, records


def test_records_folded_a_chunk_at_a_time_are_those_folded_at_once(pc, stations, outbox, monkeypatch):
    units = [add_unit(pc) for _ in range(11)]
    for i in range(23):
        add_hazard(pc, units[i % len(units)], f"第{i}处消防通道堵塞")
    bundle = export_bundle(pc, outbox)
    whole = stations("whole", "430626")
    accept(whole, bundle)

    monkeypatch.setattr(sync_store, "FOLD_CHUNK", 4)  # every kind in several chunks, a hazard's unit in another
    chunked = stations("chunked", "430626")
    accept(chunked, bundle)
    assert records(chunked) == records(whole)
    assert len(records(chunked)["hazard"]) == 23
    assert not chunked.store.db.execute("SELECT COUNT(*) FROM sync_held_back").fetchone()[0]
