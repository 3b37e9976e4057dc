"""The figures of the returns, computed from the records as they stood at the end of the month.

Pure functions over the facts of pjdesk.storage.period_facts and pjdesk.storage.inspection_facts, so that
the definitions can be read in one place and tested against hand counts. Dates are ISO strings and compare
as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pjdesk.core.hazard import GENERAL, MAJOR, closed_on_time, overdue, overdue_unclosed
from pjdesk.core.periods import Month
from pjdesk.forms.returns import TABLE4_DOCUMENT_COLUMNS, TABLE4_OTHER_DOCUMENTS

TABLE2_COUNTS = (
    "general_new", "general_fixed", "general_found_ytd", "general_fixed_ytd", "general_open",
    "major_new", "major_found_ytd", "major_closed", "major_closed_on_time", "major_due", "major_overdue",
    "major_supervised", "funds",
)


def table2_counts(facts: Iterable[dict], month: Month) -> dict:
    """表2's counts for one group of hazards (a 行业领域, a township, or all).

    E is the month's last day, Y its year. Every figure is as of E: a hazard's state is the one derived
    from its events dated on or before E.
    """
    m_start, end, y_start = month.start.isoformat(), month.end.isoformat(), month.year_start.isoformat()
    c = dict.fromkeys(TABLE2_COUNTS, 0)
    for h in facts:
        found, rectified, closed, due = h["found_date"], h["rectified_date"], h["closed_date"], h["due_date"]
        in_month = m_start <= found <= end
        this_year = found >= y_start
        fixed_in_month = rectified is not None and m_start <= rectified <= end
        if fixed_in_month:
            c["funds"] += h["funds"] or 0
        if h["level"] == GENERAL:
            c["general_new"] += in_month
            c["general_fixed"] += fixed_in_month
            c["general_found_ytd"] += this_year
            c["general_fixed_ytd"] += this_year and rectified is not None
            c["general_open"] += rectified is None
        elif h["level"] == MAJOR:
            c["major_new"] += in_month
            c["major_found_ytd"] += this_year
            c["major_closed"] += this_year and closed is not None
            if due and y_start <= due <= end:
                c["major_due"] += 1
                c["major_closed_on_time"] += closed_on_time(closed, due)
            c["major_overdue"] += overdue_unclosed(h["status"], due, end)  # 逾期未销号, as of E
            c["major_supervised"] += closed is None and bool(h.get("supervision_level"))
    return c


def rate(numerator: int, denominator: int) -> float | None:
    """A share as a fraction; None (printed “—”) when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def table2_rows(facts: list[dict], month: Month, *, group_by: str = "sector",
                order: list[str] | None = None) -> tuple[list[dict], dict]:
    """表2's rows, one per group that has a hazard found this year or a non-zero figure, and 合计.

    ``order`` fixes the row order (the sector vocabulary, the township roster); groups outside it follow.
    """
    y_start = month.year_start.isoformat()
    groups: dict[str, list[dict]] = {}
    for h in facts:
        groups.setdefault(h.get(group_by) or "未分类", []).append(h)
    keys = [k for k in (order or []) if k in groups] + sorted(k for k in groups if k not in (order or []))
    rows = []
    for key in keys:
        counts = table2_counts(groups[key], month)
        if any(h["found_date"] >= y_start for h in groups[key]) or any(counts.values()):
            rows.append({"label": key, **_with_rates(counts)})
    total = _with_rates(table2_counts(facts, month))
    total["label"] = "合计"
    return rows, total


def _with_rates(counts: dict) -> dict:
    return {**counts,
            "general_fix_rate": rate(counts["general_fixed_ytd"], counts["general_found_ytd"]),
            "major_on_time_rate": rate(counts["major_closed_on_time"], counts["major_due"])}


def printed_number(h: dict, clashes: Mapping[str, str] | None) -> str:
    """The number as printed: a number two devices both gave (``clashes``: hazard id → the device that gave it,
    see pjdesk.storage.numbering) is marked with the device, so that no two rows print the same number."""
    device = (clashes or {}).get(h["id"])
    return h["hazard_no"] if device is None else f"{h['hazard_no']}（重号：{device}）"


