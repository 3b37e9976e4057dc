"""Send down: the county's bundles per township, the county's documents (名册、目标任务、排名) and its revocations,
and a hazard the county assigns (交办) worked by the township it was assigned to."""

from __future__ import annotations

import json
import zipfile

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HAZARD, HazardFilter
from pjdesk.core.townships import townships
from pjdesk.services import hazards
from pjdesk.services.county_data import county_data
from pjdesk.services.sync import (
    export_bundle,
    export_for_townships,
    import_bundles,
    revoke_device,
    trust_device,
)
from pjdesk.storage import ledger
from pjdesk.sync import load_or_create_key

from .conftest import ANDING, COUNTY, TODAY, accept, add_unit
from .test_bundle_verification import members_of, refused, resign, write_zip

SANSHI = "430626102"  # 三市镇
HANCHANG = "430626001"  # 汉昌街道


def receiver_of(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))["receiver"]["station"]


def townships_in(path) -> set[str]:
    """The townships of the rows a bundle carries."""
    return {json.loads(line)["township"] for name, data in members_of(path).items()
            if name.startswith("changes/") for line in data.splitlines()}


@pytest.fixture
def sanshi(stations):
    return stations("sanshi", SANSHI, device_name="三市镇电脑", operator="王五")


def set_ranking_config(county, weights):
    county.store.set_settings({"ranking_config": json.dumps({"weights": weights, "interview": 3})})


# --- one bundle per township -------------------------------------------------------------------------------
def test_the_county_writes_one_bundle_per_township_each_with_its_rows_and_the_countys(pc, sanshi, county,
                                                                                     outbox, tmp_path):
    anding_unit = add_unit(pc, "平江县安定砖厂")
    sanshi_unit = add_unit(sanshi, "平江县三市加油站")
    accept(county, export_bundle(pc, outbox), export_bundle(sanshi, outbox))
    add_unit(county, "县应急物资储备库")
    # What each township has not seen yet: a hazard the county assigned to it.
    hazards.assign_hazard(county, ANDING, {"unit_id": anding_unit, "description": "窑顶裂缝"})
    hazards.assign_hazard(county, SANSHI, {"unit_id": sanshi_unit, "description": "加油机接地失效"})
    paths = export_for_townships(county, tmp_path / "down")
    roster = [t.code for t in townships()]
    assert len(paths) == len(roster) == 26 and len(set(paths)) == 26
    assert sorted(receiver_of(p) for p in paths) == sorted(roster)
    by_receiver = {receiver_of(p): p for p in paths}
    assert townships_in(by_receiver[ANDING]) == {ANDING, COUNTY}
    assert townships_in(by_receiver[SANSHI]) == {SANSHI, COUNTY}
    assert townships_in(by_receiver[HANCHANG]) == {COUNTY}
    assert all({"county/roster.json", "county/targets.json"} <= set(members_of(p)) for p in paths)
    accept(pc, by_receiver[ANDING])
    assert sorted(r[0] for r in pc.store.db.execute("SELECT name FROM unit")) == ["县应急物资储备库", "平江县安定砖厂"]
    assert [r[0] for r in pc.store.db.execute("SELECT description FROM hazard")] == ["窑顶裂缝"]


def test_the_county_may_write_bundles_for_some_townships_only(county, tmp_path):
    paths = export_for_townships(county, tmp_path, codes=[SANSHI, ANDING, SANSHI])
    assert [receiver_of(p) for p in paths] == [SANSHI, ANDING]
    with pytest.raises(PjdeskError, match="不是平江县的乡镇街道代码"):
        export_for_townships(county, tmp_path, codes=["430626999"])


def test_only_the_county_exports_for_every_township(pc, tmp_path):
    with pytest.raises(PjdeskError, match="只能在县级站点操作"):
        export_for_townships(pc, tmp_path)


