"""目标进展: the figures of the work plan's targets that no record computes (km of firebreak built, gas pipes
renewed, the 重大火灾隐患 closed on time …), as reported by the department that leads each (DOMAIN.md §c).

An entry names the target (one of the rows resources/config/targets.json marks ``"source": "entered"``), the
period it reports (a month ``YYYY-MM`` or a quarter ``YYYY-Qn``), and either the figure itself (完成值) or the
two counts of a rate (分子, 分母), with what it rests on (说明, attachments). The county enters every such row;
a township enters the rows whose ``level`` is township (its own firebreaks, its own staff trained), and the
county's entries travel down to the townships with its rows.

The figures are decimals (122.8 km): the engine has no decimal type, so they are text checked to be numbers
and read as numbers by the targets (``number``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .records import CHOICE, ERROR, LONGTEXT, Field, Problem, RecordKind
from .resources import load_config

PERIOD = re.compile(r"(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))")


def target_of(choice: str | None) -> str | None:
    """The target's id from the choice shown (``T36 新建生物防火隔离带`` → ``T36``)."""
    return choice.split(" ", 1)[0] if choice else None


def number(text) -> float | None:
    """A figure as typed (``122.8``, ``1,200``, ``95%``) as a number; None when it is not one."""
    if text is None or text == "":
        return None
    try:
        return float(str(text).replace(",", "").replace("，", "").rstrip("%％").strip())
    except ValueError:
        return None


def period_months(period: str) -> tuple[int, int, int] | None:
    """(year, first month, last month) of ``YYYY-MM`` or ``YYYY-Qn``; None when it is neither."""
    m = PERIOD.fullmatch((period or "").strip())
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2):
        return year, int(m.group(2)), int(m.group(2))
    quarter = int(m.group(3))
    return year, quarter * 3 - 2, quarter * 3


FIELDS = (
    Field("target_id", "目标", CHOICE, "progress_target", required=True, in_list=True,
          import_names=("目标", "指标", "目标任务", "指标名称")),
    Field("period", "期间", required=True, in_list=True, max_length=7,
          help="填报的月份或季度：2026-11，或 2026-Q4（第四季度）", import_names=("期间", "报告期", "月份", "季度")),
    Field("value", "完成值", in_list=True, max_length=20,
          help="本年至该期末的完成情况，如 122.8（公里）、3（座）；率可只填分子和分母", import_names=("完成值", "完成量", "完成情况")),
    Field("numerator", "分子", in_list=True, max_length=20, help="率的分子，如“已清查合同 45”",
          import_names=("分子",)),
    Field("denominator", "分母", in_list=True, max_length=20, help="率的分母，如“合同总数 50”",
          import_names=("分母",)),
    Field("note", "说明", LONGTEXT, max_length=1000, help="数据来源和依据（可附文件）", import_names=("说明", "备注")),
    Field("reporter", "填报单位", in_list=True, max_length=50, help="报送数据的部门或填报人，如“县住建局”",
          import_names=("填报单位", "填报人", "报送单位")),
)


def progress_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    period = values.get("period")
    months = period_months(period) if period else None
    if period and months is None:
        problems.append(Problem("period", "期间应写成月份 YYYY-MM（如 2026-11）或季度 YYYY-Qn（如 2026-Q4）", ERROR))
    elif months and (months[0], months[1]) > (today.year, today.month):
        problems.append(Problem("period", f"期间 {period} 还没到，请填写已过去或正在进行的月份、季度", ERROR))
    for name, label in (("value", "完成值"), ("numerator", "分子"), ("denominator", "分母")):
        if values.get(name) not in (None, "") and number(values[name]) is None:
            problems.append(Problem(name, f"{label}应为数字", ERROR))
    given = {name: number(values.get(name)) for name in ("value", "numerator", "denominator")}
    if given["value"] is None and given["numerator"] is None:
        problems.append(Problem("value", "请填写完成值，或率的分子和分母", ERROR))
    if (given["numerator"] is None) != (given["denominator"] is None) and given["value"] is None:
        problems.append(Problem("denominator", "率请同时填写分子和分母", ERROR))
    if given["denominator"] is not None and given["denominator"] <= 0 and given["numerator"] is not None:
        problems.append(Problem("denominator", "分母应大于 0", ERROR))
    return problems


def townships_enter(target_id: str | None) -> bool:
    """Whether a township enters its own figure of the row: a township-level row, or a county row the
    townships' parts add up to (``entered_by`` townships: firebreaks, water), as resources/config/targets.json
    says. An unknown id: no (the choice is checked on its own)."""
    row = next((t for t in load_config("targets")["targets"] if t["id"] == target_id), None)
    return row is not None and (row.get("level", "township") != "county" or row.get("entered_by") == "townships")


def station_rules(values: Mapping, county: bool) -> list[Problem]:
    """A township enters only the rows that are its own (its staff trained, the firebreaks it built): a county
    figure (a department's statistics, the ranking) is the county's to enter."""
    target = target_of(values.get("target_id"))
    if not county and target and not townships_enter(target):
        return [Problem("target_id", f"{target} 是县级指标，由县级录入，乡镇无需填报", ERROR)]
    return []


def _prepared(values: dict) -> dict:
    if values.get("period"):
        values["period"] = values["period"].strip().upper().replace("q", "Q")
        m = re.fullmatch(r"(\d{4})-(\d)", values["period"])  # 2026-9 → 2026-09
        if m:
            values["period"] = f"{m.group(1)}-0{m.group(2)}"
    return values


PROGRESS = RecordKind(
    "progress", "目标进展", "progress", FIELDS, progress_rules, title_field="target_id", command="progress",
    page="目标进展", prepare=_prepared, county_writes=True, station_rules=station_rules)
