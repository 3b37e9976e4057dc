"""Attachments in exchange files: each file travels once under attachments/<sha256>, checked by the signature
and by its name; a bundle is refused whole when a file is tampered with or missing, and writes no file then."""

from __future__ import annotations

import hashlib
import json
import random
import zipfile

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HAZARD
from pjdesk.services.attachments import attach, list_attachments, read_attachment, remove_attachment
from pjdesk.services.sync import export_bundle, import_bundles
from pjdesk.sync import load_or_create_key

from .conftest import ANDING, accept, add_hazard, add_unit, database_content
from .test_bundle_verification import members_of, resign, write_zip

SEED = 7


def photo(n=50_000, seed=SEED) -> bytes:
    return b"\xff\xd8\xff\xe0" + random.Random(seed).randbytes(n) + b"\xff\xd9"


def scan() -> bytes:
    return b"%PDF-1.4\n" + random.Random(SEED + 1).randbytes(20_000) + b"\n%%EOF\n"


def attachment_members(path) -> dict[str, bytes]:
    return {n: d for n, d in members_of(path).items() if n.startswith("attachments/")}


def files_in(session) -> list:
    folder = session.data_dir / "attachments"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def refused(county, path) -> str:
    before = database_content(county)
    files = files_in(county)
    [result] = import_bundles(county, [path], trust_new=True)
    assert result.status == "refused", result.message
    assert database_content(county) == before, "a refused bundle wrote a record"
    assert files_in(county) == files, "a refused bundle wrote a file"
    return result.message


@pytest.fixture
def hazard(pc):
    return add_hazard(pc, add_unit(pc, "平江县安定烟花厂"), "成品仓库堆放超量")


def test_a_townships_photos_reach_the_county_byte_for_byte(pc, county, hazard, outbox):
    before, after, document = photo(seed=1), photo(seed=2), scan()
    attach(pc, "hazards", hazard, before, name="整改前.jpg", label="整改前")
    attach(pc, "hazards", hazard, after, name="整改后.jpg", label="整改后")
    attach(pc, "hazards", hazard, document, name="指令书.pdf", label="文书扫描件")
    unit = pc.store.get(HAZARD, hazard)["unit_id"]
    attach(pc, "units", unit, before, name="仓库.jpg", label="现场")  # the same file on another record
    bundle = export_bundle(pc, outbox)
    carried = attachment_members(bundle)
    assert carried == {f"attachments/{hashlib.sha256(d).hexdigest()}": d for d in (before, after, document)}
    assert set(carried) <= set(json.loads(members_of(bundle)["manifest.json"])["members"]), "signed like the rest"

    accept(county, bundle)
    shown = list_attachments(county, "hazard", hazard)
    assert [(a["name"], a["label"], a["mime"]) for a in shown] == [
        ("整改前.jpg", "整改前", "image/jpeg"), ("整改后.jpg", "整改后", "image/jpeg"),
        ("指令书.pdf", "文书扫描件", "application/pdf")]
    assert [read_attachment(county, a["id"]) for a in shown] == [before, after, document]
    assert [read_attachment(county, a["id"]) for a in list_attachments(county, "unit", unit)] == [before]
    # The county reads them, but attaches to and removes from a township's records nothing.
    with pytest.raises(PjdeskError, match="这是其他乡镇的隐患记录，只能由该乡镇添加附件"):
        attach(county, "hazard", hazard, photo(seed=3), name="县级.jpg")
    with pytest.raises(PjdeskError, match="只能由该乡镇删除"):
        remove_attachment(county, shown[0]["id"], "县级删除")

    # Once the county acknowledges them, the files are not sent again; a new photo is.
    accept(pc, export_bundle(county, outbox, to=ANDING))
    later = photo(seed=4)
    attach(pc, "hazards", hazard, later, name="复查.jpg", label="整改后")
    assert attachment_members(export_bundle(pc, outbox)) == {f"attachments/{hashlib.sha256(later).hexdigest()}": later}


def test_a_removed_attachment_travels_without_its_file(pc, county, hazard, outbox):
    kept, dropped = photo(seed=1), photo(seed=2)
    attach(pc, "hazard", hazard, kept, name="a.jpg")
    gone = attach(pc, "hazard", hazard, dropped, name="b.jpg").id
    remove_attachment(pc, gone, "拍错了")
    bundle = export_bundle(pc, outbox)
    assert set(attachment_members(bundle)) == {f"attachments/{hashlib.sha256(kept).hexdigest()}"}
    accept(county, bundle)
    assert [a["name"] for a in list_attachments(county, "hazard", hazard)] == ["a.jpg"]
    assert files_in(county) == [hashlib.sha256(kept).hexdigest()]


