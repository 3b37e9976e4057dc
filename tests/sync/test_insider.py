"""An insider holding a real township key (安定镇's station PC) forges bundles against the county.

Authority comes from what the county already holds: a record's township and kind as it first arrived, the
station each known device belongs to, and the county's own clock. Every forged file below is refused whole,
with a message that names the cause, and the county's database is left exactly as it was.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pjdesk.core.clock import format_stamp, parse_stamp
from pjdesk.core.hazard import HAZARD
from pjdesk.services import hazards
from pjdesk.services.status import station_status
from pjdesk.services.sync import export_bundle, import_bundles
from pjdesk.sync import load_or_create_key

from .conftest import ANDING, accept, add_hazard, add_unit, database_content
from .test_bundle_verification import members_of, resign, write_zip

SANSHI = "430626102"  # 三市镇


@pytest.fixture
def sanshi(stations):
    return stations("sanshi", SANSHI, device_name="三市镇电脑", operator="王五")


@pytest.fixture
def known(pc, sanshi, county, outbox):
    """The county holds one hazard of each township; 安定镇's PC is the insider."""
    anding_hazard = add_hazard(pc, add_unit(pc, "平江县安定化工厂"), "配电箱未接地")
    sanshi_unit = add_unit(sanshi, "平江县三市砖厂")
    sanshi_hazard = add_hazard(sanshi, sanshi_unit, "窑顶护栏缺失")
    accept(county, export_bundle(pc, outbox), export_bundle(sanshi, outbox))
    return {"anding_hazard": anding_hazard, "sanshi_hazard": sanshi_hazard, "sanshi_unit": sanshi_unit}


def forge(pc, outbox, tmp_path, rows, *, name="forged.pjz", edit_manifest=lambda m: None):
    """安定镇's next genuine bundle with ``rows`` added to its change file, signed again with 安定镇's real key."""
    add_unit(pc)  # something genuine to carry
    members = members_of(export_bundle(pc, outbox))
    member = next(n for n in members if n.startswith("changes/"))
    extra = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)
    members = {**members, member: members[member] + extra}

    def edit(manifest):
        manifest["counts"]["changes"] += len(rows)
        edit_manifest(manifest)
    return write_zip(tmp_path / name, resign(members, load_or_create_key(pc.data_dir), edit))


def next_row(pc, record_id, op, fields, *, kind="hazard", township=ANDING, device=None, dseq=None, hlc=None):
    """A change row as 安定镇's PC would write it next (or as the given device)."""
    device = device or pc.station.device
    last = pc.store.db.execute("SELECT MAX(dseq), MAX(hlc) FROM change_log WHERE device = ?", [device]).fetchone()
    dseq = dseq or (last[0] or 0) + 100
    if hlc is None:
        ms = parse_stamp(pc.store.clock.now())[0]
        hlc = format_stamp(ms + 1000, 0, device)
    return {"id": f"{device}:{dseq}", "device": device, "dseq": dseq, "hlc": hlc, "operator": "张三", "kind": kind,
            "record_id": record_id, "township": township, "op": op, "fields": fields, "base": None}


def refused(county, path) -> str:
    before = database_content(county)
    [result] = import_bundles(county, [path], trust_new=True)
    assert result.status == "refused", result.message
    assert database_content(county) == before, "a refused bundle wrote something"
    return result.message


# --- 1: another township's records ------------------------------------------------------------------------
def test_an_update_of_another_townships_hazard_is_refused(pc, county, known, outbox, tmp_path):
    target = known["sanshi_hazard"]
    forged = forge(pc, outbox, tmp_path, [next_row(pc, target, "update", {"description": "已整改（伪造）"})])
    message = refused(county, forged)
    assert target in message and "三市镇" in message and "归属不能通过数据交换改变" in message
    assert county.store.get(HAZARD, target)["description"] == "窑顶护栏缺失"


