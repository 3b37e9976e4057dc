"""The inspection workflow: a unit's sector chooses its checklist, a 不符合 item becomes a hazard in one step
(pre-filled, linked both ways, all or nothing), and a review records each hazard's result."""

from __future__ import annotations

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HAZARD_EVENT
from pjdesk.core.inspection import INSPECTION
from pjdesk.services import hazards, inspections
from pjdesk.services.records import get_record, save_record
from pjdesk.services.units import save_unit
from tests.sync.conftest import make_station

OFFICERS = [{"name": "张伟", "cert_no": "43062600118"}, {"name": "刘芳", "cert_no": "43062600125"}]
FIREWORKS = {"name": "平江县安定镇鑫达烟花爆竹零售店", "uscc": "92430626MA4L7K2X3X", "sector": "烟花爆竹",
             "address": "平江县安定镇安定社区建设路18号", "principal": "李建国", "phone": "13907301234"}


@pytest.fixture
def county(tmp_path):
    station = make_station(tmp_path / "county", "430626", county=True, device_name="县安委办", operator="赵六")
    yield station
    station.close()


@pytest.fixture
def shop(session):
    return save_unit(session, FIREWORKS).id


def inspect(session, unit_id, failed: dict[str, str | None], mode="专项检查", date="2026-11-27"):
    """An inspection of the unit with its checklist: the codes in ``failed`` 不符合 (with their notes), the
    other items 符合."""
    rows = inspections.checklist_rows(session, unit_id)
    items = [{"code": r["code"], "text": r["text"], "result": "不符合" if r["code"] in failed else "符合",
              "note": failed.get(r["code"])} for r in rows["items"]]
    return save_record(session, INSPECTION, {"date": date, "unit_id": unit_id, "mode": mode, "officers": OFFICERS,
                                             "checklist": rows["checklist"], "items": items}).id


def items_by_code(session, inspection_id):
    return {i["code"]: i for i in get_record(session, INSPECTION, inspection_id)["items"]}


def test_a_unit_gets_the_checklist_of_its_sector(session, shop):
    rows = inspections.checklist_rows(session, shop)
    assert (rows["checklist"], rows["title"]) == ("fireworks", "烟花爆竹经营安全检查表")
    assert 10 <= len(rows["items"]) <= 25
    first = rows["items"][0]
    assert first["code"] == "YH-01" and first["result"] is None and first["source"].startswith("《")
    marked = {r["code"]: r for r in rows["items"]}
    assert marked["YH-05"]["major"] and "第五项" in marked["YH-05"]["major_basis"]
    assert not marked["YH-01"]["major"]

    other = save_unit(session, {"name": "平江县安定镇红星木器加工厂", "sector": "工贸其他"}).id
    assert inspections.checklist_rows(session, other)["title"] == "生产经营单位安全生产通用检查表"
    crowded = save_unit(session, {"name": "安定镇中心小学", "sector": "学校"}).id
    assert inspections.checklist_rows(session, crowded)["checklist"] == "crowded_places"


def test_a_failed_item_becomes_a_hazard_pre_filled_and_linked_both_ways(session, shop):
    inspection_id = inspect(session, shop, {"YH-05": "库房超量存放约一倍", "YH-12": None})
    items = items_by_code(session, inspection_id)

    outcome = inspections.hazards_from_items(session, inspection_id, [items["YH-05"]["id"]], deadline="2026-12-10",
                                             measures="超量部分转移至批发企业仓库")

    [major] = inspections.inspection_hazards(session, inspection_id)
    assert major["unit_id"] == shop
    assert major["found_date"] == "2026-11-27"
    assert major["source"] == "乡镇检查"
    assert major["found_by"] == "张伟、刘芳"
    assert major["description"] == ("不符合“库房实际储存药量不超过核定药量，产品按危险等级分类、分库存放”的要求："
                                    "库房超量存放约一倍")
    assert major["level"] == "重大"
    assert major["major_basis"].startswith("《烟花爆竹生产经营单位重大生产安全事故隐患判定标准")
    assert "第五项" in major["major_basis"]
    assert (major["deadline"], major["measures"]) == ("2026-12-10", "超量部分转移至批发企业仓库")
    assert major["note"].startswith("检查项 YH-05，依据《")
    assert major["inspection_id"] == inspection_id
    assert major["hazard_no"] == "430626101-2026-A0001"
    assert items_by_code(session, inspection_id)["YH-05"]["hazard_id"] == major["id"]
    assert items_by_code(session, inspection_id)["YH-12"]["hazard_id"] is None
    assert outcome.changed["hazard"] == {major["id"]}
    assert items["YH-05"]["id"] in outcome.changed["inspection_item"]
    # A 重大 hazard still lacking its 五落实 is saved and the officer told so, as the hazard service does.
    assert any("重大隐患待补充" in w for w in outcome.warnings)


