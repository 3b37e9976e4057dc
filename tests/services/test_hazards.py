"""The hazard ledger's use cases: record, edit, delete, and walk a hazard to 销号."""

import datetime as dt

import pytest

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.hazard import STATUSES, HazardFilter
from pjdesk.core.unit import UNIT
from pjdesk.services import hazards as svc
from pjdesk.services.session import init_station, set_operator
from pjdesk.services.status import station_status
from pjdesk.services.units import delete_unit, save_unit


def problems_of(excinfo):
    return {p.field: p.message for p in excinfo.value.problems}


def status_counts(session):
    return {s: svc.count_hazards(session, HazardFilter(statuses=(s,))) for s in STATUSES}


def history(session, hazard_id):
    return [(h["when"], h["what"], h["who"]) for h in svc.hazard_detail(session, hazard_id)["history"]]


def test_record_with_defaults(session, unit):
    outcome = svc.record_hazard(session, {"unit_id": unit, "description": "  消防通道堵塞 "})
    hazard = session.store.get(svc.HAZARD, outcome.id)
    assert outcome.changed == {"hazard": frozenset({outcome.id})} and outcome.warnings == ()
    assert (hazard["description"], hazard["level"], hazard["source"], hazard["found_date"], hazard["found_by"]) == (
        "消防通道堵塞", "一般", "乡镇检查", "2026-11-29", "张三")
    assert hazard["sector"] == "危化", "the sector defaults to the unit's"
    assert (hazard["status"], hazard["hazard_no"], hazard["township"]) == ("发现", "430626101-2026-A0001", "430626101")


def test_sector_given_is_kept(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "脚手架无防护", "sector": "建筑施工"}).id
    assert session.store.get(svc.HAZARD, hazard_id)["sector"] == "建筑施工"


def test_validation_messages_at_their_fields(session, unit):
    with pytest.raises(ValidationError) as e:
        svc.record_hazard(session, {"unit_id": unit, "description": "", "level": "特大", "found_date": "2026-12-01",
                                    "funds": -5})
    problems = problems_of(e)
    assert problems == {
        "description": "请填写“隐患描述”",
        "level": "隐患等级“特大”不在可选项中（一般、重大）",
        "funds": "整改资金（元）不能为负数",
        "found_date": "发现日期不能晚于今天",
    }
    assert "请填写“隐患描述”" in str(e.value)
    assert svc.count_hazards(session, HazardFilter()) == 0


def test_deadline_before_discovery_and_unknown_unit_are_refused(session, unit):
    with pytest.raises(ValidationError) as e:
        svc.record_hazard(session, {"unit_id": unit, "description": "电线老化", "found_date": "2026-11-20",
                                    "deadline": "2026-11-19"})
    assert problems_of(e) == {"deadline": "整改期限不能早于发现日期"}
    with pytest.raises(ValidationError) as e:
        svc.record_hazard(session, {"unit_id": "no-such-unit", "description": "电线老化"})
    assert problems_of(e) == {"unit_id": "所选单位不存在或已删除，请重新选择"}


def test_major_hazard_is_saved_incomplete_with_a_warning(session, unit):
    outcome = svc.record_hazard(session, {"unit_id": unit, "description": "涉爆粉尘除尘系统未接地", "level": "重大"})
    assert outcome.warnings == ("重大隐患待补充：判定依据、责任、措施、资金、时限、预案。补齐前不能销号。",)
    assert svc.hazard_detail(session, outcome.id)["missing"] == ["判定依据", "责任", "措施", "资金", "时限", "预案"]
    assert svc.count_hazards(session, HazardFilter(incomplete=True)) == 1
    svc.edit_hazard(session, outcome.id, {"major_basis": "工贸企业重大事故隐患判定标准 第十一条", "resp_person": "王五",
                                          "measures": "停产整改除尘系统", "funds": 2_000_000, "deadline": "2026-12-31",
                                          "emergency_plan": "粉尘爆炸现场处置方案"})
    assert svc.count_hazards(session, HazardFilter(incomplete=True)) == 0
    assert svc.hazard_detail(session, outcome.id)["missing"] == []


