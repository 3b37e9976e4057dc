"""隐患: the hazard ledger record, its lifecycle and its rules.

A hazard's status is never typed: it is derived from its events (整改通知, 整改完成, 复查, 延期, 销号, 撤销销号)
and today's date. 发现 is the record itself. Deriving is tolerant (sync may deliver events in any order and a
past month is recomputed from event dates); *recording* an event is strict (check_event).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .dates import DEADLINE_YEARS, from_iso, out_of_range
from .errors import PjdeskError
from .records import (
    CHOICE,
    DATE,
    ERROR,
    INCOMPLETE,
    LONGTEXT,
    MONEY,
    REF,
    TAGS,
    Field,
    Problem,
    RecordKind,
)

# Statuses, in lifecycle order.
FOUND, RECTIFYING, AWAITING_REVIEW, REVIEWED, CLOSED = "发现", "整改中", "已整改待复查", "复查合格", "销号"
STATUSES = (FOUND, RECTIFYING, AWAITING_REVIEW, REVIEWED, CLOSED)
OPEN_STATUSES = STATUSES[:-1]

# Event kinds. 撤销销号 withdraws a mistaken 销号: the hazard goes back to the status the 销号 ended, and both
# stay in the history. It is an event like the others, so it travels in the exchange files as they do.
NOTICE, RECTIFIED, REVIEW, EXTEND, CLOSE, REOPEN = "整改通知", "整改完成", "复查", "延期", "销号", "撤销销号"
EVENT_KINDS = (NOTICE, RECTIFIED, REVIEW, EXTEND, CLOSE, REOPEN)
PASS, FAIL = "合格", "不合格"

MAJOR, GENERAL = "重大", "一般"
# The five must-haves of a major hazard (五落实: 责任、措施、资金、时限、预案) and the fields that hold them.
FIVE_ITEMS = (("resp_person", "责任"), ("measures", "措施"), ("funds", "资金"), ("deadline", "时限"), ("emergency_plan", "预案"))

_M = ("level", MAJOR)
HAZARD_FIELDS = (
    Field("unit_id", "单位", REF, ref="unit", required=True, in_list=True),
    Field("description", "隐患描述", LONGTEXT, required=True, in_list=True, max_length=1000,
          import_names=("隐患描述", "隐患内容", "存在问题", "隐患问题", "隐患情况", "问题描述", "主要问题", "隐患名称")),
    Field("location", "隐患部位", in_list=True, max_length=200,
          import_names=("隐患部位", "部位", "地点", "隐患地点", "隐患位置", "具体部位")),
    Field("level", "隐患等级", CHOICE, "hazard_level", required=True, in_list=True,
          import_names=("隐患等级", "隐患级别", "等级", "级别")),
    Field("category", "隐患类别", CHOICE, "hazard_category",
          import_names=("隐患类别", "隐患类型", "类别", "类型")),
    Field("sector", "行业领域", CHOICE, "sector", in_list=True, help="留空则取单位的行业领域",
          import_names=("行业", "行业领域", "所属行业", "行业类别")),
    Field("source", "隐患来源", CHOICE, "hazard_source", required=True, in_list=True,
          import_names=("隐患来源", "来源", "发现途径")),
    Field("found_date", "发现日期", DATE, required=True, in_list=True,
          import_names=("发现日期", "排查日期", "检查日期", "发现时间", "排查时间", "检查时间")),
    Field("found_by", "发现人", max_length=50, import_names=("发现人", "检查人", "排查人", "检查人员")),
    Field("inspection_id", "检查记录", REF, ref="inspection", help="发现该隐患的那次检查"),
    Field("tags", "专项行动", TAGS, "hazard_tag", import_names=("专项行动", "专项", "标签")),
    Field("resp_unit", "整改责任单位", group="整改", max_length=100, import_names=("整改责任单位", "责任单位")),
    Field("resp_person", "整改责任人", group="整改", in_list=True, max_length=50,
          import_names=("整改责任人", "责任人", "整改负责人")),
    Field("measures", "整改措施", LONGTEXT, group="整改", import_names=("整改措施", "治理措施", "整改要求")),
    Field("funds", "整改资金（元）", MONEY, group="整改",
          import_names=("整改资金", "资金（元）", "资金(元)", "整改资金（元）", "整改资金(元)", "治理资金", "资金")),
    Field("deadline", "整改期限", DATE, group="整改", years_ahead=DEADLINE_YEARS,
          import_names=("整改期限", "整改时限", "限改日期", "整改期限（日期）", "限期整改日期")),
    Field("interim_controls", "临时管控措施", LONGTEXT, group="整改", import_names=("临时管控措施", "临时措施", "管控措施")),
    Field("emergency_plan", "应急预案", LONGTEXT, group="重大隐患", only_when=_M, help="五落实之“预案”"),
    Field("major_basis", "判定依据", LONGTEXT, group="重大隐患", only_when=_M, help="判定标准名称及条款",
          import_names=("判定依据", "重大隐患判定依据")),
    Field("governance_plan", "治理方案", LONGTEXT, group="重大隐患", only_when=_M,
          help="目标任务、方法措施、经费物资、机构人员、时限要求、安全措施和应急预案"),
    Field("supervision_level", "挂牌督办级别", CHOICE, "supervision_level", group="重大隐患", only_when=_M),
    Field("supervision_body", "督办机关", group="重大隐患", only_when=_M, max_length=100),
    Field("supervision_date", "挂牌日期", DATE, group="重大隐患", only_when=_M),
    Field("supervision_doc_no", "督办文号", group="重大隐患", only_when=_M, max_length=100),
    Field("assignment_no", "交办单号", group="重大隐患", only_when=_M, max_length=100, import_names=("交办单号",)),
    Field("ledger_date", "台账登记日", DATE, group="重大隐患", only_when=_M),
    Field("notice_record", "通报记录", LONGTEXT, group="重大隐患", only_when=_M),
    Field("note", "备注", LONGTEXT, group="整改", import_names=("备注", "说明")),
)

# Written by the write path: the hazard number and the state derived from the events.
HAZARD_DERIVED = ("status", "due_date", "rectified_date", "review_date", "closed_date", "incomplete")


def missing_major_items(values: Mapping) -> list[str]:
    """What a 重大 hazard still lacks (判定依据 and 五落实), as Chinese labels; empty when complete."""
    if values.get("level") != MAJOR:
        return []
    missing = [] if values.get("major_basis") else ["判定依据"]
    missing += [label for name, label in FIVE_ITEMS if values.get(name) in (None, "")]
    return missing


def hazard_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    found = _date(values.get("found_date"))
    deadline = _date(values.get("deadline"))
    # 发现日期 not after today, and every date from 2000 on: the field check (records.validate) says so.
    if found and deadline and deadline < found:
        problems.append(Problem("deadline", "整改期限不能早于发现日期"))
    for name, label in (("supervision_date", "挂牌日期"), ("ledger_date", "台账登记日")):
        day = _date(values.get(name))
        if found and day and day < found:
            problems.append(Problem(name, f"{label}不能早于发现日期"))
    missing = missing_major_items(values)
    if missing:
        problems.append(Problem(None, "重大隐患待补充：" + "、".join(missing), INCOMPLETE))
    return problems


def _date(value) -> dt.date | None:
    try:
        return from_iso(value) if isinstance(value, str) else value
    except ValueError:
        return None  # reported by the field check


# 隐患编号: 乡镇代码-年份-字母+序号, e.g. 430626101-2026-B0001. Each device of a township numbers in a series of its
# own, named by a letter (本机编号字母): unique in the county without a network, short enough to write by hand.
# No I or O (read as 1 and 0 when written by hand), no J: the county's 交办 series (430626101-2026-J0001).
# Numbers given before the letters existed (430626101-2026-0001) keep their form: a number never changes.
ASSIGNED_SERIES = "J"
NUMBER_LETTERS = "ABCDEFGHKLMNPQRSTUVWXYZ"
# What a search term must look like to be a piece of a number: digits and hyphens, and at most one letter,
# followed by digits only. Anything else (消防, adz) need not be looked for among the numbers.
_NUMBER_PIECE = re.compile(r"[0-9-]*[A-Z]?[0-9]*")


def valid_number_letter(letter: str | None) -> str:
    """A device's letter as typed (b, " B ") as it is kept (B); refused with what to do instead."""
    letter = (letter or "").strip().upper()
    if len(letter) != 1 or not "A" <= letter <= "Z":
        raise PjdeskError("编号字母应为一个字母（A–Z），如站内电脑用 A，第一台笔记本用 B")
    if letter == ASSIGNED_SERIES:
        raise PjdeskError(f"{ASSIGNED_SERIES} 留给县级交办的隐患编号，请另选一个字母")
    if letter not in NUMBER_LETTERS:
        raise PjdeskError("编号字母不用 I 和 O（手写时易与 1 和 0 混淆），请另选一个字母")
    return letter


