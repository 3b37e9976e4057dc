"""The hazard lifecycle: status derived from events; recording an event is checked."""

import datetime as dt

import pytest

from pjdesk.core.hazard import (
    AWAITING_REVIEW,
    CLOSE,
    CLOSED,
    EXTEND,
    FAIL,
    FOUND,
    NOTICE,
    PASS,
    RECTIFICATION_IN_FORCE,
    RECTIFICATION_OWED,
    RECTIFIED,
    RECTIFYING,
    REOPEN,
    REVIEW,
    REVIEWED,
    STATUSES,
    HazardFilter,
    check_event,
    derive_state,
    edit_after_closure_problems,
    missing_major_items,
    overdue,
    overdue_unclosed,
)

TODAY = dt.date(2026, 11, 29)
HAZARD = {"found_date": "2026-11-01", "deadline": "2026-11-15", "level": "一般"}
MAJOR_COMPLETE = {**HAZARD, "level": "重大", "major_basis": "工贸企业重大事故隐患判定标准 第四条", "resp_person": "王五",
                  "measures": "停产整改", "funds": 500000, "emergency_plan": "现场处置方案"}


def event(kind, date, **extra):
    return {"kind": kind, "date": date, **extra}


def walk(hazard, steps):
    """Record events one by one as the service does: check each against the state so far."""
    events = []
    for step in steps:
        state = derive_state(hazard, events)
        problems = check_event(hazard, state, step, TODAY)
        assert problems == [], (step, problems)
        events.append({**step, "created_at": f"{len(events):04d}", "id": str(len(events))})
    return derive_state(hazard, events)


def messages(problems):
    return {p.field: p.message for p in problems}


def test_a_new_hazard_is_found_with_its_own_deadline():
    state = derive_state(HAZARD, [])
    assert state.status == FOUND
    assert state.due_date == "2026-11-15"
    assert state.last_date == "2026-11-01"


def test_the_whole_walk_with_a_failed_review():
    steps = [
        (event(NOTICE, "2026-11-02"), RECTIFYING),
        (event(RECTIFIED, "2026-11-10"), AWAITING_REVIEW),
        (event(REVIEW, "2026-11-12", result=FAIL, actor="李四", note="仍有电线裸露"), RECTIFYING),
        (event(RECTIFIED, "2026-11-14"), AWAITING_REVIEW),
        (event(REVIEW, "2026-11-16", result=PASS, actor="李四"), REVIEWED),
        (event(CLOSE, "2026-11-17"), CLOSED),
    ]
    done = []
    for step, status in steps:
        done.append(step)
        assert walk(HAZARD, done).status == status
    state = walk(HAZARD, done)
    assert (state.rectified_date, state.review_date, state.closed_date) == ("2026-11-14", "2026-11-16", "2026-11-17")
    assert [e["kind"] for e in state.history] == [NOTICE, RECTIFIED, REVIEW, RECTIFIED, REVIEW, CLOSE]


def test_failed_review_discards_the_earlier_completion():
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10"),
                          event(REVIEW, "2026-11-12", result=FAIL, actor="李四", note="仍有电线裸露")])
    assert state.status == RECTIFYING
    assert state.rectified_date is None and state.review_date is None


def test_derive_is_tolerant_of_event_order_and_ignores_deleted_events():
    events = [
        {**event(CLOSE, "2026-11-20"), "created_at": "3"},
        {**event(RECTIFIED, "2026-11-10"), "created_at": "1"},
        {**event(REVIEW, "2026-11-12", result=PASS), "created_at": "2"},
        {**event(EXTEND, "2026-11-05", new_deadline="2026-12-31"), "created_at": "0", "deleted": 1},
    ]
    state = derive_state(HAZARD, events)
    assert state.status == CLOSED
    assert state.due_date == "2026-11-15", "a deleted 延期 no longer counts"


def test_extension_sets_the_deadline_in_force():
    state = walk(HAZARD, [event(EXTEND, "2026-11-14", new_deadline="2026-12-15", note="设备到货延迟")])
    assert state.due_date == "2026-12-15"
    assert not state.is_overdue(TODAY)
    assert derive_state(HAZARD, []).is_overdue(TODAY)


