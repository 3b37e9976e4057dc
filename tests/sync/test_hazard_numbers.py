"""Hazard numbers are unique in the county and never change: each device of a township numbers in a series of its
own letter (430626101-2026-B0001), chosen without a network; two devices set up with one letter by mistake are
found out at the exchange, said aloud, and the one that used it later moves to a free letter."""

from __future__ import annotations

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HAZARD, HazardFilter
from pjdesk.core.periods import Month
from pjdesk.services import hazards, returns
from pjdesk.services.status import station_status
from pjdesk.services.sync import export_bundle

from .conftest import ANDING, accept, add_hazard, add_unit

PREFIX = f"{ANDING}-2026-"


def send(sender, receiver, outbox):
    return accept(receiver, export_bundle(sender, outbox, to=ANDING))


def numbers(session) -> list[str]:
    return [r[0] for r in session.store.db.execute("SELECT hazard_no FROM hazard WHERE deleted = 0 ORDER BY hazard_no")]


def number_of(session, hazard_id) -> str:
    return session.store.get(HAZARD, hazard_id)["hazard_no"]


def printed_numbers(session, tmp_path) -> list[str]:
    """The 编号 column of the month's printable 台账, as read back from its XLSX."""
    built = returns.build_return(session, "台账", Month(2026, 11), tmp_path / session.station.device)
    sheet = openpyxl.load_workbook(built.xlsx).active
    header = next(row for row in sheet.iter_rows(values_only=True) if "编号" in row)
    column = header.index("编号")
    rows = list(sheet.iter_rows(values_only=True))
    start = rows.index(header) + 1
    return [r[column] for r in rows[start:] if r[column] and str(r[column]).startswith(ANDING)]


def test_two_devices_of_a_township_never_give_the_same_number(pc, laptop, outbox, tmp_path):
    unit = add_unit(pc, "平江县安定化工有限公司")
    made = {"pc": [add_hazard(pc, unit, f"站内登记{i}") for i in range(3)]}
    send(pc, laptop, outbox)  # the laptop reads the station's file (units, keys) before going out
    made["laptop"] = [add_hazard(laptop, unit, f"外业登记{i}") for i in range(3)]
    made["pc"] += [add_hazard(pc, unit, f"站内再登记{i}") for i in range(2)]
    send(laptop, pc, outbox)
    send(pc, laptop, outbox)
    made["laptop"].append(add_hazard(laptop, unit, "外业又登记"))
    made["pc"].append(add_hazard(pc, unit, "站内又登记"))
    send(laptop, pc, outbox)
    send(pc, laptop, outbox)

    for session in (pc, laptop):
        held = numbers(session)
        assert len(held) == 10 and len(set(held)) == 10, held
    assert numbers(pc) == numbers(laptop)
    assert {number_of(pc, h)[:len(PREFIX) + 1] for h in made["pc"]} == {PREFIX + "A"}
    assert {number_of(pc, h)[:len(PREFIX) + 1] for h in made["laptop"]} == {PREFIX + "B"}
    assert number_of(pc, made["laptop"][0]) == PREFIX + "B0001"
    assert hazards.number_clashes(pc) == []
    printed = printed_numbers(pc, tmp_path)
    assert sorted(printed) == numbers(pc), "the printed 台账 lists each number once"
    # A number is found by what is written on the paper, in either case.
    found = hazards.list_hazards(pc, HazardFilter(text="b0001"))
    assert [r["id"] for r in found] == [made["laptop"][0]]


def test_numbers_given_before_the_letters_keep_their_form(pc, laptop, outbox):
    """A station and its laptop upgraded from a pjdesk that numbered 430626101-2026-0001 for both: their numbers
    stay; each then takes a letter in the order the two began, the same on both sides."""
    unit = add_unit(pc, "平江县安定化工有限公司")
    old = {}
    for session, serials in ((pc, (1, 2)), (laptop, (3,))):
        with session.store.transaction():
            for serial in serials:
                old[serial] = session.store.insert(HAZARD, {
                    "unit_id": unit if session is pc else None, "description": f"升级前登记{serial}", "level": "一般",
                    "source": "乡镇检查", "found_date": "2026-11-02", "hazard_no": f"{PREFIX}{serial:04d}"},
                    township=ANDING, operator="张三")
    send(pc, laptop, outbox)
    send(laptop, pc, outbox)
    new_pc = add_hazard(pc, unit, "升级后站内登记")
    new_laptop = add_hazard(laptop, unit, "升级后外业登记")
    send(pc, laptop, outbox)
    send(laptop, pc, outbox)
    assert [number_of(pc, old[s]) for s in (1, 2, 3)] == [f"{PREFIX}0001", f"{PREFIX}0002", f"{PREFIX}0003"]
    assert (number_of(pc, new_pc), number_of(pc, new_laptop)) == (PREFIX + "A0001", PREFIX + "B0001")
    assert (hazards.number_letter(pc), hazards.number_letter(laptop)) == ("A", "B")
    assert [r["id"] for r in hazards.list_hazards(pc, HazardFilter(text="0002"))] == [old[2]]