def test_incomplete_major_hazard_cannot_be_closed(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "储罐区无防火堤", "level": "重大",
                                            "found_date": "2026-11-01"}).id
    svc.complete_rectification(session, hazard_id, "2026-11-10")
    svc.review_hazard(session, hazard_id, "2026-11-12", passed=True, reviewer="县应急局李四")
    with pytest.raises(ValidationError) as e:
        svc.close_hazard(session, hazard_id, "2026-11-13")
    assert "重大隐患须补齐判定依据、责任、措施、资金、时限、预案后方可销号" in str(e.value)
    assert svc.hazard_detail(session, hazard_id)["state"].status == "复查合格"


def test_edit_logs_only_the_changed_fields(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞", "location": "仓库"}).id
    svc.edit_hazard(session, hazard_id, {"location": "一号仓库", "description": "消防通道堵塞", "resp_person": "王五"})
    last = session.store.changes_of([hazard_id])[-1]
    assert (last["op"], last["fields"], last["operator"]) == ("update", {"location": "一号仓库", "resp_person": "王五"},
                                                              "张三")
    before = len(session.store.changes_of([hazard_id]))
    svc.edit_hazard(session, hazard_id, {"location": "一号仓库"})
    assert len(session.store.changes_of([hazard_id])) == before, "an edit that changes nothing logs nothing"
    [edit] = [h for h in svc.hazard_detail(session, hazard_id)["history"] if h["what"] == "修改"]
    assert (edit["who"], edit["note"]) == ("张三", "改了：隐患部位、整改责任人")


def test_edited_description_is_found_by_search(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞"}).id
    svc.edit_hazard(session, hazard_id, {"description": "疏散指示标志损坏"})
    assert [r["id"] for r in svc.list_hazards(session, HazardFilter(text="指示标志"))] == [hazard_id]
    assert svc.list_hazards(session, HazardFilter(text="通道堵塞")) == []


def test_edit_is_validated(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞",
                                            "found_date": "2026-11-10"}).id
    with pytest.raises(ValidationError) as e:
        svc.edit_hazard(session, hazard_id, {"deadline": "2026-11-01"})
    assert problems_of(e) == {"deadline": "整改期限不能早于发现日期"}
    assert session.store.get(svc.HAZARD, hazard_id)["deadline"] is None


def closed_hazard(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "灭火器过期", "found_date": "2026-11-01"}).id
    svc.complete_rectification(session, hazard_id, "2026-11-02")
    svc.review_hazard(session, hazard_id, "2026-11-03", passed=True, reviewer="李四")
    svc.close_hazard(session, hazard_id, "2026-11-04")
    return hazard_id


def test_a_closed_hazards_record_may_be_corrected_and_the_correction_is_logged(session, unit):
    hazard_id = closed_hazard(session, unit)
    set_operator(session, "王五")
    svc.edit_hazard(session, hazard_id, {"location": "门卫室", "resp_person": "赵六"})
    row = session.store.get(svc.HAZARD, hazard_id)
    assert (row["location"], row["resp_person"], row["status"]) == ("门卫室", "赵六", "销号")
    last = svc.hazard_detail(session, hazard_id)["history"][-1]
    assert (last["what"], last["who"]) == ("销号后更正", "王五")
    assert last["note"] == "改了：隐患部位、整改责任人"


def test_the_fields_a_closure_was_judged_on_stay_as_they_were(session, unit):
    hazard_id = closed_hazard(session, unit)
    with pytest.raises(ValidationError) as excinfo:
        svc.edit_hazard(session, hazard_id, {"deadline": "2026-11-30", "location": "门卫室"})
    assert problems_of(excinfo) == {"deadline": "隐患已销号，整改期限不能再改；如确需更改，请先“撤销销号”"}
    row = session.store.get(svc.HAZARD, hazard_id)
    assert (row["deadline"], row["location"]) == (None, None), "nothing of a refused edit is written"


def test_nothing_more_is_recorded_on_a_closed_hazard(session, unit):
    hazard_id = closed_hazard(session, unit)
    with pytest.raises(ValidationError, match="该隐患已销号，不能再办理；如销号有误，请先“撤销销号”"):
        svc.extend_hazard(session, hazard_id, "2026-11-05", "2026-12-31", "再观察")