def test_every_remaining_failed_item_in_one_click_and_the_tag_an_item_carries(session):
    school = save_unit(session, {"name": "安定镇中心小学", "sector": "学校"}).id
    inspection_id = inspect(session, school, {"RY-04": "二楼东侧安全出口上锁", "RY-01": None})

    inspections.hazards_from_items(session, inspection_id)

    found = {h["description"]: h for h in inspections.inspection_hazards(session, inspection_id)}
    assert len(found) == 2
    blocked = next(h for d, h in found.items() if d.endswith("二楼东侧安全出口上锁"))
    assert blocked["tags"] == "人员密集场所封堵安全出口/疏散通道"
    assert all(h["level"] == "一般" and h["inspection_id"] == inspection_id for h in found.values())
    assert {i["hazard_id"] for i in items_by_code(session, inspection_id).values() if i["result"] == "不符合"} \
        == {h["id"] for h in found.values()}
    with pytest.raises(PjdeskError, match="没有需要生成隐患的“不符合”项"):
        inspections.hazards_from_items(session, inspection_id)


def test_items_that_cannot_become_hazards_are_refused_and_nothing_is_written(session, shop):
    inspection_id = inspect(session, shop, {"YH-05": None, "YH-12": None})
    items = items_by_code(session, inspection_id)
    with pytest.raises(PjdeskError, match="只有“不符合”项才能生成隐患"):
        inspections.hazards_from_items(session, inspection_id, [items["YH-01"]["id"]])
    # The second hazard's deadline lies before its discovery: the first, already recorded, goes too.
    with pytest.raises(PjdeskError, match="未能生成隐患：整改期限不能早于发现日期"):
        inspections.hazards_from_items(session, inspection_id, deadline="2026-11-01")
    assert session.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 0
    assert all(i["hazard_id"] is None for i in items_by_code(session, inspection_id).values())

    inspections.hazards_from_items(session, inspection_id, [items["YH-12"]["id"]])
    with pytest.raises(PjdeskError, match="已生成隐患"):
        inspections.hazards_from_items(session, inspection_id, [items["YH-12"]["id"]])


def test_the_source_follows_the_mode_and_the_station(session, shop, county):
    reported = inspect(session, shop, {"YH-12": None}, mode="举报核查")
    inspections.hazards_from_items(session, reported)
    assert inspections.inspection_hazards(session, reported)[0]["source"] == "群众举报"

    bureau_unit = save_unit(county, {"name": "平江县城区加油站", "sector": "危化"}).id
    checked = inspect(county, bureau_unit, {"WH-01": None}, mode="计划执法")
    inspections.hazards_from_items(county, checked)
    assert inspections.inspection_hazards(county, checked)[0]["source"] == "部门执法"