# --- the county's documents --------------------------------------------------------------------------------
def test_the_countys_documents_reach_the_township(pc, county, outbox):
    accept(county, export_bundle(pc, outbox))
    set_ranking_config(county, {"T01": 40})
    assert county_data(pc)["roster"] is None and county_data(pc)["made_at"] is None
    [result] = accept(pc, export_bundle(county, outbox, to=ANDING))
    assert "已更新县级下发的名册、目标任务、排名" in result.message
    received = county_data(pc)
    assert [t["code"] for t in received["roster"]["townships"]] == [t.code for t in townships()]
    devices = {d["device"]: d for d in received["roster"]["devices"]}
    assert devices[pc.station.device]["fingerprint"] == load_or_create_key(pc.data_dir).fingerprint
    assert devices[county.station.device]["name"] == "县安委办" and devices[pc.station.device]["revoked_at"] is None
    assert len(received["targets"]["targets"]) > 40 and received["targets"]["targets"][0]["id"] == "G1"
    assert received["targets"]["ranking_config"] == {"weights": {"T01": 40}, "interview": 3}
    assert set(received["ranking"]["months"]) == {"2026-10", "2026-09", "2026-08"}
    assert received["made_at"] and received["received_at"]
    assert set(received["documents"]) == {"roster", "targets", "ranking"}


def test_without_its_own_weights_the_county_sends_the_targets_alone(pc, county, outbox):
    accept(pc, export_bundle(county, outbox, to=ANDING))
    assert "ranking_config" not in county_data(pc)["targets"]


def test_a_changed_byte_in_a_county_document_is_refused_naming_it(pc, county, outbox, tmp_path):
    members = members_of(export_bundle(county, outbox, to=ANDING))
    roster = members["county/roster.json"]
    members["county/roster.json"] = roster.replace("安定镇".encode(), "安宁镇".encode())
    assert members["county/roster.json"] != roster
    message = refused(pc, write_zip(tmp_path / "bad.pjz", members))
    assert "county/roster.json 的校验值不符" in message
    assert county_data(pc)["roster"] is None


def test_county_documents_need_the_countys_clock(pc, county, outbox, tmp_path):
    county_key = load_or_create_key(county.data_dir)
    members = resign(members_of(export_bundle(county, outbox, to=ANDING)), county_key, lambda m: m.pop("stamp"))
    assert "stamp" in refused(pc, write_zip(tmp_path / "bad.pjz", members))


def test_a_township_sending_county_documents_is_refused(pc, county, outbox, tmp_path):
    add_unit(pc)
    accept(county, export_bundle(pc, outbox))
    add_unit(pc, "平江县安定砖厂")
    members = members_of(export_bundle(pc, outbox))
    members["county/roster.json"] = json.dumps({"townships": [], "devices": []}).encode()
    forged = resign(members, load_or_create_key(pc.data_dir))
    message = refused(county, write_zip(tmp_path / "forged.pjz", forged))
    assert "只能由县级下发" in message and "county/roster.json" in message and "安定镇" in message


def test_the_newest_county_documents_win_whatever_the_import_order(stations, county, outbox):
    set_ranking_config(county, {"T01": 10})
    older = export_bundle(county, outbox, to=ANDING)
    set_ranking_config(county, {"T01": 20})
    newer = export_bundle(county, outbox, to=ANDING)
    first, second = stations("first"), stations("second")
    accept(first, older, newer)
    accept(second, newer)
    [late] = accept(second, older)
    assert "已更新县级下发" not in late.message
    for station in (first, second):
        assert county_data(station)["targets"]["ranking_config"]["weights"] == {"T01": 20}
    kept = [county_data(s) for s in (first, second)]
    assert [{k: d[k] for k in ("roster", "targets", "ranking", "made_at")} for d in kept] == [
        {k: kept[0][k] for k in ("roster", "targets", "ranking", "made_at")}] * 2


# --- revocations -------------------------------------------------------------------------------------------
def test_a_revocation_reaches_the_township_which_then_refuses_the_laptop(pc, laptop, stations, county, outbox):
    add_unit(laptop)
    accept(pc, export_bundle(laptop, outbox, to=ANDING))
    accept(county, export_bundle(laptop, outbox))
    revoke_device(county, laptop.station.device)
    unaware = stations("unaware")  # a station of the township that never saw the laptop
    down = export_bundle(county, outbox, to=ANDING)
    [result] = accept(pc, down)
    assert "按县级名册吊销或恢复了 1 台设备" in result.message
    accept(unaware, down)
    add_unit(laptop, "平江县安定砖厂")
    stolen = export_bundle(laptop, outbox, to=ANDING)
    assert "被吊销" in refused(pc, stolen)
    assert "被吊销" in refused(unaware, stolen, trust_new=True)