def hazard_number(township: str, year: str, letter: str, serial: int) -> str:
    return f"{township}-{year}-{letter}{serial:04d}"


def could_be_in_number(term: str) -> bool:
    return bool(term) and _NUMBER_PIECE.fullmatch(term.upper()) is not None


def _hazard_derive(values: Mapping) -> dict:
    """待补充: a 重大 hazard that still lacks its 判定依据 or one of the 五落实."""
    return {"incomplete": 1 if missing_major_items(values) else 0}


def _hazard_state(hazard: Mapping, children: Mapping[str, list[Mapping]]) -> dict:
    """The columns derive_state keeps on the hazard row, from its events."""
    state = derive_state(hazard, children.get("hazard_event", ()))
    return {"status": state.status, "due_date": state.due_date, "rectified_date": state.rectified_date,
            "review_date": state.review_date, "closed_date": state.closed_date}


HAZARD = RecordKind("hazard", "隐患", "hazard", HAZARD_FIELDS, hazard_rules, derived=HAZARD_DERIVED,
                    assigned=("hazard_no",), title_field="description", derive=_hazard_derive,
                    numbering="hazard_no", state=_hazard_state, state_reads=("found_date", "deadline"),
                    command="hazards")

EVENT_FIELDS = (
    Field("hazard_id", "隐患", REF, ref="hazard", required=True),
    Field("kind", "事项", CHOICE, required=True),
    Field("date", "日期", DATE, required=True),
    Field("result", "复查结论"),
    Field("actor", "经办人", max_length=50),
    Field("new_deadline", "新整改期限", DATE, years_ahead=DEADLINE_YEARS),
    Field("note", "说明", LONGTEXT),
)
HAZARD_EVENT = RecordKind("hazard_event", "隐患处理记录", "hazard_event", EVENT_FIELDS, title_field="kind",
                          parent=("hazard_id", "hazard"))