def table3_rows(facts: Iterable[dict], month: Month, clashes: Mapping[str, str] | None = None) -> list[dict]:
    """表3: every 重大 hazard open at the month's end or closed in the month, oldest first.

    进度 is the status as of E, marked （逾期未整改） when the rectification is late, else （逾期未销号） when
    it was rectified but is past its deadline without 销号: the two measures of pjdesk.core.hazard.
    """
    m_start, end = month.start.isoformat(), month.end.isoformat()
    rows = []
    for h in facts:
        if h["level"] != MAJOR:
            continue
        closed = h["closed_date"]
        if closed is not None and not (m_start <= closed <= end):
            continue
        progress = h["status"]
        if overdue(h["status"], h["due_date"], end):
            progress += "（逾期未整改）"
        elif overdue_unclosed(h["status"], h["due_date"], end):
            progress += "（逾期未销号）"
        rows.append({
            "hazard_no": printed_number(h, clashes),
            "unit": (h["unit_name"] or "") + (f"（{h['unit_uscc']}）" if h.get("unit_uscc") else ""),
            "description": h["description"], "major_basis": h["major_basis"],
            "assignment_no": h["assignment_no"],
            "responsible": "／".join(x for x in (h["resp_unit"], h["resp_person"]) if x),
            "measures": h["measures"], "funds": h["funds"], "deadline": h["due_date"],
            "interim_controls": h["interim_controls"], "progress": progress,
            "review_date": h["review_date"], "closed_date": closed, "notice": h["notice_record"],
        })
    return rows


def ledger_rows(facts: Iterable[dict], month: Month, clashes: Mapping[str, str] | None = None) -> list[dict]:
    """The printable ledger of a month: every hazard open at any time in the month (found by its end and not
    销号 before its start: those found earlier and still open too) and those 销号 in it, each as it stood at
    the month's end, oldest first. ``facts`` are month_facts (as of the month's end): a 销号 withdrawn since
    has no ``closed_date`` there, so the hazard was open again in the month and is listed."""
    m_start, end = month.start.isoformat(), month.end.isoformat()
    return [{**h, "deadline": h["due_date"], "hazard_no": printed_number(h, clashes)}
            for h in facts if h["found_date"] <= end and (not h["closed_date"] or h["closed_date"] >= m_start)]


# --- 表4 监管执法统计表 ------------------------------------------------------------------------------------------
TABLE4_COUNTS = (
    "inspections", "units", "high_risk_units", "hazards_general", "hazards_major", "hazards_rectified",
    *(key for _, key in TABLE4_DOCUMENT_COLUMNS), TABLE4_OTHER_DOCUMENTS, "stop_orders", "fines",
)
TABLE4_FACTS = ("inspections", "hazards", "documents")
UNLINKED = "未关联检查记录"  # the row of documents issued on no (live) inspection


def table4_counts(inspections: Iterable[dict], hazards: Iterable[dict], documents: Iterable[dict]) -> dict:
    """表4's figures for one group (a 检查方式, a township, or all) of the month's facts.

    ``inspections``: dated in the month; ``hazards``: those that name one of them, with their state as of
    the month's end; ``documents``: dated in the month. 已整改 is a 整改完成 in force at the month's end
    (``rectified_date``, as 表2 counts 整改). 罚款 is None (printed blank) when no inspection recorded one.
    """
    inspections = list(inspections)
    c = dict.fromkeys(TABLE4_COUNTS, 0)
    c["inspections"] = len(inspections)
    c["units"] = len({i["unit_id"] for i in inspections})
    c["high_risk_units"] = len({i["unit_id"] for i in inspections if i["unit_high_risk"]})
    c["stop_orders"] = sum(1 for i in inspections if i["stop_order"])
    fines = [i["fine"] for i in inspections if i["fine"] is not None]
    c["fines"] = sum(fines) if fines else None
    for h in hazards:
        c["hazards_general"] += h["level"] == GENERAL
        c["hazards_major"] += h["level"] == MAJOR
        c["hazards_rectified"] += h["rectified_date"] is not None
    columns = dict(TABLE4_DOCUMENT_COLUMNS)
    for d in documents:
        c[columns.get(d["doc_type"], TABLE4_OTHER_DOCUMENTS)] += 1
    return c


def table4_rows(facts: Mapping[str, list[dict]], *, group_by: str = "mode",
                order: list[str]) -> tuple[list[dict], dict]:
    """表4's rows: one for every key of ``order`` (the 检查方式 vocabulary, the township roster), zeros
    included, then any other group that has a fact (a document on no inspection: 未关联检查记录); and 合计,
    counted over all the facts (a unit checked in two ways is one unit in 合计)."""
    groups: dict[str, dict[str, list[dict]]] = {}
    for name in TABLE4_FACTS:
        for fact in facts[name]:
            key = fact.get(group_by) or UNLINKED
            groups.setdefault(key, {n: [] for n in TABLE4_FACTS})[name].append(fact)
    keys = [*order, *sorted(k for k in groups if k not in order and k != UNLINKED),
            *([UNLINKED] if UNLINKED in groups else [])]
    empty = {n: [] for n in TABLE4_FACTS}
    rows = [{"label": key, **table4_counts(*(groups.get(key, empty)[n] for n in TABLE4_FACTS))} for key in keys]
    total = {"label": "合计", **table4_counts(*(facts[n] for n in TABLE4_FACTS))}
    return rows, total