def test_a_mistaken_closure_is_withdrawn_with_its_reason_in_the_history(session, unit):
    hazard_id = closed_hazard(session, unit)
    with pytest.raises(ValidationError) as excinfo:
        svc.reopen_hazard(session, hazard_id, "2026-11-05", " ")
    assert problems_of(excinfo) == {"note": "撤销销号须写明原因（如：误点销号、复查结论有误）"}
    outcome = svc.reopen_hazard(session, hazard_id, "2026-11-05", "误点销号，整改照片未收齐")
    assert outcome.changed["hazard"] == {hazard_id}
    row = session.store.get(svc.HAZARD, hazard_id)
    assert (row["status"], row["closed_date"]) == ("复查合格", None)
    assert status_counts(session)["销号"] == 0 and svc.count_hazards(session, HazardFilter(open_only=True)) == 1
    assert history(session, hazard_id)[-2:] == [("2026-11-04", "销号", "张三"), ("2026-11-05", "撤销销号", "张三")]
    assert svc.hazard_detail(session, hazard_id)["history"][-1]["note"] == "误点销号，整改照片未收齐"
    # Now the deadline may be corrected, and the hazard closed again.
    svc.edit_hazard(session, hazard_id, {"deadline": "2026-11-30"})
    svc.close_hazard(session, hazard_id, "2026-11-06")
    assert session.store.get(svc.HAZARD, hazard_id)["closed_date"] == "2026-11-06"
    fresh = svc.record_hazard(session, {"unit_id": unit, "description": "新登记的隐患"}).id
    with pytest.raises(ValidationError, match="该隐患未销号，无需撤销销号"):
        svc.reopen_hazard(session, fresh, "2026-11-29", "误点")


def test_delete_needs_a_reason_and_keeps_the_record(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "重复录入的隐患"}).id
    with pytest.raises(PjdeskError, match="删除须写明原因"):
        svc.delete_hazard(session, hazard_id, " ")
    svc.delete_hazard(session, hazard_id, "重复录入")
    assert svc.count_hazards(session, HazardFilter()) == 0
    detail = svc.hazard_detail(session, hazard_id)
    assert detail["hazard"]["deleted"] == 1
    [deletion] = [h for h in detail["history"] if h["what"] == "删除"]
    assert (deletion["note"], deletion["who"]) == ("重复录入", "张三")
    with pytest.raises(PjdeskError, match="找不到该隐患"):
        svc.notify_rectification(session, hazard_id, "2026-11-29")
    with pytest.raises(PjdeskError, match="找不到该隐患"):
        svc.edit_hazard(session, hazard_id, {"location": "仓库"})


def test_the_whole_walk(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞", "location": "仓库",
                                            "found_date": "2026-11-01", "deadline": "2026-11-10"}).id
    assert status_counts(session)["发现"] == 1

    outcome = svc.notify_rectification(session, hazard_id, "2026-11-02", note="下达责令限期整改指令书")
    assert set(outcome.changed) == {"hazard", "hazard_event"} and outcome.changed["hazard"] == {hazard_id}
    svc.complete_rectification(session, hazard_id, "2026-11-08")
    assert status_counts(session)["已整改待复查"] == 1
    svc.review_hazard(session, hazard_id, "2026-11-09", passed=False, reviewer="李四", note="杂物未清完")
    assert status_counts(session)["整改中"] == 1
    assert svc.hazard_detail(session, hazard_id)["overdue"], "back in 整改 after the deadline"
    assert svc.dashboard(session)["overdue"] == 1
    svc.extend_hazard(session, hazard_id, "2026-11-10", "2026-11-30", "需购置货架")
    assert not svc.hazard_detail(session, hazard_id)["overdue"]
    set_operator(session, "王五")
    svc.complete_rectification(session, hazard_id, "2026-11-20")
    svc.review_hazard(session, hazard_id, "2026-11-21", passed=True, reviewer="李四")
    assert status_counts(session)["复查合格"] == 1
    svc.close_hazard(session, hazard_id, "2026-11-22")

    assert status_counts(session) == {"发现": 0, "整改中": 0, "已整改待复查": 0, "复查合格": 0, "销号": 1}
    detail = svc.hazard_detail(session, hazard_id)
    assert detail["state"].status == "销号" and not detail["overdue"]
    row = detail["hazard"]
    assert (row["status"], row["due_date"], row["rectified_date"], row["review_date"], row["closed_date"]) == (
        "销号", "2026-11-30", "2026-11-20", "2026-11-21", "2026-11-22")
    assert history(session, hazard_id) == [
        ("2026-11-01", "发现", "张三"),
        ("2026-11-02", "整改通知", "张三"),
        ("2026-11-08", "整改完成", "张三"),
        ("2026-11-09", "复查（不合格）", "李四"),
        ("2026-11-10", "延期，新期限 2026-11-30", "张三"),
        ("2026-11-20", "整改完成", "王五"),
        ("2026-11-21", "复查（合格）", "李四"),
        ("2026-11-22", "销号", "王五"),
    ]
    assert detail["history"][3]["note"] == "杂物未清完"
    counts = station_status(session)["counts"]
    assert (counts["hazards_open"], counts["hazards_closed"]) == (0, 1)
    dash = svc.dashboard(session)
    assert (dash["open"], dash["overdue"], dash["closed_this_month"]) == (0, 0, 1)