def test_extension_needs_a_reason_and_a_later_deadline():
    state = derive_state(HAZARD, [])
    assert messages(check_event(HAZARD, state, event(EXTEND, "2026-11-14", new_deadline="2026-12-15"), TODAY)) == {
        "note": "延期须写明原因"}
    assert messages(check_event(HAZARD, state, event(EXTEND, "2026-11-14", note="等设备"), TODAY)) == {
        "new_deadline": "请填写新的整改期限"}
    same = event(EXTEND, "2026-11-14", new_deadline="2026-11-15", note="等设备")
    assert messages(check_event(HAZARD, state, same, TODAY)) == {"new_deadline": "新的整改期限应晚于原期限 2026-11-15"}


def test_extension_before_its_own_date_is_refused():
    hazard = {**HAZARD, "deadline": None}
    state = derive_state(hazard, [])
    late = event(EXTEND, "2026-11-20", new_deadline="2026-11-18", note="等设备")
    assert messages(check_event(hazard, state, late, TODAY)) == {"new_deadline": "新的整改期限不能早于办理日期"}


def test_dates_may_not_precede_the_previous_step():
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10")])
    review = event(REVIEW, "2026-11-09", result=PASS, actor="李四")
    assert messages(check_event(HAZARD, state, review, TODAY)) == {"date": "日期不能早于上一步的日期 2026-11-10"}


def test_first_step_may_not_precede_discovery():
    problems = check_event(HAZARD, derive_state(HAZARD, []), event(NOTICE, "2026-10-31"), TODAY)
    assert messages(problems) == {"date": "日期不能早于上一步的日期 2026-11-01"}


def test_dates_may_not_be_after_today():
    problems = check_event(HAZARD, derive_state(HAZARD, []), event(NOTICE, "2026-11-30"), TODAY)
    assert messages(problems) == {"date": "日期不能晚于今天"}


def test_the_same_day_as_the_previous_step_is_fine():
    assert walk(HAZARD, [event(NOTICE, "2026-11-01"), event(RECTIFIED, "2026-11-01")]).status == AWAITING_REVIEW


@pytest.mark.parametrize("steps", [
    [],
    [event(NOTICE, "2026-11-02")],
    [event(RECTIFIED, "2026-11-10")],
    [event(RECTIFIED, "2026-11-10"), event(REVIEW, "2026-11-11", result=FAIL, actor="李四", note="仍有电线裸露")],
])
def test_closing_before_a_passed_review_is_refused(steps):
    state = walk(HAZARD, steps)
    problems = check_event(HAZARD, state, event(CLOSE, "2026-11-20"), TODAY)
    assert messages(problems) == {None: "隐患未经复查合格，不能销号；请先登记整改完成并复查合格"}


def test_review_needs_completion_a_result_and_a_reviewer():
    state = walk(HAZARD, [event(NOTICE, "2026-11-02")])
    problems = messages(check_event(HAZARD, state, event(REVIEW, "2026-11-10"), TODAY))
    assert problems == {None: "隐患须先登记整改完成，才能复查", "result": "请选择复查结论：合格或不合格",
                        "actor": "请填写复查人"}


def test_notice_twice_and_completion_while_awaiting_review_are_refused():
    state = walk(HAZARD, [event(NOTICE, "2026-11-02")])
    assert messages(check_event(HAZARD, state, event(NOTICE, "2026-11-03"), TODAY)) == {
        None: "该隐患已是“整改中”，无需再下达整改通知"}
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10")])
    assert messages(check_event(HAZARD, state, event(RECTIFIED, "2026-11-11"), TODAY)) == {
        None: "该隐患已是“已整改待复查”，不能再登记整改完成"}


def test_nothing_more_after_closing():
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10"), event(REVIEW, "2026-11-11", result=PASS, actor="李四"),
                          event(CLOSE, "2026-11-12")])
    problems = check_event(HAZARD, state, event(EXTEND, "2026-11-13", new_deadline="2026-12-30", note="x"), TODAY)
    assert messages(problems) == {None: "该隐患已销号，不能再办理；如销号有误，请先“撤销销号”"}


def test_unknown_event_kind_and_missing_date():
    state = derive_state(HAZARD, [])
    assert messages(check_event(HAZARD, state, event("作废", "2026-11-02"), TODAY)) == {"kind": "未知的处理事项“作废”"}
    assert messages(check_event(HAZARD, state, {"kind": NOTICE}, TODAY)) == {"date": "请填写日期"}