def test_a_review_records_each_result_as_the_ledger_steps_and_as_a_review_inspection(session, shop):
    inspection_id = inspect(session, shop, {"YH-05": None, "YH-12": "仅一具灭火器", "YH-16": None})
    inspections.hazards_from_items(session, inspection_id, deadline="2026-12-10")
    first, second, third = inspections.inspection_hazards(session, inspection_id)
    hazards.complete_rectification(session, third["id"], "2026-11-28")

    review = inspections.record_review(session, inspection_id, date="2026-11-29", officers=OFFICERS, results=[
        {"hazard_id": first["id"], "passed": True, "note": "已转移", "rectified_date": "2026-11-28"},
        {"hazard_id": second["id"], "passed": False, "note": "灭火器尚未配齐"},
        {"hazard_id": third["id"], "passed": False, "note": "仍有电动车充电"}])

    status = {h["id"]: h for h in inspections.inspection_hazards(session, inspection_id)}
    assert (status[first["id"]]["status"], status[first["id"]]["rectified_date"]) == ("复查合格", "2026-11-28")
    assert status[second["id"]]["status"] == "发现"  # never claimed rectified: still owed, no step recorded
    assert (status[third["id"]]["status"], status[third["id"]]["rectified_date"]) == ("整改中", None)
    events = session.store._rows("SELECT hazard_id, kind, result, actor FROM hazard_event ORDER BY rowid")
    assert [(e["kind"], e["result"]) for e in events if e["hazard_id"] == first["id"]] == [("整改完成", None),
                                                                                           ("复查", "合格")]
    assert [(e["kind"], e["result"], e["actor"]) for e in events if e["hazard_id"] == third["id"]] == [
        ("整改完成", None, "张三"), ("复查", "不合格", "张伟、刘芳")]

    recorded = get_record(session, INSPECTION, review.id)
    assert (recorded["mode"], recorded["unit_id"], recorded["date"]) == ("整改复查", shop, "2026-11-29")
    assert [(i["code"], i["result"], i["hazard_id"]) for i in recorded["items"]] == [
        (first["hazard_no"], "符合", first["id"]), (second["hazard_no"], "不符合", second["id"]),
        (third["hazard_no"], "不符合", third["id"])]
    assert recorded["findings"] == "复查 2026-11-27 检查发现的隐患 3 项：已整改合格 1 项，未整改到位 2 项。"
    assert [r["id"] for r in inspections.reviews_of(session, inspection_id)] == [review.id]
    assert review.changed[HAZARD_EVENT.name] and review.changed[INSPECTION.name] == {review.id}
    # A review never adds hazards of its own: the inspection's hazards are the ones it found.
    assert len(inspections.inspection_hazards(session, review.id)) == 0
    assert session.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 3
    assert [h["id"] for h in inspections.reviewable_hazards(session, inspection_id)] == [second["id"], third["id"]]


def test_a_review_is_refused_whole_when_a_step_cannot_be_recorded(session, shop):
    inspection_id = inspect(session, shop, {"YH-05": None, "YH-12": None})
    inspections.hazards_from_items(session, inspection_id)
    first, second = inspections.inspection_hazards(session, inspection_id)
    with pytest.raises(PjdeskError, match=f"隐患 {second['hazard_no']}：日期不能早于上一步的日期"):
        inspections.record_review(session, inspection_id, date="2026-11-29", officers=OFFICERS, results=[
            {"hazard_id": first["id"], "passed": True},
            {"hazard_id": second["id"], "passed": True, "rectified_date": "2026-11-20"}])
    assert session.store.db.execute("SELECT COUNT(*) FROM hazard_event").fetchone()[0] == 0
    assert session.store.db.execute("SELECT COUNT(*) FROM inspection WHERE mode = '整改复查'").fetchone()[0] == 0
    assert {h["status"] for h in inspections.inspection_hazards(session, inspection_id)} == {"发现"}
    with pytest.raises(PjdeskError, match="请至少选择一项"):
        inspections.record_review(session, inspection_id, date="2026-11-29", officers=OFFICERS, results=[])
    with pytest.raises(PjdeskError, match="复查日期不能早于检查日期"):
        inspections.record_review(session, inspection_id, date="2026-11-20", officers=OFFICERS,
                                  results=[{"hazard_id": first["id"], "passed": True}])