def test_steps_out_of_order_are_refused_with_the_reason(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接",
                                            "found_date": "2026-11-10", "deadline": "2026-11-20"}).id
    with pytest.raises(ValidationError) as e:
        svc.close_hazard(session, hazard_id, "2026-11-11")
    assert str(e.value) == "隐患未经复查合格，不能销号；请先登记整改完成并复查合格"
    with pytest.raises(ValidationError) as e:
        svc.review_hazard(session, hazard_id, "2026-11-11", passed=True, reviewer="李四")
    assert "隐患须先登记整改完成，才能复查" in str(e.value)
    with pytest.raises(ValidationError) as e:
        svc.notify_rectification(session, hazard_id, "2026-11-09")
    assert problems_of(e) == {"date": "日期不能早于上一步的日期 2026-11-10"}
    with pytest.raises(ValidationError) as e:
        svc.complete_rectification(session, hazard_id, "2026-11-30")
    assert problems_of(e) == {"date": "日期不能晚于今天"}
    with pytest.raises(ValidationError) as e:
        svc.extend_hazard(session, hazard_id, "2026-11-15", "2026-11-18", "")
    assert problems_of(e) == {"note": "延期须写明原因", "new_deadline": "新的整改期限应晚于原期限 2026-11-20"}
    assert svc.hazard_detail(session, hazard_id)["events"] == []
    assert status_counts(session)["发现"] == 1


def test_event_dates_may_be_dates(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接",
                                            "found_date": "2026-11-10"}).id
    svc.complete_rectification(session, hazard_id, dt.date(2026, 11, 12))
    assert session.store.get(svc.HAZARD, hazard_id)["rectified_date"] == "2026-11-12"


def test_another_townships_hazard_cannot_be_handled(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接"}).id
    session.store.db.execute("UPDATE hazard SET township = '430626102' WHERE id = ?", [hazard_id])
    with pytest.raises(PjdeskError, match="其他乡镇的隐患"):
        svc.notify_rectification(session, hazard_id, "2026-11-29")
    assert svc.count_hazards(session, HazardFilter()) == 0, "a township sees only its own ledger"


def test_a_deleted_unit_cannot_get_new_hazards(session, unit):
    other = save_unit(session, {"name": "安定镇红星烟花爆竹经营部", "sector": "烟花爆竹"}).id
    delete_unit(session, other, "已取缔")
    with pytest.raises(ValidationError) as e:
        svc.record_hazard(session, {"unit_id": other, "description": "超量储存"})
    assert problems_of(e) == {"unit_id": "所选单位不存在或已删除，请重新选择"}


def test_found_date_may_not_be_moved_after_a_recorded_step(session, unit):
    hazard_id = svc.record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接",
                                            "found_date": "2026-11-10"}).id
    svc.notify_rectification(session, hazard_id, "2026-11-12")
    with pytest.raises(ValidationError) as e:
        svc.edit_hazard(session, hazard_id, {"found_date": "2026-11-13"})
    assert problems_of(e) == {"found_date": "发现日期不能晚于已登记的处理日期 2026-11-12"}
    svc.edit_hazard(session, hazard_id, {"found_date": "2026-11-12"})
    assert session.store.get(svc.HAZARD, hazard_id)["found_date"] == "2026-11-12"