def test_the_same_letter_on_two_devices_is_found_at_the_exchange_and_said(pc, laptop, outbox, tmp_path):
    """Two devices set up apart, each taking A (neither knew of the other). Their A0001 and A0002 clash: both
    keep their numbers (they may be on paper already), the clash is said at the import, on status --json and
    on the printed 台账, and the device that used A later moves to a free letter from its next number on."""
    pc_hazards = [add_hazard(pc, add_unit(pc, "平江县安定化工有限公司"), f"站内{i}") for i in range(2)]
    laptop_unit = add_unit(laptop, "平江县安定林场")
    laptop_hazards = [add_hazard(laptop, laptop_unit, f"外业{i}") for i in range(3)]
    assert hazards.number_letter(pc) == hazards.number_letter(laptop) == "A"

    [result] = send(laptop, pc, outbox)
    assert "编号重复" in result.message and f"{PREFIX}A0001" in result.message, result.message
    clashes = hazards.number_clashes(pc)
    assert [c["hazard_no"] for c in clashes] == [f"{PREFIX}A0001", f"{PREFIX}A0002"]
    assert {frozenset(c["devices"]) for c in clashes} == {frozenset({"站内电脑", "外业笔记本"})}
    status = station_status(pc)
    assert status["hazard_numbers"] == {"letter": "A", "clashes": [f"{PREFIX}A0001", f"{PREFIX}A0002"]}
    # Nothing was renumbered.
    assert [number_of(pc, h) for h in pc_hazards] == [f"{PREFIX}A0001", f"{PREFIX}A0002"]
    assert [number_of(pc, h) for h in laptop_hazards] == [f"{PREFIX}A0001", f"{PREFIX}A0002", f"{PREFIX}A0003"]

    # The station used A first and keeps it, past every A number it has seen.
    assert number_of(pc, add_hazard(pc, laptop_unit, "站内又登记")) == PREFIX + "A0004"
    send(pc, laptop, outbox)
    moved = hazards.record_hazard(laptop, {"unit_id": laptop_unit, "description": "外业又登记"})
    assert number_of(laptop, moved.id) == PREFIX + "B0001"
    assert any("由 A 改为 B" in w for w in moved.warnings), moved.warnings
    assert hazards.number_letter(laptop) == "B"
    send(laptop, pc, outbox)
    assert [c["hazard_no"] for c in hazards.number_clashes(pc)] == [f"{PREFIX}A0001", f"{PREFIX}A0002"]

    printed = printed_numbers(pc, tmp_path)
    assert len(printed) == len(set(printed)) == 7, printed
    assert {f"{PREFIX}A0001（重号：站内电脑）", f"{PREFIX}A0001（重号：外业笔记本）", f"{PREFIX}A0003"} <= set(printed)


def test_a_letter_is_chosen_from_the_free_ones(pc, laptop, outbox):
    assert hazards.set_number_letter(laptop, "c") == "C"
    for wrong, words in (("I", "不用 I"), ("J", "交办"), ("AB", "一个字母"), ("", "一个字母")):
        with pytest.raises(PjdeskError, match=words):
            hazards.set_number_letter(laptop, wrong)
    add_hazard(pc, add_unit(pc, "平江县安定化工有限公司"), "站内登记")
    send(pc, laptop, outbox)
    with pytest.raises(PjdeskError, match="“站内电脑”已使用编号字母 A"):
        hazards.set_number_letter(laptop, "A")
    assert hazards.number_letter(laptop) == "C"


def test_a_station_that_has_not_numbered_yet_keeps_its_turn(pc, laptop, outbox):
    """A new township: the station PC has registered its units but no hazard when the laptop reads its file.
    The laptop's turn comes after the station's, whether it takes its letter itself or a person chooses."""
    unit = add_unit(pc, "平江县安定化工有限公司")
    send(pc, laptop, outbox)
    with pytest.raises(PjdeskError, match="“站内电脑”先开始使用，将使用编号字母 A"):
        hazards.set_number_letter(laptop, "A")
    assert hazards.number_letter(laptop) == "B"
    assert number_of(laptop, add_hazard(laptop, unit, "外业登记")) == PREFIX + "B0001"
    assert number_of(pc, add_hazard(pc, unit, "站内登记")) == PREFIX + "A0001"


def test_the_hazards_of_numbers_given_twice_are_read_a_chunk_of_numbers_at_a_time(pc, laptop, outbox, monkeypatch):
    """An import that brings many numbers given twice reads their hazards a chunk of numbers a query: the same
    clashes, in the same order, as one number at a time."""
    from pjdesk.storage import numbering

    for session, name in ((pc, "站内"), (laptop, "外业")):
        unit = add_unit(session, f"平江县{name}化工有限公司")
        for i in range(4):
            add_hazard(session, unit, f"{name}{i}")
    send(laptop, pc, outbox)
    among = [r[0] for r in pc.store.db.execute("SELECT id FROM hazard")]
    whole = numbering.clashes(pc.store, ANDING), numbering.clashes(pc.store, among=among)
    monkeypatch.setattr(numbering, "CHUNK", 1)
    assert (numbering.clashes(pc.store, ANDING), numbering.clashes(pc.store, among=among)) == whole
    assert [c["hazard_no"] for c in whole[0]] == [f"{PREFIX}A000{i}" for i in range(1, 5)] and whole[0] == whole[1]
    assert all([h["device_name"] for h in c["hazards"]] == ["站内电脑", "外业笔记本"] for c in whole[0])
