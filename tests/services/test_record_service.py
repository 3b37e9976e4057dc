"""Records of any kind through one service: saved with their child rows, checked whole, listed, searched,
filtered and sorted in SQL, deleted only when nothing refers to them. Proven on inspections and units."""

from __future__ import annotations

import random

import pytest

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.inspection import INSPECTION, INSPECTION_ITEM, INSPECTION_OFFICER, is_enforcement
from pjdesk.core.unit import UNIT
from pjdesk.services import hazards
from pjdesk.services.records import (
    RecordQuery,
    check_record,
    count_records,
    delete_record,
    get_record,
    kind_named,
    list_records,
    record_kinds,
    record_position,
    save_record,
)

OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]


def inspect(session, unit, mode="计划执法", date="2026-11-10", **values):
    return save_record(session, INSPECTION, {"unit_id": unit, "date": date, "mode": mode, "officers": OFFICERS,
                                             **values})


def test_kinds_are_named_for_the_command_line():
    assert [k.command for k in record_kinds()][:3] == ["units", "hazards", "inspections"]
    assert kind_named("inspections") is kind_named("inspection") is INSPECTION
    with pytest.raises(PjdeskError, match="可选：units（单位）"):
        kind_named("lorries")


def test_an_inspection_is_saved_with_its_items_and_inspectors(session, unit):
    items = [{"code": "RM-01", "text": "安全出口畅通", "result": "符合"},
             {"code": "RM-02", "text": "疏散指示标志完好", "result": "不符合", "note": "二楼指示灯不亮"}]
    outcome = inspect(session, unit, items=items, findings="疏散指示标志损坏")
    record = get_record(session, INSPECTION, outcome.id)
    assert [i["text"] for i in record["items"]] == ["安全出口畅通", "疏散指示标志完好"]
    assert [o["name"] for o in record["officers"]] == ["李明", "王芳"]
    assert (record["officer_names"], record["failed_items"], record["incomplete"]) == ("李明、王芳", 1, 0)
    assert outcome.changed[INSPECTION.name] == {outcome.id}
    assert len(outcome.changed[INSPECTION_ITEM.name]) == 2 and len(outcome.changed[INSPECTION_OFFICER.name]) == 2


def test_editing_the_child_rows_keeps_edits_adds_and_removes(session, unit):
    first = inspect(session, unit, items=[{"text": "灭火器在有效期内", "result": "符合"},
                                          {"text": "消防通道畅通", "result": "符合"}])
    record = get_record(session, INSPECTION, first.id)
    kept, dropped = record["items"]
    changed = save_record(session, INSPECTION, {"items": [{**kept, "result": "不符合"},
                                                          {"text": "电气线路穿管保护", "result": "不涉及"}]},
                          record_id=first.id)
    record = get_record(session, INSPECTION, first.id)
    assert [(i["text"], i["result"]) for i in record["items"]] == [("灭火器在有效期内", "不符合"),
                                                                   ("电气线路穿管保护", "不涉及")]
    assert dropped["id"] in changed.changed[INSPECTION_ITEM.name]
    assert session.store.get(INSPECTION_ITEM, dropped["id"])["delete_reason"] == "从上级记录中移除"
    assert record["failed_items"] == 1


def test_an_enforcement_check_needs_two_inspectors_and_is_incomplete_without_their_numbers(session, unit):
    with pytest.raises(ValidationError, match="两名以上执法人员"):
        save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "双随机",
                                          "officers": [{"name": "李明"}]})
    routine = save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "日常巡查",
                                                "officers": [{"name": "李明"}]})
    assert get_record(session, INSPECTION, routine.id)["incomplete"] == 0
    pending = inspect(session, unit, officers=[{"name": "李明"}, {"name": "王芳"}])
    assert get_record(session, INSPECTION, pending.id)["incomplete"] == 1
    problems = check_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "双随机",
                                                  "officers": [{"name": "李明"}, {"name": "王芳"}]})
    assert [p.level for p in problems] == ["incomplete"]
    save_record(session, INSPECTION, {"officers": OFFICERS}, record_id=pending.id)
    assert get_record(session, INSPECTION, pending.id)["incomplete"] == 0
    assert is_enforcement("双随机") and not is_enforcement("日常巡查")


def test_a_bad_child_row_is_named_with_its_row(session, unit):
    with pytest.raises(ValidationError) as refused:
        inspect(session, unit, items=[{"text": "安全出口畅通", "result": "符合"}, {"text": "", "result": "好"}])
    messages = [p.message for p in refused.value.problems]
    assert "检查项目第 2 行：请填写“检查项目”" in messages
    assert any(m.startswith("检查项目第 2 行：结果“好”不在可选项中") for m in messages)