def test_the_county_sees_every_townships_ledger(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="赵六", county=True,
                          today=lambda: dt.date(2026, 11, 29))
    store = county.store
    hazards = {}
    with store.transaction():  # as a bundle import would write them
        for township in ("430626101", "430626102"):
            unit = store.insert(UNIT, {"name": f"{township}的单位", "sector": "危化", "status": "正常", "no_licence": 0,
                                       "is_high_risk": 1, "is_above_scale": 0}, township=township, operator="同步")
            hazards[township] = store.insert(svc.HAZARD, {"unit_id": unit, "description": "储罐区无防火堤", "level": "一般",
                                                          "source": "乡镇检查", "found_date": "2026-11-01",
                                                          "deadline": "2026-11-20"}, township=township, operator="同步")
    assert svc.count_hazards(county, HazardFilter()) == 2
    assert [r["id"] for r in svc.list_hazards(county, HazardFilter(township="430626102"))] == [hazards["430626102"]]
    assert (svc.dashboard(county)["open"], svc.dashboard(county)["overdue"]) == (2, 2)
    with pytest.raises(PjdeskError, match="其他乡镇的隐患"):
        svc.notify_rectification(county, hazards["430626101"], "2026-11-29")
    county.close()


# --- 交办: hazards the county assigns to a township -----------------------------------------------------------
@pytest.fixture
def county(tmp_path):
    county = init_station(tmp_path / "county", code="430626", operator="赵六", county=True,
                          today=lambda: dt.date(2026, 11, 29))
    yield county
    county.close()


def township_unit(county, township, name="平江县安定花炮厂"):
    """A township's unit as the county holds it: written as a bundle import would write it."""
    with county.store.transaction():
        return county.store.insert(UNIT, {"name": name, "sector": "烟花爆竹", "status": "正常", "no_licence": 0,
                                          "is_high_risk": 1, "is_above_scale": 0}, township=township, operator="同步")


def test_the_county_assigns_a_hazard_to_a_township(county):
    unit = township_unit(county, "430626101")
    outcome = svc.assign_hazard(county, "430626101", {"unit_id": unit, "description": "涉药工房防雷设施失效",
                                                      "source": "乡镇检查", "assignment_no": "平安委交〔2026〕3号"})
    hazard = county.store.get(svc.HAZARD, outcome.id)
    assert (hazard["township"], hazard["source"], hazard["hazard_no"], hazard["sector"], hazard["found_by"]) == (
        "430626101", "上级交办", "430626101-2026-J0001", "烟花爆竹", "赵六")
    assert outcome.changed == {"hazard": frozenset({outcome.id})}
    second = svc.assign_hazard(county, "430626101", {"unit_id": unit, "description": "成品仓库超量储存"}).id
    assert county.store.get(svc.HAZARD, second)["hazard_no"] == "430626101-2026-J0002"
    with pytest.raises(PjdeskError, match="只能由该乡镇办理"):
        svc.edit_hazard(county, outcome.id, {"description": "改写"})


def test_an_assigned_major_hazard_is_validated_as_any(county):
    unit = township_unit(county, "430626101")
    outcome = svc.assign_hazard(county, "430626101", {"unit_id": unit, "description": "粉尘除尘系统未接地",
                                                      "level": "重大"})
    assert outcome.warnings == ("重大隐患待补充：判定依据、责任、措施、资金、时限、预案。补齐前不能销号。",)
    with pytest.raises(ValidationError) as e:
        svc.assign_hazard(county, "430626101", {"unit_id": unit, "description": "", "found_date": "2026-12-01"})
    assert problems_of(e) == {"description": "请填写“隐患描述”", "found_date": "发现日期不能晚于今天"}


def test_an_assigned_hazard_must_be_at_one_of_the_townships_units(county):
    other = township_unit(county, "430626102", "平江县三市加油站")
    with pytest.raises(ValidationError) as e:
        svc.assign_hazard(county, "430626101", {"unit_id": other, "description": "加油机接地失效"})
    assert problems_of(e) == {"unit_id": "所选单位不属于安定镇，请选择该乡镇的单位"}
    with pytest.raises(PjdeskError, match="不是平江县的乡镇街道代码"):
        svc.assign_hazard(county, "430626999", {"unit_id": other, "description": "加油机接地失效"})
    assert svc.count_hazards(county, HazardFilter()) == 0


def test_a_township_cannot_assign(session, unit):
    with pytest.raises(PjdeskError, match="交办隐患只能由县级站点操作"):
        svc.assign_hazard(session, "430626101", {"unit_id": unit, "description": "消防通道堵塞"})
    assert svc.count_hazards(session, HazardFilter()) == 0