@dataclass
class HazardState:
    status: str = FOUND
    due_date: str | None = None
    rectified_date: str | None = None
    review_date: str | None = None
    closed_date: str | None = None
    last_date: str | None = None  # the latest event date: a new event may not precede it
    history: list[Mapping] = field(default_factory=list)
    before_close: str | None = None  # the status a 销号 in force ended, to which a 撤销销号 returns

    def is_overdue(self, today: dt.date | str) -> bool:
        return overdue(self.status, self.due_date, today)


# 逾期 is about the rectification, not the paperwork after it. A 整改完成 is "in force" in these statuses: it
# was recorded and no 复查不合格 has undone it (a failed review puts the hazard back to 整改中, see
# derive_state; 销号 follows a passed review). In the others the rectification is still owed. Storage builds
# its SQL conditions from these two tuples, so the ledger's filter and counts cannot drift from overdue().
RECTIFICATION_IN_FORCE = (AWAITING_REVIEW, REVIEWED, CLOSED)
RECTIFICATION_OWED = tuple(s for s in STATUSES if s not in RECTIFICATION_IN_FORCE)


def past_deadline(due_date: str | None, day: dt.date | str) -> bool:
    """The deadline in force lies before ``day``: a hazard due today is not late until tomorrow."""
    return bool(due_date) and due_date < (day if isinstance(day, str) else day.isoformat())


def overdue(status: str, due_date: str | None, today: dt.date | str) -> bool:
    """逾期未整改: no 整改完成 is in force and ``today`` is after the deadline in force (延期 moves it).

    ``status`` and ``due_date`` are the state derived from the events dated by ``today`` (derive_state); a
    past month-end is asked with the state as of that day (pjdesk.storage.period_facts) and that day.
    """
    return status in RECTIFICATION_OWED and past_deadline(due_date, today)


def overdue_unclosed(status: str, due_date: str | None, day: dt.date | str) -> bool:
    """逾期未销号 (表2 and 一单四制, for 重大 hazards): the deadline in force has passed and the hazard is not
    销号, whether or not it has been rectified. A measure of its own, never called 逾期 alone."""
    return status != CLOSED and past_deadline(due_date, day)


