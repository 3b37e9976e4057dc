"""Properties 1, 2, 5 and the merge rules: idempotence, convergence in any order, tombstones, conflicts."""

from __future__ import annotations

import random

import pytest

from pjdesk.services import hazards, units
from pjdesk.services.sync import export_bundle, import_bundles, list_conflicts, resolve_conflict
from pjdesk.storage import sync_store

from .conftest import COUNTY, accept, add_hazard, add_unit, database_content, make_station, records


def exchange(a, b, outbox):
    """a's bundle to b's device, then b's back to a: after it both hold everything either had."""
    accept(b, export_bundle(a, outbox, to=_to(a, b)))
    accept(a, export_bundle(b, outbox, to=_to(b, a)))


def _to(sender, receiver):
    station = receiver.station
    if station.is_county:
        return "county"
    if sender.station.is_county:
        return station.code
    known = sync_store.device(sender.store, station.device)
    return station.device if known else station.code


def test_importing_the_same_bundle_twice_changes_nothing_and_says_when(pc, county, outbox):
    add_hazard(pc, add_unit(pc))
    bundle = export_bundle(pc, outbox)
    [first] = accept(county, bundle)
    before = database_content(county)
    [second] = import_bundles(county, [bundle])
    assert second.status == "duplicate"
    imported_at = county.store.db.execute("SELECT imported_at FROM sync_import").fetchone()[0]
    assert f"已于 {imported_at} 导入过" in second.message
    assert database_content(county) == before


def test_a_later_bundle_covers_a_lost_one(pc, county, outbox):
    unit = add_unit(pc)
    lost = export_bundle(pc, outbox)
    lost.unlink()  # the USB stick went through the wash
    add_hazard(pc, unit)
    accept(county, export_bundle(pc, outbox))
    assert records(county) == records(pc)


@pytest.fixture
def history(tmp_path, outbox):
    """Bundles from two devices of one township and a second township, as the county receives them.

    The station PC and the laptop edit the same hazard (once concurrently, the same field), exchange both
    ways, delete, and each sends the county a file after each step.
    """
    pc = make_station(tmp_path / "h-pc")
    laptop = make_station(tmp_path / "h-laptop", device_name="外业笔记本", operator="李四")
    other = make_station(tmp_path / "h-other", "430626102", device_name="三市镇电脑", operator="王五")
    sent = []
    unit = add_unit(pc, "平江县梅仙烟花爆竹有限公司")
    hazard = add_hazard(pc, unit, "仓库超量储存", deadline="2026-12-20")
    hazards.notify_rectification(pc, hazard, "2026-11-29")
    sent.append(export_bundle(pc, outbox))
    exchange(pc, laptop, outbox)
    hazards.edit_hazard(laptop, hazard, {"measures": "清理超量成品，限期整改", "resp_person": "刘七"})
    hazards.edit_hazard(pc, hazard, {"measures": "转移至合格仓库"})  # concurrent with the laptop's edit
    second = add_unit(laptop, "平江县石牛寨景区")
    sent.append(export_bundle(laptop, outbox))
    sent.append(export_bundle(pc, outbox))
    exchange(laptop, pc, outbox)
    units.delete_unit(pc, second, "重复登记")
    hazards.complete_rectification(laptop, hazard, "2026-11-29")
    sent.append(export_bundle(pc, outbox))
    sent.append(export_bundle(laptop, outbox))
    add_hazard(other, add_unit(other, "平江县三市镇加油站"), "油罐区静电接地损坏")
    sent.append(export_bundle(other, outbox))
    exchange(pc, laptop, outbox)
    sent.append(export_bundle(pc, outbox))
    yield {"bundles": sent, "pc": pc, "laptop": laptop, "unit": unit, "hazard": hazard, "second_unit": second}
    for s in (pc, laptop, other):
        s.close()


def county_after(tmp_path, name, bundles):
    county = make_station(tmp_path / name, COUNTY, county=True, device_name="县安委办", operator="赵六")
    results = import_bundles(county, bundles, trust_new=True)
    assert {r.status for r in results} <= {"accepted", "duplicate"}, [r.message for r in results]
    return county


def county_view(county):
    conflicts = sorted((c["record_id"], c["field"], c["a_hlc"], c["b_hlc"])
                       for c in sync_store.open_conflicts(county.store))
    return records(county), conflicts


def test_any_order_with_repeats_and_skips_gives_the_same_county(tmp_path, history):
    bundles = history["bundles"]
    one_import = county_after(tmp_path, "c-all", bundles)
    expected = county_view(one_import)
    assert len(expected[0]["hazard"]) == 2 and len(expected[1]) == 1
    chance = random.Random(20261129)
    last_of_each = {b.name.split("-to-")[0]: b for b in bundles}  # each sender's newest covers its earlier
    for attempt in range(6):
        order = list(bundles) + chance.sample(bundles, 3)  # repeats
        order = [b for b in order if b in last_of_each.values() or chance.random() < 0.6]  # skips
        chance.shuffle(order)
        county = county_after(tmp_path, f"c-{attempt}", order)
        assert county_view(county) == expected, f"order {[bundles.index(b) for b in order]}"
        county.close()
    one_import.close()


