"""Checklists as data: one list per sector in resources/checklists, checked when loaded."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from pjdesk.core.checklists import (
    FALLBACK_SECTOR,
    MAX_ITEMS,
    MIN_ITEMS,
    checklist,
    checklist_for,
    checklist_item,
    checklists,
    checklists_dir,
)
from pjdesk.core.errors import PjdeskError
from pjdesk.core.records import vocabulary

# The sectors the work plan's special campaigns name (§二(二) 1–8); each must have a list of its own.
OWN_LIST = ["人员密集场所", "烟花爆竹", "危化", "自建房经营", "建筑施工", "涉爆粉尘", "燃气"]


def test_every_campaign_sector_has_a_list_of_its_own():
    for sector in OWN_LIST:
        found = checklist_for(sector)
        assert sector in found.sectors, sector
        assert not found.is_fallback, sector
    titles = {checklist_for(s).title for s in OWN_LIST}
    assert len(titles) == len(OWN_LIST), "two campaign sectors share one list"


def test_hazardous_chemicals_list_covers_filling_stations_and_lpg_stations():
    groups = checklist_for("危化").groups()
    assert "加油站" in groups and "液化气供应站" in groups
    assert all(item.group for item in checklist_for("危化").items)


def test_a_sector_without_a_list_falls_back_to_the_general_one():
    general = checklist_for("交通运输")
    assert general.is_fallback and general.sectors == (FALLBACK_SECTOR,)
    assert checklist_for(None) is general
    assert checklist_for("") is general
    assert checklist_for("不存在的行业") is general
    own = {s for c in checklists() for s in c.sectors}
    for sector in vocabulary("sector"):
        assert (checklist_for(sector) is general) == (sector not in own)


def test_every_mapped_sector_is_a_sector_of_the_vocabulary():
    sectors = set(vocabulary("sector")) | {FALLBACK_SECTOR}
    for c in checklists():
        assert set(c.sectors) <= sectors, c.title


def test_sizes_codes_and_sources():
    lists = checklists()
    assert len([c for c in lists if c.is_fallback]) == 1
    codes = [item.code for c in lists for item in c.items]
    assert len(codes) == len(set(codes))
    for c in lists:
        assert MIN_ITEMS <= len(c.items) <= MAX_ITEMS, c.title
        assert c.sources, c.title
        for item in c.items:
            # The source names a document in 《》, and it is one of the list's sources.
            assert item.source.startswith("《"), item.code
            assert any(item.source.startswith(s) for s in c.sources), item.code
            assert checklist_item(item.code) == item
            assert c.item(item.code) == item
        assert checklist(c.key) is c


def test_major_items_name_the_judgement_standard_and_its_clause():
    majors = [(c, item) for c in checklists() for item in c.items if item.major]
    assert majors
    for _c, item in majors:
        assert item.major_basis.startswith("《") and "判定" in item.major_basis, item.code
        # The clause: an article, or (for a standard whose articles are being renumbered) its part.
        assert re.search(r"第.+[条项章]|部分（", item.major_basis), item.code
        assert "（" in item.major_basis, item.code  # the situation is named, so a renumbering stays readable
    # Every campaign sector whose sector has a national judgement standard marks its major items.
    for sector in ["烟花爆竹", "危化", "建筑施工", "涉爆粉尘", "燃气", "人员密集场所"]:
        assert any(item.major for item in checklist_for(sector).items), sector
    # A fixed example: the dust list's first judgement line (部令第10号).
    dust = checklist_for("涉爆粉尘")
    assert any("工贸企业重大事故隐患判定标准" in item.major_basis and "第十一条" in item.major_basis
               for item in dust.items)


def test_items_marked_for_a_campaign_carry_its_hazard_tag():
    tags = set(vocabulary("hazard_tag"))
    for c in checklists():
        for item in c.items:
            assert set(item.tags) <= tags, item.code
    exits = [i for i in checklist_for("人员密集场所").items if "人员密集场所封堵安全出口/疏散通道" in i.tags]
    assert exits
    assert all("自建房" in i.tags for i in checklist_for("自建房经营").items)
    assert all("涉爆粉尘" in i.tags for i in checklist_for("涉爆粉尘").items)


PLACEHOLDER = re.compile(r"TODO|FIXME|XXX|xx|待定|待补|待填|某某|示例|此处|…|\.\.\.|□|_{2,}|[{}<>?？*]")


def test_item_texts_are_plain_chinese_without_placeholders():
    for c in checklists():
        for text in [c.title] + [item.text for item in c.items]:
            assert text == text.strip() and "\n" not in text, text
            assert not re.search(r"[A-Za-z]", text), text
            assert not PLACEHOLDER.search(text), text
            han = len(re.findall(r"[\u4e00-\u9fff]", text))
            assert han >= 8 and han / len(text) > 0.6, text


def test_inspection_vocabularies():
    assert vocabulary("inspection_mode") == [
        "日常巡查", "专项检查", "计划执法", "双随机", "举报核查", "联合检查", "整改复查", "暗查暗访"]
    assert vocabulary("checklist_result") == ["符合", "不符合", "不涉及"]
    assert "人员密集场所" in vocabulary("sector")  # the keys that were there stay


# --- a broken copy is refused with the file and the item named --------------------------------------------


@pytest.fixture
def copy(tmp_path):
    """A copy of the shipped checklists that a test may break."""
    folder = tmp_path / "checklists"
    shutil.copytree(checklists_dir(), folder)
    return folder


def edit(folder, name, change):
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def refused(folder) -> str:
    with pytest.raises(PjdeskError) as e:
        checklists(folder)
    return str(e.value)


def test_the_copy_loads_like_the_shipped_files(copy):
    assert [c.title for c in checklists(copy)] == [c.title for c in checklists()]
    assert checklist_for("燃气", copy).title == checklist_for("燃气").title


def test_a_file_saved_with_a_byte_order_mark_still_loads(copy):
    path = copy / "gas.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert checklist_for("燃气", copy).items


def test_a_code_used_twice_is_refused(copy):
    edit(copy, "gas.json", lambda d: d["items"][1].update(code=d["items"][0]["code"]))
    message = refused(copy)
    assert "gas.json" in message and "RQ-01" in message and "重复" in message


def test_a_code_used_in_two_files_is_refused(copy):
    edit(copy, "gas.json", lambda d: d["items"][0].update(code="YH-01"))
    message = refused(copy)
    assert "gas.json" in message and "fireworks.json" in message and "YH-01" in message


def test_too_few_and_too_many_items_are_refused(copy):
    edit(copy, "gas.json", lambda d: d.update(items=d["items"][:MIN_ITEMS - 1]))
    message = refused(copy)
    assert "gas.json" in message and f"{MIN_ITEMS - 1} 项" in message and f"{MIN_ITEMS}–{MAX_ITEMS}" in message

    def grow(d):
        extra = [dict(d["items"][0], code=f"RQ-X{i}") for i in range(MAX_ITEMS)]
        d["items"] += extra
    edit(copy, "gas.json", grow)
    assert "gas.json" in refused(copy)


def test_an_item_without_a_source_is_refused(copy):
    edit(copy, "construction.json", lambda d: d["items"][2].pop("source"))
    message = refused(copy)
    assert "construction.json" in message and "JZ-03" in message and "来源" in message


def test_a_source_not_listed_in_the_file_is_refused(copy):
    edit(copy, "construction.json", lambda d: d["items"][4].update(source="建筑法典"))
    message = refused(copy)
    assert "construction.json" in message and "JZ-05" in message and "建筑法典" in message


def test_a_major_mark_without_its_clause_is_refused(copy):
    edit(copy, "dust.json", lambda d: d["items"][0]["major"].pop("clause"))
    message = refused(copy)
    assert "dust.json" in message and "FC-01" in message and "条款" in message


def test_an_unknown_sector_is_refused(copy):
    edit(copy, "dust.json", lambda d: d["sectors"].append("粉尘企业"))
    message = refused(copy)
    assert "dust.json" in message and "粉尘企业" in message and "涉爆粉尘" in message


def test_a_sector_claimed_by_two_lists_is_refused(copy):
    edit(copy, "dust.json", lambda d: d["sectors"].append("燃气"))
    message = refused(copy)
    assert "dust.json" in message and "gas.json" in message and "燃气" in message


def test_no_general_list_is_refused(copy):
    (copy / "general.json").unlink()
    assert FALLBACK_SECTOR in refused(copy)


def test_an_unknown_tag_and_a_misspelt_key_are_refused(copy):
    edit(copy, "gas.json", lambda d: d["items"][3].update(tags=["燃气专项"]))
    message = refused(copy)
    assert "gas.json" in message and "RQ-04" in message and "燃气专项" in message

    edit(copy, "gas.json", lambda d: (d["items"][3].pop("tags"), d["items"][3].update(sorce="x")))
    message = refused(copy)
    assert "gas.json" in message and "RQ-04" in message and "sorce" in message


def test_a_file_that_is_not_json_is_refused_with_its_line(copy):
    path = copy / "fireworks.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip().startswith('"title"'))
    lines[n] = lines[n].rstrip(",")  # a comma forgotten, as hand edits do
    path.write_text("\n".join(lines), encoding="utf-8")
    message = refused(copy)
    assert "fireworks.json" in message and f"第 {n + 2} 行" in message
    assert "Expecting" not in message


def test_a_file_saved_in_another_encoding_is_refused(copy):
    path = copy / "fireworks.json"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    message = refused(copy)
    assert "fireworks.json" in message and "UTF-8" in message


def test_a_missing_folder_is_refused(tmp_path):
    message = refused(tmp_path / "nowhere")
    assert "检查表" in message