def test_a_tampered_attachment_refuses_the_whole_bundle(pc, county, hazard, outbox, tmp_path):
    attach(pc, "hazard", hazard, photo(), name="现场.jpg", label="现场")
    members = members_of(export_bundle(pc, outbox))
    [name] = [n for n in members if n.startswith("attachments/")]
    data = bytearray(members[name])
    data[100] ^= 0x01
    # Changed in the archive only: the signed manifest's hash no longer matches.
    message = refused(county, write_zip(tmp_path / "changed.pjz", {**members, name: bytes(data)}))
    assert f"{name} 的校验值不符" in message
    # Changed and the manifest signed again (an insider with the key): the name is the content's hash.
    resigned = resign({**members, name: bytes(data)}, load_or_create_key(pc.data_dir))
    message = refused(county, write_zip(tmp_path / "resigned.pjz", resigned))
    assert f"附件 {name} 的名称与内容的 SHA-256 不符" in message
    assert county.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 0


def test_a_bundle_naming_an_attachment_it_does_not_carry_is_refused(pc, county, hazard, outbox, tmp_path):
    attach(pc, "hazard", hazard, photo(), name="现场.jpg", label="现场")
    members = members_of(export_bundle(pc, outbox))
    without = {n: d for n, d in members.items() if not n.startswith("attachments/")}
    message = refused(county, write_zip(tmp_path / "without.pjz", resign(without, load_or_create_key(pc.data_dir))))
    assert "附件缺失" in message and "现场.jpg" in message and "整个文件未导入" in message


def test_a_file_the_receiver_holds_need_not_travel_again(pc, laptop, county, hazard, outbox, tmp_path):
    """One file on two records travels once; a bundle without a file the receiver already holds is taken."""
    shared = photo()
    unit = add_unit(laptop, "平江县安定加油站")
    attach(laptop, "unit", unit, shared, name="加油站.jpg")
    accept(pc, export_bundle(laptop, outbox, to=ANDING))
    attach(pc, "hazard", hazard, shared, name="仓库.jpg")
    bundle = export_bundle(pc, outbox)  # the laptop's rows relayed, and the station PC's own
    assert list(attachment_members(bundle)) == [f"attachments/{hashlib.sha256(shared).hexdigest()}"]
    accept(county, bundle)
    assert [read_attachment(county, a["id"]) for a in list_attachments(county, "unit", unit)] == [shared]

    other = add_unit(pc, "平江县安定液化气站")
    attach(pc, "unit", other, shared, name="同一张.jpg")
    members = members_of(export_bundle(pc, outbox))
    without = {n: d for n, d in members.items() if not n.startswith("attachments/")}
    accept(county, write_zip(tmp_path / "without.pjz", resign(without, load_or_create_key(pc.data_dir))))
    assert [read_attachment(county, a["id"]) for a in list_attachments(county, "unit", other)] == [shared]


def test_an_export_names_an_attachment_whose_file_was_lost(pc, hazard, outbox):
    data = photo()
    attach(pc, "hazard", hazard, data, name="整改后.jpg", label="整改后")
    sha = hashlib.sha256(data).hexdigest()
    (pc.data_dir / "attachments" / sha[:2] / sha).unlink()
    with pytest.raises(PjdeskError, match="导出失败：附件“整改后.jpg”的文件缺失.*删除这个附件后重新添加"):
        export_bundle(pc, outbox)


def test_an_attachment_member_over_20_mb_is_refused(pc, county, hazard, outbox, tmp_path):
    members = members_of(export_bundle(pc, outbox))
    big = random.Random(SEED).randbytes((20 << 20) + 1)
    members[f"attachments/{hashlib.sha256(big).hexdigest()}"] = big
    message = refused(county, write_zip(tmp_path / "big.pjz", resign(members, load_or_create_key(pc.data_dir)),
                                        compression=zipfile.ZIP_STORED))
    assert "过大" in message and "上限 20 MB" in message


def test_an_export_whose_files_would_not_fit_one_exchange_file_says_so(pc, hazard, outbox, monkeypatch):
    from pjdesk.services import attachments

    attach(pc, "hazard", hazard, photo(seed=1), name="a.jpg")
    attach(pc, "hazard", hazard, photo(seed=2), name="b.jpg")
    monkeypatch.setattr(attachments, "FILES_PER_BUNDLE", 80_000)  # two photos of 50 KB: over it
    with pytest.raises(PjdeskError, match="对方尚未收到的附件共 2 个.*超过一个交换文件能带的"):
        export_bundle(pc, outbox)
    assert list(outbox.iterdir()) == []