def test_changes_applied_in_any_grouping_converge(tmp_path, history):
    """Below the bundles: the county's store fed the raw change rows in shuffled slices, events before
    hazards and edits before inserts, ends with the same tables as the township."""
    pc = history["pc"]
    rows = sync_store.unacknowledged(pc.store, {}, None)
    expected = records(pc)
    chance = random.Random(7)
    for attempt in range(4):
        station = make_station(tmp_path / f"raw-{attempt}", COUNTY, county=True)
        order = rows[::-1] if attempt == 0 else chance.sample(rows, len(rows))
        waited = 0
        for start in range(0, len(order), 3):
            with station.store.transaction():
                sync_store.apply_changes(station.store, order[start:start + 3])
            waited = max(waited, station.store.db.execute("SELECT COUNT(*) FROM sync_held_back").fetchone()[0])
        assert records(station) == expected
        if attempt == 0:
            assert waited > 0, "events arrived before their hazards: they waited"
        assert station.store.db.execute("SELECT COUNT(*) FROM sync_held_back").fetchone()[0] == 0, "none still wait"
        station.close()


def test_laptop_and_station_pc_end_with_the_same_data(history, outbox):
    pc, laptop = history["pc"], history["laptop"]
    hazards.edit_hazard(laptop, history["hazard"], {"location": "成品仓库东侧"})
    units.save_unit(pc, {"phone": "0730-6222222"}, unit_id=history["unit"])
    exchange(pc, laptop, outbox)
    assert records(pc) == records(laptop)
    assert county_view(pc)[1] == county_view(laptop)[1] != []


def test_per_field_last_writer_wins_and_the_concurrent_edit_is_kept(history):
    pc, hazard = history["pc"], history["hazard"]
    row = pc.store.get(hazards.HAZARD, hazard)
    assert row["resp_person"] == "刘七", "a field only the laptop edited takes the laptop's value"
    [conflict] = list_conflicts(pc)
    assert conflict["field_label"] == "整改措施" and conflict["title"] == "仓库超量储存"
    assert {conflict["a_value"], conflict["b_value"]} == {"清理超量成品，限期整改", "转移至合格仓库"}
    assert {conflict["a_operator"], conflict["b_operator"]} == {"张三", "李四"}
    assert {conflict["a_device_name"], conflict["b_device_name"]} == {"站内电脑", "外业笔记本"}
    assert row["measures"] == conflict["b_value"], "meanwhile the later stamp wins"


def test_resolving_a_conflict_is_an_edit_that_travels(history, outbox):
    pc, laptop, hazard = history["pc"], history["laptop"], history["hazard"]
    [conflict] = list_conflicts(pc)
    resolve_conflict(pc, conflict["id"], "a")
    assert pc.store.get(hazards.HAZARD, hazard)["measures"] == conflict["a_value"]
    assert list_conflicts(pc) == []
    accept(laptop, export_bundle(pc, outbox, to=laptop.station.device))
    assert laptop.store.get(hazards.HAZARD, hazard)["measures"] == conflict["a_value"]
    assert len(list_conflicts(laptop)) == 1, "the laptop's person still sees it until they choose"


def test_deletions_propagate(tmp_path, history):
    county = county_after(tmp_path, "c-del", history["bundles"])
    unit = county.store.get(units.UNIT, history["second_unit"])
    assert (unit["deleted"], unit["delete_reason"]) == (1, "重复登记")
    county.close()


def test_a_delete_wins_over_a_concurrent_edit(pc, laptop, outbox):
    unit = add_unit(pc, "平江县三市镇砖厂")
    exchange(pc, laptop, outbox)
    units.delete_unit(pc, unit, "已关停")
    units.save_unit(laptop, {"phone": "13900000000"}, unit_id=unit)  # later stamp, but it did not see the delete
    exchange(laptop, pc, outbox)
    for station in (pc, laptop):
        row = station.store.get(units.UNIT, unit)
        assert (row["deleted"], row["phone"]) == (1, "13900000000")
    assert records(pc) == records(laptop)


def test_hazard_state_and_search_keys_are_derived_on_the_receiver(pc, county, outbox):
    unit = add_unit(pc, "平江县安定化工有限公司")
    hazard = add_hazard(pc, unit)
    hazards.notify_rectification(pc, hazard, "2026-11-29")
    accept(county, export_bundle(pc, outbox))
    assert county.store.get(hazards.HAZARD, hazard)["status"] == "整改中"
    assert county.store.get(units.UNIT, unit)["name_initials"] == pc.store.get(units.UNIT, unit)["name_initials"]


def test_an_edit_made_after_seeing_the_other_is_not_a_conflict(pc, laptop, outbox):
    hazard = add_hazard(pc, add_unit(pc), measures="设置警示标志")
    exchange(pc, laptop, outbox)
    hazards.edit_hazard(laptop, hazard, {"measures": "设置警示标志并清理通道"})
    exchange(laptop, pc, outbox)
    hazards.edit_hazard(pc, hazard, {"measures": "通道已清理"})
    exchange(pc, laptop, outbox)
    assert list_conflicts(pc) == list_conflicts(laptop) == []
    assert laptop.store.get(hazards.HAZARD, hazard)["measures"] == "通道已清理"