def test_a_delete_of_another_townships_hazard_is_refused(pc, county, known, outbox, tmp_path):
    target = known["sanshi_hazard"]
    forged = forge(pc, outbox, tmp_path, [next_row(pc, target, "delete", {"delete_reason": "重复录入"})])
    assert target in refused(county, forged)
    assert county.store.get(HAZARD, target)["deleted"] == 0


def test_an_insert_reusing_another_townships_id_with_an_earlier_stamp_is_refused(pc, county, known, outbox,
                                                                                   tmp_path):
    target = known["sanshi_hazard"]
    row = county.store.get(HAZARD, target)
    early = format_stamp(parse_stamp(row["created_at"])[0] - 60_000, 0, pc.station.device)
    fields = {"unit_id": known["sanshi_unit"], "description": "伪造", "level": "一般", "found_date": "2026-11-01"}
    forged = forge(pc, outbox, tmp_path, [next_row(pc, target, "insert", fields, hlc=early)])
    assert target in refused(county, forged)
    assert county.store.get(HAZARD, target)["township"] == SANSHI


def test_a_row_claiming_another_townships_device_is_refused(pc, sanshi, county, known, outbox, tmp_path):
    """A device speaks only for itself (and a station PC for its own laptop): 安定镇's key cannot bring rows
    under 三市镇's device, whatever township the rows claim."""
    row = next_row(pc, known["anding_hazard"], "update", {"description": "改"}, device=sanshi.station.device)
    message = refused(county, forge(pc, outbox, tmp_path, [row]))
    assert sanshi.station.device in message and "三市镇" in message


def test_the_township_of_a_record_never_changes_even_from_the_county(pc, county, known, outbox, tmp_path):
    """The county's own key cannot move a record to another township either: ownership is what arrived first."""
    add_unit(county, "平江县县属单位")
    members = members_of(export_bundle(county, outbox, to=ANDING))
    member = next(n for n in members if n.startswith("changes/"))
    device = county.station.device
    last = county.store.db.execute("SELECT MAX(dseq) FROM change_log WHERE device = ?", [device]).fetchone()[0]
    stamp = format_stamp(parse_stamp(county.store.clock.now())[0] + 1000, 0, device)
    row = {"id": f"{device}:{last + 1}", "device": device, "dseq": last + 1, "hlc": stamp, "operator": "赵六",
           "kind": "hazard", "record_id": known["anding_hazard"], "township": SANSHI, "op": "update",
           "fields": {"description": "移走"}, "base": None}
    members = {**members, member: members[member] + json.dumps(row).encode() + b"\n"}
    forged = write_zip(tmp_path / "county.pjz", resign(
        members, load_or_create_key(county.data_dir), lambda m: m["counts"].update(changes=m["counts"]["changes"] + 1)))
    assert known["anding_hazard"] in refused(pc, forged)


# --- 2: forged sequence numbers ---------------------------------------------------------------------------
def test_rows_forged_under_a_laptops_next_numbers_are_refused_aloud_when_the_laptop_sends(
        pc, laptop, county, known, outbox, tmp_path):
    """The station PC's insider writes rows under its own laptop's next numbers. The county takes them (the PC
    may relay its laptop's rows), but when the laptop's genuine bundle comes with different rows under those
    numbers, it is refused with the rows named: never a silent loss of the laptop's work."""
    add_unit(laptop, "平江县安定林场")
    accept(pc, export_bundle(laptop, outbox, to=ANDING))
    accept(laptop, export_bundle(pc, outbox, to=laptop.station.device))
    accept(county, export_bundle(pc, outbox))
    fake_unit = {"name": "平江县伪造单位", "sector": "工贸其他"}
    forged_rows = [next_row(pc, f"0000forged-{i}", "insert", fake_unit, kind="unit", device=laptop.station.device,
                            dseq=1000 + i) for i in range(1, 3)]
    # The laptop's next numbers, as the insider guesses them.
    top = laptop.store.db.execute("SELECT MAX(dseq) FROM change_log WHERE device = ?",
                                  [laptop.station.device]).fetchone()[0]
    forged_rows = [{**r, "dseq": top + i, "id": f"{laptop.station.device}:{top + i}"} for i, r in enumerate(forged_rows, 1)]
    accept(county, forge(pc, outbox, tmp_path, forged_rows))
    for name in ("平江县安定敬老院", "平江县安定粮库"):
        add_unit(laptop, name)
    before = database_content(county)
    [result] = import_bundles(county, [export_bundle(laptop, outbox, to="county")], trust_new=True)
    assert result.status == "refused"
    assert f"{laptop.station.device}:{top + 1}" in result.message and "不一致" in result.message
    assert database_content(county) == before


