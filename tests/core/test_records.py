"""Field checks driven by the record declarations."""

import datetime as dt

import pytest

from pjdesk.core.hazard import HAZARD
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import ERROR, INCOMPLETE, errors, join_tags, normalise, split_tags, validate
from pjdesk.core.unit import UNIT

TODAY = dt.date(2026, 11, 29)
GOOD_HAZARD = {"unit_id": "u1", "description": "消防通道堵塞", "level": "一般", "source": "乡镇检查",
               "found_date": "2026-11-20"}
GOOD_UNIT = {"name": "平江县安定化工有限公司", "sector": "危化", "status": "正常"}


def by_field(problems):
    return {p.field: p.message for p in problems}


def test_a_complete_record_has_no_problems():
    assert validate(HAZARD, GOOD_HAZARD, TODAY) == []
    assert validate(UNIT, GOOD_UNIT, TODAY) == []


def test_required_fields_are_named():
    problems = by_field(validate(HAZARD, {"level": "一般"}, TODAY))
    assert problems == {
        "unit_id": "请选择“单位”", "description": "请填写“隐患描述”", "source": "请选择“隐患来源”",
        "found_date": "请填写“发现日期”",
    }


def test_empty_text_counts_as_missing():
    problems = by_field(validate(UNIT, {**GOOD_UNIT, "name": ""}, TODAY))
    assert problems == {"name": "请填写“单位名称”"}


def test_choice_outside_the_list_names_the_choices():
    problems = by_field(validate(HAZARD, {**GOOD_HAZARD, "level": "特大"}, TODAY))
    assert problems == {"level": "隐患等级“特大”不在可选项中（一般、重大）"}


def test_unknown_tag_is_named():
    values = {**GOOD_HAZARD, "tags": join_tags(["自建房", "大扫除"])}
    assert by_field(validate(HAZARD, values, TODAY)) == {"tags": "专项行动“大扫除”不在可选项中"}


def test_dates_must_be_real_and_iso():
    assert by_field(validate(HAZARD, {**GOOD_HAZARD, "deadline": "2026-02-30"}, TODAY)) == {
        "deadline": "整改期限：“2026-02-30”不是有效日期（2026 年 2 月没有 30 日）"}
    assert by_field(validate(HAZARD, {**GOOD_HAZARD, "deadline": "2026/12/5"}, TODAY)) == {
        "deadline": "整改期限应写成 YYYY-MM-DD"}


@pytest.mark.parametrize("funds, message", [
    (12.5, "整改资金（元）应为整数"), ("100", "整改资金（元）应为整数"), (True, "整改资金（元）应为整数"),
    (-1, "整改资金（元）不能为负数"),
])
def test_money_is_a_non_negative_integer_of_fen(funds, message):
    assert by_field(validate(HAZARD, {**GOOD_HAZARD, "funds": funds}, TODAY)) == {"funds": message}


def test_money_of_zero_and_more_is_fine():
    assert validate(HAZARD, {**GOOD_HAZARD, "funds": 0}, TODAY) == []
    assert validate(HAZARD, {**GOOD_HAZARD, "funds": 1_250_000}, TODAY) == []


def test_overlong_text_says_how_long():
    problems = by_field(validate(UNIT, {**GOOD_UNIT, "name": "厂" * 101}, TODAY))
    assert problems == {"name": "单位名称过长（101 字，最多 100 字）"}


def test_fields_of_another_case_are_not_checked():
    # 人员密集场所类型 only applies to 人员密集场所; 挂牌日期 only to 重大 hazards.
    assert validate(UNIT, {**GOOD_UNIT, "crowded_type": "不存在的类型"}, TODAY) == []
    assert validate(UNIT, {**GOOD_UNIT, "sector": "人员密集场所", "crowded_type": "不存在的类型"}, TODAY) != []


def test_credit_code_rules_of_a_unit():
    bad_length = by_field(validate(UNIT, {**GOOD_UNIT, "uscc": "9131011066600721"}, TODAY))
    assert "应为 18 位" in bad_length["uscc"]
    pilot = validate(UNIT, {**GOOD_UNIT, "uscc": "91350211M00013FA1N"}, TODAY)
    assert [(p.field, p.level) for p in pilot] == [("uscc", ERROR)]
    assert "应为 3" in pilot[0].message
    assert validate(UNIT, {**GOOD_UNIT, "uscc": "91350211M00013FA1N", "uscc_note": "早期试点代码，营业执照如此"}, TODAY) == []


def test_hazard_date_rules():
    future = by_field(validate(HAZARD, {**GOOD_HAZARD, "found_date": "2026-11-30"}, TODAY))
    assert future == {"found_date": "发现日期不能晚于今天"}
    early = by_field(validate(HAZARD, {**GOOD_HAZARD, "deadline": "2026-11-19"}, TODAY))
    assert early == {"deadline": "整改期限不能早于发现日期"}


def test_major_hazard_missing_items_is_incomplete_not_refused():
    problems = validate(HAZARD, {**GOOD_HAZARD, "level": "重大"}, TODAY)
    assert errors(problems) == []
    assert [(p.level, p.message) for p in problems] == [
        (INCOMPLETE, "重大隐患待补充：判定依据、责任、措施、资金、时限、预案")]


def test_normalise_trims_and_empties():
    values = normalise(UNIT, {"name": "  安定烟花厂 ", "address": "   ", "no_licence": "", "is_high_risk": "yes",
                              "not_a_field": 1})
    assert values == {"name": "安定烟花厂", "address": None, "no_licence": 0, "is_high_risk": 1}


def test_tags_round_trip_without_duplicates():
    assert join_tags(["自建房", " 打非治违 ", "自建房", ""]) == "自建房|打非治违"
    assert split_tags("自建房|打非治违") == ["自建房", "打非治违"]
    assert split_tags(None) == []


def test_every_kind_is_registered_by_its_name_with_unique_fields():
    for name, kind in KINDS.items():
        assert kind.name == name
        names = kind.field_names()
        assert len(names) == len(set(names)), name
        for f in kind.fields:
            assert f.label, f.name
            if f.vocabulary:
                assert f.choices(), f"{name}.{f.name}: empty vocabulary {f.vocabulary}"