def test_a_unit_credit_code_is_unique_and_made_canonical(session, unit):
    with pytest.raises(ValidationError, match="该统一社会信用代码已登记为“平江县安定化工有限公司”"):
        save_record(session, UNIT, {"name": "另一家", "uscc": "91310110666007217t", "sector": "危化"})


def test_a_record_referred_to_cannot_be_deleted(session, unit):
    inspection = inspect(session, unit)
    hazards.record_hazard(session, {"unit_id": unit, "description": "配电箱未接地", "inspection_id": inspection.id})
    with pytest.raises(PjdeskError, match="还有 1 条隐患引用这条检查记录"):
        delete_record(session, INSPECTION, inspection.id, "录入错误")
    with pytest.raises(PjdeskError, match="1 条检查记录"):
        delete_record(session, UNIT, unit, "已注销")


def test_deleting_a_record_deletes_its_children(session, unit):
    inspection = inspect(session, unit, items=[{"text": "消防通道畅通", "result": "符合"}])
    outcome = delete_record(session, INSPECTION, inspection.id, "重复录入")
    assert len(outcome.changed[INSPECTION_ITEM.name]) == 1
    assert count_records(session, INSPECTION) == 0


def test_search_filters_and_sorting_in_sql(session, unit):
    other = save_record(session, UNIT, {"name": "平江县三阳敬老院", "sector": "人员密集场所"}).id
    inspect(session, unit, "双随机", "2026-10-02", findings="配电箱未接地")
    inspect(session, other, "日常巡查", "2026-11-05", findings="疏散通道堆放杂物", officers=[{"name": "赵强"}])
    inspect(session, other, "计划执法", "2026-11-20", findings="")
    assert count_records(session, INSPECTION, RecordQuery(text="敬老")) == 2  # the unit's name
    assert count_records(session, INSPECTION, RecordQuery(text="杂物")) == 1
    assert count_records(session, INSPECTION, RecordQuery(text="赵强")) == 1  # the inspectors' names
    assert count_records(session, INSPECTION, RecordQuery(filters={"mode": "双随机"})) == 1
    assert count_records(session, INSPECTION, RecordQuery(filters={"date": ("2026-11-01", None)})) == 2
    rows = list_records(session, INSPECTION, sort=("date", True))
    assert [r["date"] for r in rows] == ["2026-11-20", "2026-11-05", "2026-10-02"]
    assert rows[0]["unit_id__title"] == "平江县三阳敬老院"
    assert record_position(session, INSPECTION, RecordQuery(), rows[2]["id"], sort=("date", True)) == 2


def test_the_count_pages_and_positions_agree_for_random_queries(session, unit):
    rng = random.Random(7)
    units = [unit] + [save_record(session, UNIT, {"name": name, "sector": "工贸其他"}).id
                      for name in ("平江县鑫达砖厂", "平江县安定敬老院", "三阳加油站")]
    modes = ["日常巡查", "计划执法", "双随机", "专项检查"]
    for _ in range(60):
        mode = rng.choice(modes)
        save_record(session, INSPECTION, {"unit_id": rng.choice(units), "date": f"2026-{rng.randint(1, 11):02d}-"
                                          f"{rng.randint(1, 28):02d}", "mode": mode,
                                          "findings": rng.choice([None, "配电箱未接地", "消防通道堵塞", "灭火器过期"]),
                                          "officers": OFFICERS if mode != "日常巡查" else [{"name": "李明"}]})
    for _ in range(40):
        query = RecordQuery(text=rng.choice(["", "鑫达", "敬老", "配电", "通道", "ad", "李", "x"]),
                            filters=rng.choice([{}, {"mode": rng.choice(modes)}, {"date": ("2026-06-01", None)},
                                                {"unit_id": rng.choice(units)}]))
        sort = (rng.choice(["date", "mode", "findings", "officer_names"]), rng.random() < 0.5)
        total = count_records(session, INSPECTION, query)
        seen = []
        for offset in range(0, total + 7, 7):
            seen += [r["id"] for r in list_records(session, INSPECTION, query, sort=sort, offset=offset, limit=7)]
        assert len(seen) == len(set(seen)) == total, (query, sort)
        for record_id in rng.sample(seen, min(5, len(seen))):  # where a record stands is where the pages show it
            assert record_position(session, INSPECTION, query, record_id, sort=sort) == seen.index(record_id)