def test_held_back_records_are_counted_in_the_summary_and_in_status(pc, county, outbox, tmp_path):
    """A hazard whose unit the county has not received waits; the import says so, and status --json too."""
    unit = add_unit(pc, "平江县安定化工厂")
    add_hazard(pc, unit)
    members = members_of(export_bundle(pc, outbox))
    member = next(n for n in members if n.startswith("changes/"))
    lines = [json.loads(line) for line in members[member].splitlines()]
    kept = [r for r in lines if r["kind"] != "unit"]  # a relay that lost the unit's rows
    members = {**members, member: b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in kept)}
    partial = write_zip(tmp_path / "partial.pjz", resign(members, load_or_create_key(pc.data_dir),
                                                         lambda m: m["counts"].update(changes=len(kept))))
    [result] = import_bundles(county, [partial], trust_new=True)
    assert result.status == "accepted", result.message
    assert "暂缓写入 隐患 1 条（等待所属单位）" in result.message
    assert station_status(county)["held_back"] == {"隐患": 1}
    accept(county, export_bundle(pc, outbox))  # the next genuine file brings the unit
    assert station_status(county)["held_back"] == {}
    assert county.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 1


# --- 3: a clock far ahead ---------------------------------------------------------------------------------
def test_stamps_more_than_a_day_ahead_are_refused_naming_whose_clock(pc, county, known, outbox, tmp_path):
    far = format_stamp(9_999_999_999_999, 0, pc.station.device)  # the year 2286
    forged = forge(pc, outbox, tmp_path, [next_row(pc, known["anding_hazard"], "update", {"measures": "x"}, hlc=far)])
    message = refused(county, forged)
    assert "快" in message and "安定镇" in message and "电脑日期时间设错了" in message
    assert county.store.clock.now() < far


def test_a_stamp_within_the_day_is_taken(pc, county, known, outbox, tmp_path):
    ms = parse_stamp(county.store.clock.now())[0] + 20 * 3600 * 1000  # a PC 20 hours fast: a time zone slip
    forged = forge(pc, outbox, tmp_path, [next_row(pc, known["anding_hazard"], "update", {"measures": "加装漏电保护"},
                                                   hlc=format_stamp(ms, 0, pc.station.device))])
    accept(county, forged)
    assert county.store.get(HAZARD, known["anding_hazard"])["measures"] == "加装漏电保护"


def test_the_command_line_says_a_refusal_on_stderr_and_exits_1(pc, county, known, outbox, tmp_path):
    forged = forge(pc, outbox, tmp_path, [next_row(pc, known["sanshi_hazard"], "delete", {})])
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(county.data_dir), "sync", "import",
                           str(forged)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("pjdesk: forged.pjz：已拒绝：") and known["sanshi_hazard"] in line


def test_work_on_an_assigned_hazard_is_still_accepted(pc, county, known, outbox):
    """What the checks must not stop: the county's 交办 hazard, worked by the township it was assigned to."""
    unit = add_unit(pc, "平江县安定花炮厂")
    accept(county, export_bundle(pc, outbox))
    assigned = hazards.assign_hazard(county, ANDING, {"unit_id": unit, "description": "防雷设施失效"}).id
    accept(pc, export_bundle(county, outbox, to=ANDING))
    hazards.notify_rectification(pc, assigned, "2026-11-29")
    accept(county, export_bundle(pc, outbox))
    assert county.store.get(HAZARD, assigned)["status"] == "整改中"
