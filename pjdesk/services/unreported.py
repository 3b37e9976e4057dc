"""The townships whose monthly file the county lacks, and what the county's pages make of them.

On the county a township's figures for a month are what its files brought. Without the file it made after
the month, they are last month's ledger as it stood then: counted as if reported, a township that sent
nothing looked perfect (ranked first at 100.0 with no hazard due). So the 汇总 marks it 未报送 and leaves it
out of 合计, and the ranking places it as the county's weights say (``RankingConfig.unreported``).
"""

from __future__ import annotations

from dataclasses import replace

from pjdesk.core.periods import Month
from pjdesk.core.townships import townships
from pjdesk.forms import FilledForm

from .reporting import DUE, MISSING, report_grid
from .session import Session

NOT_COUNTED = "未报送的乡镇（街道）不列数字，也不计入合计：{names}。"


def unreported_townships(session: Session, month: Month) -> dict[str, str]:
    """Township code → 未报送 (its deadline has passed) or 待报送 (not yet), for every township of the roster
    whose report of ``month`` the county has not received. A month the county's desk was not yet tracking
    (see services.reporting) has none."""
    grid = report_grid(session, month.year)
    return {row.code: row.cells[month.key].status for row in grid.rows
            if row.cells[month.key].status in (MISSING, DUE)}


def county_table2(session: Session, month: Month, facts: list[dict] | None = None) -> FilledForm:
    """汇总: the county's 表2 from the townships that reported the month; a row per township that did not,
    in the roster's place, saying 未报送 (or 待报送) with no figures, and a note naming them. ``facts``: the
    month's hazard facts if already read."""
    from . import returns as return_service

    missing = unreported_townships(session, month)
    facts = return_service.month_facts(session, month) if facts is None else facts
    facts = [h for h in facts if h.get("township") not in missing]
    filled = return_service.fill_form(session, "表2", month, facts)
    if not missing:
        return filled
    by_name = {row["label"]: row for row in filled.rows}
    rows = []
    for t in townships():
        if t.code in missing:
            rows.append({**dict.fromkeys(filled.spec.value_keys), "label": f"{t.name}（{missing[t.code]}）"})
        elif t.name in by_name:
            rows.append(by_name.pop(t.name))
    rows += by_name.values()  # rows of a code the roster no longer knows, as fill_form placed them
    names = "、".join(t.name for t in townships() if t.code in missing)
    return replace(filled, rows=rows, notes=(*filled.notes, NOT_COUNTED.format(names=names)))