def rectified_on_time(rectified_date: str | None, due_date: str | None) -> bool:
    """A 整改完成 is in force and was done by the deadline in force (or there was none): the hazard was never
    逾期未整改 before it was rectified."""
    return bool(rectified_date) and (not due_date or rectified_date <= due_date)


def closed_on_time(closed_date: str | None, due_date: str | None) -> bool:
    """销号 by the deadline in force (or there was none): never 逾期未销号."""
    return bool(closed_date) and (not due_date or closed_date <= due_date)


def event_order(event: Mapping) -> tuple:
    return (event["date"], event.get("created_at") or "", event.get("id") or "")


def derive_state(hazard: Mapping, events: Sequence[Mapping]) -> HazardState:
    """The hazard's state from its live events, in date order (ties by when they were recorded)."""
    state = HazardState(due_date=hazard.get("deadline"), last_date=hazard.get("found_date"))
    for e in sorted((e for e in events if not e.get("deleted")), key=event_order):
        kind = e["kind"]
        if kind == NOTICE:
            if state.status == FOUND:
                state.status = RECTIFYING
        elif kind == RECTIFIED:
            state.status, state.rectified_date = AWAITING_REVIEW, e["date"]
        elif kind == REVIEW:
            if e.get("result") == PASS:
                state.status, state.review_date = REVIEWED, e["date"]
            else:  # 复查不合格: back to 整改中, the earlier completion no longer counts
                state.status, state.rectified_date, state.review_date = RECTIFYING, None, None
        elif kind == EXTEND:
            state.due_date = e.get("new_deadline") or state.due_date
        elif kind == CLOSE:
            if state.status != CLOSED:
                state.before_close = state.status
            state.status, state.closed_date = CLOSED, e["date"]
        elif kind == REOPEN and state.status == CLOSED:
            # Only a 销号 in force is withdrawn; one delivered before any 销号 (sync, odd orders) changes nothing.
            state.status, state.closed_date, state.before_close = state.before_close or REVIEWED, None, None
        if state.last_date is None or e["date"] > state.last_date:
            state.last_date = e["date"]
        state.history.append(e)
    return state


def check_event(hazard: Mapping, state: HazardState, event: Mapping, today: dt.date) -> list[Problem]:
    """Whether an event may be recorded now on a hazard in ``state``. Messages say what to do instead."""
    kind, day = event.get("kind"), _date(event.get("date"))
    if kind not in EVENT_KINDS:
        return [Problem("kind", f"未知的处理事项“{kind}”")]
    if day is None:
        return [Problem("date", "请填写日期")]
    problems = []
    if day > today:
        problems.append(Problem("date", "日期不能晚于今天"))
    if state.last_date and day.isoformat() < state.last_date:
        problems.append(Problem("date", f"日期不能早于上一步的日期 {state.last_date}"))
    status = state.status
    if kind == REOPEN:
        if status != CLOSED:
            problems.append(Problem(None, "该隐患未销号，无需撤销销号"))
        if not (event.get("note") or "").strip():
            problems.append(Problem("note", "撤销销号须写明原因（如：误点销号、复查结论有误）"))
        return problems
    if status == CLOSED:
        return problems + [Problem(None, "该隐患已销号，不能再办理；如销号有误，请先“撤销销号”")]
    if kind == NOTICE and status != FOUND:
        problems.append(Problem(None, f"该隐患已是“{status}”，无需再下达整改通知"))
    elif kind == RECTIFIED and status not in (FOUND, RECTIFYING):
        problems.append(Problem(None, f"该隐患已是“{status}”，不能再登记整改完成"))
    elif kind == REVIEW:
        if status != AWAITING_REVIEW:
            problems.append(Problem(None, "隐患须先登记整改完成，才能复查"))
        if event.get("result") not in (PASS, FAIL):
            problems.append(Problem("result", "请选择复查结论：合格或不合格"))
        if not event.get("actor"):
            problems.append(Problem("actor", "请填写复查人"))
        if event.get("result") == FAIL and not (event.get("note") or "").strip():
            # What is still wrong is what the unit must do next; a bare 不合格 tells it nothing.
            problems.append(Problem("note", "复查不合格须写明复查意见：哪些问题仍未整改到位"))
    elif kind == EXTEND:
        if not event.get("note"):
            problems.append(Problem("note", "延期须写明原因"))
        new = _date(event.get("new_deadline"))
        if new is None:
            problems.append(Problem("new_deadline", "请填写新的整改期限"))
        elif state.due_date and new.isoformat() <= state.due_date:
            problems.append(Problem("new_deadline", f"新的整改期限应晚于原期限 {state.due_date}"))
        elif new < day:
            problems.append(Problem("new_deadline", "新的整改期限不能早于办理日期"))
        elif reason := out_of_range(new, today, "新的整改期限", years_ahead=DEADLINE_YEARS):
            problems.append(Problem("new_deadline", reason))
    elif kind == CLOSE:
        if status != REVIEWED:
            problems.append(Problem(None, "隐患未经复查合格，不能销号；请先登记整改完成并复查合格"))
        missing = missing_major_items(hazard)
        if missing:
            problems.append(Problem(None, "重大隐患须补齐" + "、".join(missing) + "后方可销号，请先编辑隐患"))
    return [p for p in problems if p.level == ERROR] + [p for p in problems if p.level != ERROR]