def test_major_hazard_missing_basis_or_five_items_is_incomplete_and_cannot_close():
    incomplete = {**MAJOR_COMPLETE, "major_basis": None, "funds": None}
    assert missing_major_items(incomplete) == ["判定依据", "资金"]
    assert missing_major_items(MAJOR_COMPLETE) == []
    assert missing_major_items(HAZARD) == []
    steps = [event(RECTIFIED, "2026-11-10"), event(REVIEW, "2026-11-11", result=PASS, actor="县应急局")]
    state = walk(incomplete, steps)
    problems = check_event(incomplete, state, event(CLOSE, "2026-11-12"), TODAY)
    assert messages(problems) == {None: "重大隐患须补齐判定依据、资金后方可销号，请先编辑隐患"}
    assert walk(MAJOR_COMPLETE, [*steps, event(CLOSE, "2026-11-12")]).status == CLOSED


@pytest.mark.parametrize("status, due, expected", [
    (FOUND, "2026-11-28", True),
    (RECTIFYING, "2026-11-28", True),
    (AWAITING_REVIEW, "2026-11-28", False),  # rectified: late paperwork is not a late rectification
    (REVIEWED, "2026-11-28", False),
    (RECTIFYING, "2026-11-29", False),  # due today is not yet overdue
    (RECTIFYING, None, False),
    (CLOSED, "2026-01-01", False),
])
def test_overdue_is_from_the_deadline_in_force_and_today(status, due, expected):
    assert overdue(status, due, TODAY) is expected


@pytest.mark.parametrize("status, due, expected", [
    (FOUND, "2026-11-28", True),
    (AWAITING_REVIEW, "2026-11-28", True),  # rectified but not yet 销号: still counts for 逾期未销号
    (REVIEWED, "2026-11-28", True),
    (REVIEWED, "2026-11-29", False),
    (CLOSED, "2026-01-01", False),
    (FOUND, None, False),
])
def test_overdue_unclosed_is_a_separate_measure(status, due, expected):
    assert overdue_unclosed(status, due, TODAY) is expected


def test_a_rectification_done_before_the_deadline_is_never_overdue():
    """Found 11-02, due 11-09, rectified and reviewed 合格 on 11-04: on time, however late the 销号."""
    hazard = {"found_date": "2026-11-02", "deadline": "2026-11-09", "level": "一般"}
    state = walk(hazard, [event(RECTIFIED, "2026-11-04"), event(REVIEW, "2026-11-04", result=PASS, actor="李四")])
    assert state.status == REVIEWED
    assert not state.is_overdue(TODAY)
    assert not overdue(state.status, state.due_date, "2026-12-07"), "an ISO day works as well as a date"
    assert overdue_unclosed(state.status, state.due_date, TODAY)


def test_a_failed_review_after_the_deadline_makes_the_hazard_overdue_again():
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10")])
    assert not state.is_overdue(TODAY)
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10"),
                          event(REVIEW, "2026-11-20", result=FAIL, actor="李四", note="仍有电线裸露")])
    assert state.status == RECTIFYING and state.is_overdue(TODAY)
    assert not state.is_overdue(dt.date(2026, 11, 15)), "not before the deadline in force"


def test_the_statuses_of_the_rule_cover_the_lifecycle_once():
    assert set(RECTIFICATION_IN_FORCE) | set(RECTIFICATION_OWED) == set(STATUSES)
    assert not set(RECTIFICATION_IN_FORCE) & set(RECTIFICATION_OWED)
    assert CLOSED in RECTIFICATION_IN_FORCE and FOUND in RECTIFICATION_OWED


def test_overdue_moves_with_today():
    state = derive_state(HAZARD, [])
    assert not state.is_overdue(dt.date(2026, 11, 15))
    assert state.is_overdue(dt.date(2026, 11, 16))


def test_filter_describes_itself():
    assert HazardFilter().describe() == "全部"
    f = HazardFilter(overdue=True, level="重大", text="电线", found_from="2026-01-01")
    assert f.describe() == "逾期未整改、重大、发现于 2026-01-01 至 …、含“电线”"


