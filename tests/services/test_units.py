"""The unit registry: add, edit, search, delete."""

import pytest

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.services.hazards import close_hazard, complete_rectification, record_hazard, review_hazard
from pjdesk.services.units import (
    check_unit,
    count_units,
    delete_unit,
    get_unit,
    list_units,
    save_unit,
    suggested_high_risk,
    unit_choices,
)


def problems_of(excinfo):
    return {p.field: p.message for p in excinfo.value.problems}


def changes(session, unit_id):
    rows = session.store.changes_of([unit_id])
    return [(r["op"], r["fields"], r["operator"]) for r in rows]


def test_add_a_unit_with_defaults(session):
    outcome = save_unit(session, {"name": "  平江县安定化工有限公司 ", "sector": "危化", "uscc": "91310110666007217t"})
    unit = get_unit(session, outcome.id)
    assert outcome.changed == {"unit": frozenset({outcome.id})}
    assert (unit["name"], unit["uscc"], unit["status"], unit["township"]) == (
        "平江县安定化工有限公司", "91310110666007217T", "正常", "430626101")
    assert (unit["is_high_risk"], unit["no_licence"], unit["created_by"]) == (0, 0, "张三")


def test_edit_a_unit_logs_what_changed(session, unit):
    save_unit(session, {"phone": "0730-6221234", "status": "停产"}, unit_id=unit)
    row = get_unit(session, unit)
    assert (row["phone"], row["status"], row["name"]) == ("0730-6221234", "停产", "平江县安定化工有限公司")
    assert changes(session, unit)[-1] == ("update", {"phone": "0730-6221234", "status": "停产"}, "张三")


def test_required_fields_and_choices_are_refused_at_their_field(session):
    with pytest.raises(ValidationError) as e:
        save_unit(session, {"name": "", "sector": "农业"})
    problems = problems_of(e)
    assert problems["name"] == "请填写“单位名称”"
    assert problems["sector"].startswith("行业领域“农业”不在可选项中（危化、非煤矿山、")
    assert count_units(session) == 0


def test_duplicate_credit_code_is_refused(session, unit):
    with pytest.raises(ValidationError) as e:
        save_unit(session, {"name": "另一家公司", "sector": "工贸其他", "uscc": "91310110666007217T"})
    assert problems_of(e) == {"uscc": "该统一社会信用代码已登记为“平江县安定化工有限公司”，请勿重复添加"}
    assert count_units(session) == 1
    # Saving the unit itself with its own code is of course fine.
    save_unit(session, {"uscc": "91310110666007217T", "village": "安定村"}, unit_id=unit)


def test_a_deleted_unit_frees_its_credit_code(session, unit):
    delete_unit(session, unit, "录入重复")
    assert save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化", "uscc": "91310110666007217T"}).id


def test_bad_check_digit_needs_a_reason_then_saves(session):
    values = {"name": "平江县早期试点企业", "sector": "工贸其他", "uscc": "91350211M00013FA1N"}
    with pytest.raises(ValidationError) as e:
        save_unit(session, values)
    assert "校验位错误（应为 3）" in problems_of(e)["uscc"]
    assert count_units(session) == 0
    unit_id = save_unit(session, {**values, "uscc_note": "早期试点代码，营业执照原文如此"}).id
    assert get_unit(session, unit_id)["uscc"] == "91350211M00013FA1N"


def test_an_edit_is_checked_as_the_whole_unit(session):
    pilot = save_unit(session, {"name": "平江县早期试点企业", "sector": "工贸其他", "uscc": "91350211M00013FA1N",
                                "uscc_note": "早期试点代码"}).id
    with pytest.raises(ValidationError) as e:
        save_unit(session, {"uscc_note": ""}, unit_id=pilot)  # the reason may not go while the code stays
    assert "校验位错误" in problems_of(e)["uscc"]
    with pytest.raises(ValidationError) as e:
        save_unit(session, {"name": " "}, unit_id=pilot)
    assert problems_of(e) == {"name": "请填写“单位名称”"}
    assert get_unit(session, pilot)["uscc_note"] == "早期试点代码"