def test_a_device_the_county_restores_is_restored_here_too(pc, laptop, stations, county, outbox):
    add_unit(laptop)
    accept(pc, export_bundle(laptop, outbox, to=ANDING))
    accept(county, export_bundle(laptop, outbox))
    unaware = stations("unaware")
    revoke_device(county, laptop.station.device)
    revoked = export_bundle(county, outbox, to=ANDING)
    accept(pc, revoked)
    accept(unaware, revoked)
    trust_device(county, laptop.station.device)
    accept(pc, export_bundle(county, outbox, to=ANDING))
    accept(unaware, export_bundle(county, outbox, to=ANDING))
    add_unit(laptop, "平江县安定砖厂")
    again = export_bundle(laptop, outbox, to=ANDING)
    accept(pc, again, trust_new=False)
    # The station that never trusted the laptop is back where it was: a person decides.
    [result] = import_bundles(unaware, [again])
    assert result.status == "refused" and "未登记的设备" in result.message


# --- 交办 --------------------------------------------------------------------------------------------------
def test_an_assigned_hazard_is_worked_by_its_township_and_the_county_sees_the_work(pc, county, outbox):
    unit = add_unit(pc, "平江县安定花炮厂")
    accept(county, export_bundle(pc, outbox))
    own = hazards.record_hazard(pc, {"unit_id": unit, "description": "仓库超量储存"}).id  # not yet at the county
    assigned = hazards.assign_hazard(county, ANDING, {
        "unit_id": unit, "description": "涉药工房防雷设施失效", "level": "重大",
        "assignment_no": "平安委交〔2026〕3号", "source": "乡镇检查"}).id
    accept(pc, export_bundle(county, outbox, to=ANDING))

    hazard = pc.store.get(HAZARD, assigned)
    assert (hazard["township"], hazard["source"], hazard["assignment_no"]) == (ANDING, "上级交办", "平安委交〔2026〕3号")
    listed = {h["id"]: h["hazard_no"] for h in hazards.list_hazards(pc, HazardFilter())}
    assert listed == {own: f"{ANDING}-2026-A0001", assigned: f"{ANDING}-2026-J0001"}
    hazards.notify_rectification(pc, assigned, TODAY, note="已下达整改通知书")
    accept(county, export_bundle(pc, outbox))

    assert [e["kind"] for e in ledger.events_of(county.store, assigned)] == ["整改通知"]
    assert county.store.get(HAZARD, assigned)["status"] == "整改中"
    with pytest.raises(PjdeskError, match="只能由该乡镇办理"):
        hazards.notify_rectification(county, assigned, TODAY)


def test_another_township_cannot_work_a_hazard_assigned_to_anding(pc, sanshi, county, outbox, tmp_path):
    unit = add_unit(pc)
    accept(county, export_bundle(pc, outbox), export_bundle(sanshi, outbox))
    assigned = hazards.assign_hazard(county, ANDING, {"unit_id": unit, "description": "消防设施损坏"}).id
    accept(pc, export_bundle(county, outbox, to=ANDING))
    hazards.notify_rectification(pc, assigned, TODAY)
    members = members_of(export_bundle(pc, outbox))
    # 三市镇's key signs 安定镇's work on the assigned hazard, as if it were its own bundle.
    sanshi_key = load_or_create_key(sanshi.data_dir)
    sender = {"station": SANSHI, "station_name": "三市镇", "device": sanshi.station.device,
              "device_name": sanshi.station.device_name, "public_key": sanshi_key.public_b64,
              "fingerprint": sanshi_key.fingerprint}
    forged = resign(members, sanshi_key, lambda m: (m["sender"].update(sender), m.update(
        stamp=f"{'0' * 16}.0000.{sanshi.station.device}")))
    assert "乡镇只能" in refused(county, write_zip(tmp_path / "forged.pjz", forged))