# --- 复查不合格 needs its opinion; 撤销销号 -------------------------------------------------------------------
def test_a_failed_review_needs_its_opinion():
    state = walk(HAZARD, [event(RECTIFIED, "2026-11-10")])
    failed = event(REVIEW, "2026-11-12", result=FAIL, actor="李四")
    assert messages(check_event(HAZARD, state, failed, TODAY)) == {
        "note": "复查不合格须写明复查意见：哪些问题仍未整改到位"}
    assert messages(check_event(HAZARD, state, {**failed, "note": "  "}, TODAY)) == {
        "note": "复查不合格须写明复查意见：哪些问题仍未整改到位"}
    assert check_event(HAZARD, state, {**failed, "note": "仍有两处电线裸露"}, TODAY) == []
    passed = event(REVIEW, "2026-11-12", result=PASS, actor="李四")
    assert check_event(HAZARD, state, passed, TODAY) == [], "a passed review may go without an opinion"


CLOSED_WALK = [event(RECTIFIED, "2026-11-10"), event(REVIEW, "2026-11-11", result=PASS, actor="李四"),
               event(CLOSE, "2026-11-12")]


def test_a_mistaken_closure_is_withdrawn_and_kept_in_the_history():
    state = walk(HAZARD, [*CLOSED_WALK, event(REOPEN, "2026-11-13", note="误点销号，整改资料未收齐")])
    assert state.status == REVIEWED, "back to the state the 销号 ended"
    assert state.closed_date is None
    assert (state.rectified_date, state.review_date) == ("2026-11-10", "2026-11-11")
    assert [e["kind"] for e in state.history] == [RECTIFIED, REVIEW, CLOSE, REOPEN]
    # Then closed again, later: the closure in force is the last one.
    state = walk(HAZARD, [*CLOSED_WALK, event(REOPEN, "2026-11-13", note="误点销号"), event(CLOSE, "2026-11-20")])
    assert (state.status, state.closed_date) == (CLOSED, "2026-11-20")


def test_withdrawing_a_closure_needs_a_closed_hazard_and_a_reason():
    closed = walk(HAZARD, CLOSED_WALK)
    assert messages(check_event(HAZARD, closed, event(REOPEN, "2026-11-13"), TODAY)) == {
        "note": "撤销销号须写明原因（如：误点销号、复查结论有误）"}
    assert messages(check_event(HAZARD, closed, event(REOPEN, "2026-11-11", note="误点"), TODAY)) == {
        "date": "日期不能早于上一步的日期 2026-11-12"}
    reviewed = walk(HAZARD, CLOSED_WALK[:2])
    assert messages(check_event(HAZARD, reviewed, event(REOPEN, "2026-11-13", note="误点"), TODAY)) == {
        None: "该隐患未销号，无需撤销销号"}


def test_a_withdrawn_closure_is_late_paperwork_not_a_late_rectification():
    """Rectified and reviewed before the deadline, closed, the closure withdrawn: never 逾期未整改, but 逾期未销号
    once past the deadline again; as of a day before the withdrawal, it stood closed."""
    events = [*CLOSED_WALK, event(REOPEN, "2026-11-20", note="误点销号")]
    state = walk(HAZARD, events)
    assert not state.is_overdue(TODAY)
    assert overdue_unclosed(state.status, state.due_date, TODAY)
    before = derive_state(HAZARD, [e for e in events if e["date"] <= "2026-11-15"])
    assert before.status == CLOSED and not overdue_unclosed(before.status, before.due_date, "2026-11-15")


def test_a_withdrawal_delivered_before_its_closure_changes_nothing():
    """Deriving is tolerant: a 撤销销号 that sorts before any 销号 (sync may deliver odd orders) is ignored."""
    events = [{**event(REOPEN, "2026-11-09", note="x"), "created_at": "0"},
              {**event(RECTIFIED, "2026-11-10"), "created_at": "1"}]
    assert derive_state(HAZARD, events).status == AWAITING_REVIEW


def test_after_closure_only_the_lifecycle_fields_are_locked():
    before = {**HAZARD, "location": "配电房", "resp_person": "王五"}
    assert edit_after_closure_problems(before, {**before, "location": "二号配电房", "resp_person": "赵六"}) == []
    problems = edit_after_closure_problems(before, {**before, "deadline": "2026-11-30", "level": "重大"})
    assert messages(problems) == {
        "deadline": "隐患已销号，整改期限不能再改；如确需更改，请先“撤销销号”",
        "level": "隐患已销号，隐患等级不能再改；如确需更改，请先“撤销销号”"}
    major = {**MAJOR_COMPLETE}
    assert messages(edit_after_closure_problems(major, {**major, "funds": None})) == {
        "funds": "隐患已销号，重大隐患的资金不能清空"}