# What a 销号 was judged on, and so stays as it was while the 销号 is in force: the discovery date and the
# deadline (the order of the steps and the deadline in force), and the level (a 重大 hazard closes only with
# its 判定依据 and 五落实). Everything else in the record may be corrected after closure; the edit is logged.
LOCKED_AFTER_CLOSURE = ("found_date", "deadline", "level")


def edit_after_closure_problems(before: Mapping, after: Mapping) -> list[Problem]:
    """What refuses an edit of a 销号 hazard from ``before`` to ``after``: a changed lifecycle field, or a 重大
    hazard's 判定依据 or 五落实 item emptied. Empty when the edit is a correction the closure stands with."""
    problems = []
    for name in LOCKED_AFTER_CLOSURE:
        if (before.get(name) or None) != (after.get(name) or None):
            label = HAZARD.field(name).label
            problems.append(Problem(name, f"隐患已销号，{label}不能再改；如确需更改，请先“撤销销号”"))
    if before.get("level") != MAJOR or after.get("level") != MAJOR:
        return problems  # a changed level is refused above; a 一般 hazard has no items to keep
    newly_missing = [label for label in missing_major_items(after) if label not in missing_major_items(before)]
    fields = {"判定依据": "major_basis", **{label: name for name, label in FIVE_ITEMS}}
    for label in newly_missing:
        problems.append(Problem(fields[label], f"隐患已销号，重大隐患的{label}不能清空"))
    return problems


@dataclass(frozen=True)
class HazardFilter:
    """What the ledger shows. Plain data: the UI and CLI build it, storage turns it into SQL."""

    statuses: tuple[str, ...] = ()
    open_only: bool = False
    closed_only: bool = False
    level: str | None = None
    sector: str | None = None
    unit_id: str | None = None
    source: str | None = None
    tag: str | None = None
    overdue: bool = False  # 逾期未整改 (overdue())
    due_within_days: int | None = None  # rectification owed, its deadline from today to today + N
    found_from: str | None = None
    found_to: str | None = None
    closed_from: str | None = None
    closed_to: str | None = None
    incomplete: bool = False
    text: str = ""
    township: str | None = None

    def describe(self) -> str:
        """The filter in words, for a title or an export sheet."""
        parts = []
        if self.overdue:
            parts.append("逾期未整改")
        if self.due_within_days is not None:
            parts.append(f"{self.due_within_days} 天内到期")
        if self.open_only:
            parts.append("未销号")
        if self.closed_only:
            parts.append("已销号")
        parts += list(self.statuses)
        for value in (self.level, self.sector, self.source, self.tag):
            if value:
                parts.append(value)
        if self.incomplete:
            parts.append("待补充")
        if self.found_from or self.found_to:
            parts.append(f"发现于 {self.found_from or '…'} 至 {self.found_to or '…'}")
        if self.closed_from or self.closed_to:
            parts.append(f"销号于 {self.closed_from or '…'} 至 {self.closed_to or '…'}")
        if self.text:
            parts.append(f"含“{self.text}”")
        return "、".join(parts) or "全部"
