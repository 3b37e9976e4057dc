"""Property 3 and 4: a bundle that fails any check is refused with its cause named, and nothing is written."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile

import pytest

from pjdesk.services.sync import export_bundle, import_bundles, revoke_device
from pjdesk.sync import load_or_create_key
from pjdesk.sync.keys import DeviceKey

from .conftest import accept, add_hazard, add_unit, database_content


def members_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path, members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def resign(members: dict, key: DeviceKey, change=lambda m: None, *, rehash=True) -> dict:
    """The manifest edited (and the members' hashes recomputed), signed again with ``key``."""
    manifest = json.loads(members["manifest.json"])
    if rehash:
        manifest["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                               for n, d in members.items() if n not in ("manifest.json", "manifest.sig")}
    change(manifest)
    data = json.dumps(manifest, ensure_ascii=False).encode()
    return {**members, "manifest.json": data, "manifest.sig": base64.b64encode(key.sign(data))}


def change_member(members: dict) -> str:
    return next(n for n in members if n.startswith("changes/"))


@pytest.fixture
def good(pc, outbox):
    unit = add_unit(pc)
    add_hazard(pc, unit)
    return export_bundle(pc, outbox)


@pytest.fixture
def pc_key(pc):
    return load_or_create_key(pc.data_dir)


def refused(county, path, *, trust_new=True) -> str:
    """Import a bad bundle; assert it was refused and the county's database is unchanged in every table."""
    before = database_content(county)
    [result] = import_bundles(county, [path], trust_new=trust_new)
    assert result.status == "refused", result.message
    assert database_content(county) == before
    return result.message


def test_the_good_bundle_is_accepted(county, good):
    accept(county, good)


def test_a_changed_byte_in_a_change_file(county, good, tmp_path):
    members = members_of(good)
    name = change_member(members)
    data = bytearray(members[name])
    data[10] ^= 0x01
    bad = write_zip(tmp_path / "bad.pjz", {**members, name: bytes(data)})
    assert f"{name} 的校验值不符" in refused(county, bad)


def test_a_damaged_file_says_to_copy_it_again_and_a_refused_sender_does_not(county, good, tmp_path, pc, outbox):
    """A file not as its sender signed it is helped by a fresh copy or export; a sender refused for who it is
    is not, and is not told so."""
    members = members_of(good)
    name = change_member(members)
    cut = write_zip(tmp_path / "cut.pjz", {**members, name: members[name][: len(members[name]) // 2]})
    assert refused(county, cut).endswith("请从发送方重新复制这个文件；仍不行时，请发送方重新导出")
    accept(county, good)
    revoke_device(county, pc.station.device)
    add_hazard(pc, add_unit(pc))
    assert "重新复制" not in refused(county, export_bundle(pc, outbox))


def test_a_changed_byte_in_the_manifest(county, good, tmp_path):
    members = members_of(good)
    manifest = members["manifest.json"].replace(b'"app": "pjdesk"', b'"app": "pjdesK"')
    assert manifest != members["manifest.json"]
    bad = write_zip(tmp_path / "bad.pjz", {**members, "manifest.json": manifest})
    assert "签名无效" in refused(county, bad)


def test_hashes_recomputed_without_the_signature(county, good, tmp_path):
    members = members_of(good)
    name = change_member(members)
    members[name] = members[name].replace("消防通道堵塞".encode(), "一切正常无隐患".encode())
    manifest = json.loads(members["manifest.json"])
    manifest["members"][name] = {"sha256": hashlib.sha256(members[name]).hexdigest(), "size": len(members[name])}
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    bad = write_zip(tmp_path / "bad.pjz", members)
    assert "签名无效" in refused(county, bad)


def test_signed_with_another_key(county, good, tmp_path, pc, outbox):
    accept(county, export_bundle(pc, outbox))  # the station PC's key is now known to the county
    other = DeviceKey(load_or_create_key(tmp_path / "thief").private)
    forged = resign(members_of(good), other)
    assert "签名无效" in refused(county, write_zip(tmp_path / "a.pjz", forged))
    # Even with the forger's public key written into the manifest: the county checks the key it registered.
    forged = resign(members_of(good), other,
                    lambda m: m["sender"].update(public_key=other.public_b64, fingerprint=other.fingerprint))
    assert "签名无效" in refused(county, write_zip(tmp_path / "b.pjz", forged))


def test_a_missing_member(county, good, tmp_path):
    members = members_of(good)
    name = change_member(members)
    del members[name]
    assert f"缺少 {name}" in refused(county, write_zip(tmp_path / "bad.pjz", members))


def test_an_extra_member(county, good, tmp_path):
    members = {**members_of(good), "changes/extra.jsonl": b"{}\n"}
    assert "多出清单中没有的 changes/extra.jsonl" in refused(county, write_zip(tmp_path / "bad.pjz", members))


@pytest.mark.parametrize("name", ["/etc/passwd", "changes/../../evil.jsonl", "changes\\evil.jsonl",
                                  "C:/evil.jsonl", "c:evil"])
def test_a_member_path_outside_the_archive(county, good, tmp_path, name):
    members = {**members_of(good), name: b"x"}
    message = refused(county, write_zip(tmp_path / "bad.pjz", members))
    assert "路径不安全" in message and name in message


def test_a_member_larger_than_declared(county, good, tmp_path, pc_key):
    members = members_of(good)
    name = change_member(members)
    # Signed by the right key, but the manifest declares fewer bytes than the member holds.
    signed = resign(members, pc_key, lambda m: m["members"][name].update(size=m["members"][name]["size"] - 5))
    assert f"{name} 的大小与清单不符" in refused(county, write_zip(tmp_path / "bad.pjz", signed))


def test_a_zip_bomb_member(county, good, tmp_path, pc_key):
    members = {**members_of(good), "attachments/" + "0" * 64: b"\0" * (20 << 20)}
    signed = resign(members, pc_key)
    assert "压缩比异常" in refused(county, write_zip(tmp_path / "bomb.pjz", signed))


def test_a_truncated_file(county, good, tmp_path):
    data = good.read_bytes()
    bad = tmp_path / "cut.pjz"
    bad.write_bytes(data[: len(data) * 2 // 3])
    assert "截断" in refused(county, bad)


def test_a_file_that_is_not_a_zip(county, tmp_path):
    bad = tmp_path / "notes.pjz"
    bad.write_text("这是一份会议纪要", encoding="utf-8")
    assert "不是 ZIP" in refused(county, bad)


def test_a_bundle_for_another_receiver(county, good, tmp_path, pc_key):
    signed = resign(members_of(good), pc_key, lambda m: m["receiver"].update(station="430626102"))
    message = refused(county, write_zip(tmp_path / "bad.pjz", signed))
    assert "此文件是发给" in message and "不是发给本站" in message


def test_a_township_key_writing_another_townships_rows(county, good, tmp_path, pc_key):
    members = members_of(good)
    name = change_member(members)
    members[name] = members[name].replace(b'"township":"430626101"', b'"township":"430626102"')
    message = refused(county, write_zip(tmp_path / "bad.pjz", resign(members, pc_key)))
    assert "乡镇只能写本乡镇的数据" in message


def test_an_unknown_device_is_refused_until_a_person_trusts_it(county, good, pc_key):
    message = refused(county, good, trust_new=False)
    assert "未登记的设备" in message and "站内电脑" in message and pc_key.fingerprint in message
    [result] = import_bundles(county, [good], trust_new=True)
    assert result.status == "accepted" and result.fingerprints == (pc_key.fingerprint,)


def test_a_revoked_device(county, pc, outbox):
    accept(county, export_bundle(pc, outbox))
    revoke_device(county, pc.station.device)
    add_unit(pc)
    assert "已于" in refused(county, export_bundle(pc, outbox)) and "被吊销" in refused(
        county, export_bundle(pc, outbox))


def test_a_newer_format_major_asks_for_an_upgrade(county, good, tmp_path, pc_key):
    signed = resign(members_of(good), pc_key, lambda m: m.update(format="2.0", requires="2.3"))
    assert "请升级 pjdesk 至 2.3 或更高版本" in refused(county, write_zip(tmp_path / "new.pjz", signed))


def test_an_older_format_is_read(county, good, tmp_path, pc_key):
    signed = resign(members_of(good), pc_key, lambda m: m.update(format="0.9"))
    accept(county, write_zip(tmp_path / "old.pjz", signed))
    assert county.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 1


def test_a_bundle_that_starts_past_what_was_received_names_the_gap(county, good, tmp_path, pc_key, pc):
    device = pc.station.device
    signed = resign(members_of(good), pc_key, lambda m: m["ranges"][device].update(first=4, last=5))
    [result] = import_bundles(county, [write_zip(tmp_path / "gap.pjz", signed)], trust_new=True)
    assert result.status == "accepted" and f"尚缺 设备 {device} 的第 1–3 条" in result.message


def test_a_signed_bundle_whose_records_lack_required_values(county, good, tmp_path, pc_key):
    members = members_of(good)
    name = change_member(members)
    lines = [json.loads(line) for line in members[name].splitlines()]
    for line in lines:
        if line["kind"] == "hazard":
            del line["fields"]["description"]  # NOT NULL in every station's table
    members[name] = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)
    message = refused(county, write_zip(tmp_path / "bad.pjz", resign(members, pc_key)))
    assert "隐患记录不完整" in message


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDC00x", "\\ude00\\ud83d"])
def test_a_text_no_encoding_can_hold_is_refused_naming_its_line(county, good, tmp_path, pc_key, escape):
    """A JSON escape of half a surrogate pair decodes to text SQLite cannot store (a crash while writing); a
    whole pair (an emoji) is text like any other."""
    members = members_of(good)
    name = change_member(members)
    lines = members[name].splitlines(keepends=True)
    last = len(lines)
    lines[-1] = lines[-1].replace(b'"fields":{', b'"fields":{"location":"' + escape.encode() + b'",', 1)
    bad = write_zip(tmp_path / "half.pjz", resign({**members, name: b"".join(lines)}, pc_key))
    assert f"{name} 第 {last} 行不是有效的变更记录" in refused(county, bad)
    emoji = write_zip(tmp_path / "emoji.pjz", resign({**members, name: members[name].replace(
        b'"fields":{', b'"fields":{"location":"\\ud83d\\ude92",', 1)}, pc_key))
    accept(county, emoji)
