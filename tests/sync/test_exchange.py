"""Acknowledgements, keys and trust, and who may send what to whom."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.services.sync import export_bundle, import_bundles, list_devices, revoke_device, trust_device
from pjdesk.sync import load_or_create_key
from pjdesk.sync.keys import KEY_FILE

from .conftest import ANDING, COUNTY, accept, add_hazard, add_unit, records


def manifest_of(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


def test_the_device_key_is_private_and_lasts(pc):
    path = pc.data_dir / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = load_or_create_key(pc.data_dir)
    assert load_or_create_key(pc.data_dir).public_raw == key.public_raw
    [own] = list_devices(pc)
    assert own["own"] and own["trusted_at"] and own["fingerprint"] == key.fingerprint
    assert len(own["fingerprint"].split(" ")) == 16 and all(len(g) == 4 for g in own["fingerprint"].split(" "))


def test_the_manifest_says_who_sent_what_to_whom(pc, outbox):
    add_unit(pc)
    add_unit(pc)
    manifest = manifest_of(export_bundle(pc, outbox))
    device = pc.station.device
    assert manifest["sender"]["station"] == ANDING and manifest["sender"]["device"] == device
    assert manifest["receiver"] == {"station": COUNTY, "device": None}
    assert manifest["counts"]["changes"] == 2 and manifest["ranges"] == {device: {"first": 1, "last": 2, "count": 2}}
    assert set(manifest["members"]) == {f"changes/{device}.jsonl"}
    assert manifest["period"]["from"] <= manifest["period"]["to"]


def test_each_export_carries_what_the_county_has_not_acknowledged(pc, county, outbox):
    add_unit(pc)
    add_unit(pc)
    first = export_bundle(pc, outbox)
    assert manifest_of(export_bundle(pc, outbox))["counts"]["changes"] == 2, "nothing acknowledged yet: all again"
    accept(county, first)
    # The county's bundle back acknowledges what it received; the township first accepts the county's key.
    back = export_bundle(county, outbox, to=ANDING)
    [refused] = import_bundles(pc, [back])
    assert refused.status == "refused" and "未登记的设备" in refused.message and "县安委办" in refused.message
    county_key = load_or_create_key(county.data_dir)
    assert refused.unknown == {"station": "430626", "station_name": "平江县", "device": county.station.device,
                               "device_name": county.station.device_name, "fingerprint": county_key.fingerprint}
    [accepted] = import_bundles(pc, [back], trust_new=True)
    assert accepted.fingerprints == (load_or_create_key(county.data_dir).fingerprint,)
    add_unit(pc)
    later = export_bundle(pc, outbox)
    assert manifest_of(later)["counts"]["changes"] == 1
    accept(county, later)
    assert records(county) == records(pc)


def test_the_county_sends_a_township_its_rows_and_the_countys_only(pc, county, stations, outbox):
    other = stations("other", "430626102", device_name="三市镇电脑")
    add_unit(pc, "平江县安定砖厂")
    add_unit(other, "平江县三市加油站")
    accept(county, export_bundle(pc, outbox), export_bundle(other, outbox))
    add_unit(county, "县应急物资储备库")  # a county row (township 430626)
    accept(pc, export_bundle(county, outbox, to=ANDING))
    names = {r[0]: r[1] for r in pc.store.db.execute("SELECT name, township FROM unit")}
    assert names == {"平江县安定砖厂": ANDING, "县应急物资储备库": COUNTY}
    # …and the township never sends the county's rows back (its key may not write them).
    add_unit(pc, "平江县安定采石场")
    accept(county, export_bundle(pc, outbox))


def test_a_township_refuses_a_bundle_meant_for_another(pc, county, stations, outbox):
    other = stations("other", "430626102")
    add_unit(other)
    accept(county, export_bundle(other, outbox))
    [result] = import_bundles(pc, [export_bundle(county, outbox, to="430626102")], trust_new=True)
    assert result.status == "refused" and "三市镇" in result.message and "不是发给本站" in result.message


def test_a_township_exports_only_to_the_county_or_its_own_devices(pc):
    with pytest.raises(PjdeskError, match="乡镇只能向县级或本乡镇的其他设备导出"):
        export_bundle(pc, pc.data_dir, to="430626102")
    with pytest.raises(PjdeskError, match="未知的设备"):
        export_bundle(pc, pc.data_dir, to="0123456789")


def test_the_county_names_the_township_it_exports_to(county):
    with pytest.raises(PjdeskError, match="--to"):
        export_bundle(county, county.data_dir)


def test_only_the_county_revokes_and_restores_devices(pc, county, outbox):
    accept(county, export_bundle(pc, outbox))
    with pytest.raises(PjdeskError, match="只能在县级站点操作"):
        revoke_device(pc, county.station.device)
    with pytest.raises(PjdeskError, match="不能吊销本机"):
        revoke_device(county, county.station.device)
    revoke_device(county, pc.station.device)
    [result] = import_bundles(county, [export_bundle(pc, outbox)])
    assert result.status == "refused" and "被吊销" in result.message
    trust_device(county, pc.station.device)
    accept(county, export_bundle(pc, outbox))


def test_one_refused_file_does_not_stop_the_others(pc, county, outbox, tmp_path):
    add_unit(pc)
    junk = tmp_path / "junk.pjz"
    junk.write_bytes(b"PK")
    good = export_bundle(pc, outbox)
    results = import_bundles(county, [junk, good], trust_new=True)
    assert [r.status for r in results] == ["refused", "accepted"]


def test_files_go_in_one_at_a_time_after_one_backup_and_a_cancel_stops_between_files(pc, county, outbox):
    from pjdesk.services import backups

    paths = []
    for description in ("消防通道堵塞", "配电箱电线老化", "灭火器过期"):
        add_hazard(pc, add_unit(pc), description)
        paths.append(export_bundle(pc, outbox))
    accept(county, paths[0])
    before = sum(b["reason"] == "导入前" for b in backups.list_backups(county))
    reported = []
    results = import_bundles(county, paths, progress=lambda i, n: reported.append((i, n)))
    assert [r.status for r in results] == ["duplicate", "accepted", "accepted"]
    assert reported == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert sum(b["reason"] == "导入前" for b in backups.list_backups(county)) == before + 1

    add_hazard(pc, add_unit(pc))
    stopped = import_bundles(county, [export_bundle(pc, outbox), *paths], cancelled=iter([False, True]).__next__)
    assert [r.status for r in stopped] == ["accepted"], "the cancel is seen before the second file"


def test_the_exchange_folder_is_remembered(pc, outbox, tmp_path):
    from pjdesk.services.sync import exchange_folder, set_exchange_folder

    assert exchange_folder(pc) == Path.home()
    set_exchange_folder(pc, outbox)
    assert exchange_folder(pc) == outbox
    set_exchange_folder(pc, tmp_path / "gone")
    assert exchange_folder(pc) == Path.home(), "a USB stick no longer plugged in: start from home"