def test_malformed_credit_code_is_refused_even_with_a_reason(session):
    with pytest.raises(ValidationError) as e:
        save_unit(session, {"name": "某公司", "sector": "工贸其他", "uscc": "9131011066600721", "uscc_note": "就这样"})
    assert "应为 18 位，现为 16 位" in problems_of(e)["uscc"]


def test_check_unit_reports_without_saving(session, unit):
    problems = check_unit(session, {"name": "另一家", "sector": "危化", "status": "正常", "uscc": "91310110666007217T"})
    assert [p.field for p in problems] == ["uscc"]
    assert check_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化", "status": "正常",
                                "uscc": "91310110666007217T"}, unit_id=unit) == []


@pytest.fixture
def registry(session):
    names = {"fireworks": ("安定镇红星烟花爆竹经营部", "烟花爆竹", "红星村", "刘一"),
             "chem": ("平江县安定化工有限公司", "危化", "安定村", "王五"),
             "market": ("天岳商贸城", "人员密集场所", "天岳社区", "陈二")}
    return {key: save_unit(session, {"name": n, "sector": s, "village": v, "principal": p}).id
            for key, (n, s, v, p) in names.items()}


def found(session, text="", sector=None):
    rows = list_units(session, text, sector)
    assert count_units(session, text, sector) == len(rows)
    return [r["name"] for r in rows]


def test_search_units(session, registry):
    assert found(session, "adz") == ["安定镇红星烟花爆竹经营部"]  # pinyin initials
    assert found(session, "ADZ") == ["安定镇红星烟花爆竹经营部"]
    assert found(session, "安定") == ["安定镇红星烟花爆竹经营部", "平江县安定化工有限公司"]
    assert found(session, "天岳社区") == ["天岳商贸城"]  # village
    assert found(session, "王五") == ["平江县安定化工有限公司"]  # principal
    assert found(session, "安定 化工") == ["平江县安定化工有限公司"]
    assert found(session, sector="人员密集场所") == ["天岳商贸城"]
    assert found(session, "%") == []


def test_search_by_credit_code(session, unit):
    assert found(session, "66600721") == ["平江县安定化工有限公司"]
    assert found(session, "217t") == ["平江县安定化工有限公司"]


def test_units_sort_and_page(session, registry):
    names = [r["name"] for r in list_units(session, sort=("name", True))]
    assert names == sorted(names, reverse=True)
    paged = [r["name"] for offset in (0, 2) for r in list_units(session, sort=("name", False), offset=offset, limit=2)]
    assert paged == names[::-1]
    assert [u["name"] for u in unit_choices(session)] == sorted(names)


def test_delete_needs_a_reason(session, unit):
    with pytest.raises(PjdeskError, match="删除须写明原因"):
        delete_unit(session, unit, "  ")
    assert get_unit(session, unit)["deleted"] == 0


def test_delete_is_refused_while_hazards_are_open(session, unit):
    hazard = record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞", "found_date": "2026-11-01"}).id
    with pytest.raises(PjdeskError) as e:
        delete_unit(session, unit, "已关闭")
    assert "还有 1 条未销号的隐患" in str(e.value) and "经营状态改为“关闭”" in str(e.value)
    complete_rectification(session, hazard, "2026-11-02")
    review_hazard(session, hazard, "2026-11-03", passed=True, reviewer="李四")
    close_hazard(session, hazard, "2026-11-04")
    delete_unit(session, unit, "企业已注销")
    row = get_unit(session, unit)
    assert (row["deleted"], row["delete_reason"]) == (1, "企业已注销")
    assert found(session) == []
    assert changes(session, unit)[-1] == ("delete", {"delete_reason": "企业已注销"}, "张三")


def test_a_deleted_unit_cannot_be_edited_or_deleted_again(session, unit):
    delete_unit(session, unit, "录入重复")
    with pytest.raises(PjdeskError, match="找不到该单位"):
        save_unit(session, {"phone": "1"}, unit_id=unit)
    with pytest.raises(PjdeskError, match="找不到该单位"):
        delete_unit(session, unit, "再删")


def test_high_risk_suggestion_follows_the_sector():
    assert suggested_high_risk("危化") and suggested_high_risk("烟花爆竹")
    assert not suggested_high_risk("学校") and not suggested_high_risk(None)
