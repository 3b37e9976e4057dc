"""A record's history from the change log, for the list page's detail panel: who changed what and when, the
record's own edits and its child rows' (added, changed, removed); and a child row edited stays that row."""

from __future__ import annotations

from pjdesk.core.inspection import INSPECTION, INSPECTION_ITEM
from pjdesk.services.records import delete_record, get_record, record_detail, record_history, save_record

OFFICERS = [{"name": "李明", "cert_no": "43060011"}, {"name": "王芳", "cert_no": "43060012"}]


def test_an_edited_child_row_stays_the_same_row(session, unit):
    first = save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "专项检查",
                                              "officers": OFFICERS,
                                              "items": [{"text": "灭火器在有效期内", "result": "符合"}]})
    [item] = get_record(session, INSPECTION, first.id)["items"]
    changed = save_record(session, INSPECTION, {"items": [{**item, "result": "不符合"}]}, record_id=first.id)
    [edited] = get_record(session, INSPECTION, first.id)["items"]
    assert edited["id"] == item["id"] and edited["result"] == "不符合"
    assert changed.changed[INSPECTION_ITEM.name] == {item["id"]}
    assert not session.store.get(INSPECTION_ITEM, item["id"])["deleted"]


def test_the_history_says_who_changed_what_and_when(set_now, session, unit):
    set_now("2026-11-10 09:15:00")
    first = save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "专项检查",
                                              "officers": OFFICERS,
                                              "items": [{"text": "灭火器在有效期内", "result": "符合"},
                                                        {"text": "消防通道畅通", "result": "符合"}]})
    record = get_record(session, INSPECTION, first.id)
    kept, dropped = record["items"]
    set_now("2026-11-12 14:30:00")
    session.operator = "李四"
    save_record(session, INSPECTION, {"mode": "双随机", "random_draw_ref": "SJ-2026-07",
                                      "items": [{**kept, "result": "不符合"}]}, record_id=first.id)
    history = record_history(session, INSPECTION, first.id)
    assert history[0] == {"when": "2026-11-10 09:15", "who": "张三", "what": "新增", "detail": ""}
    lines = [(h["when"], h["who"], h["what"], h["detail"]) for h in history]
    assert ("2026-11-10 09:15", "张三", "添加检查项目", "灭火器在有效期内、消防通道畅通") in lines
    assert ("2026-11-10 09:15", "张三", "添加检查人员", "李明、王芳") in lines
    assert ("2026-11-12 14:30", "李四", "修改", "检查方式：专项检查 → 双随机；双随机抽取编号：SJ-2026-07") in lines
    assert ("2026-11-12 14:30", "李四", "修改检查项目", "灭火器在有效期内：结果：符合 → 不符合") in lines
    assert ("2026-11-12 14:30", "李四", "移除检查项目", "消防通道畅通") in lines
    assert dropped["id"] not in {i["id"] for i in get_record(session, INSPECTION, first.id)["items"]}

    set_now("2026-11-13 08:00:00")
    delete_record(session, INSPECTION, first.id, "重复录入")
    assert record_history(session, INSPECTION, first.id)[-1] == {
        "when": "2026-11-13 08:00", "who": "李四", "what": "删除", "detail": "原因：重复录入"}


def test_the_detail_names_what_a_reference_points_to(session, unit):
    first = save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "日常巡查",
                                              "officers": [{"name": "李明"}]})
    detail = record_detail(session, INSPECTION, first.id)
    assert detail["record"]["unit_id__title"] == "平江县安定化工有限公司"
    assert detail["record"]["officers"][0]["name"] == "李明"
    assert detail["history"][0]["what"] == "新增"


def test_a_whole_checklist_added_is_one_line_naming_the_first_items(session, unit):
    items = [{"text": f"第{n}项：消防设施完好有效，定期检测维护并有记录和台账", "result": "符合"} for n in range(1, 21)]
    first = save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-11-10", "mode": "日常巡查",
                                              "officers": [{"name": "李明"}], "items": items})
    [added] = [h for h in record_history(session, INSPECTION, first.id) if h["what"] == "添加检查项目"]
    assert added["detail"] == ("第1项：消防设施完好有效，定期检测维护并有记录…、第2项：消防设施完好有效，定期检测维护并有记录…、"
                               "第3项：消防设施完好有效，定期检测维护并有记录… 等 20 项")
