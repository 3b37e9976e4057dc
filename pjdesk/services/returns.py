"""Monthly returns: build them for any past month, write PDF and XLSX, freeze what was signed and sent.

The figures come from the records as they stood at the month's end (pjdesk.storage.period_facts,
pjdesk.storage.inspection_facts and return_figures); the forms engine draws both files from the same filled
form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.records import vocabulary
from pjdesk.core.snapshot import RETURN_SNAPSHOT
from pjdesk.core.townships import station_name, townships
from pjdesk.forms import FORMS, FilledForm, render_pdf, render_xlsx
from pjdesk.forms.table import build_table
from pjdesk.indicators import PeopleFacts
from pjdesk.storage import numbering
from pjdesk.storage.database import plain_errors
from pjdesk.storage.inspection_facts import documents_between, inspections_between
from pjdesk.storage.period_facts import hazards_as_of, hazards_as_of_each, inspection_hazards_as_of
from pjdesk.storage.snapshots import frozen_returns

from . import return_figures as figures
from .emergency import table7
from .people_rates import table6, table6_facts_each
from .plan_returns import table5, table8, table9
from .session import Outcome, Session
from .table1 import table1

FORM_CODES = tuple(FORMS)  # 表1 … 表9, 台账
RANKING = "排名"  # the county's monthly ranking of the townships (pjdesk.services.ranking)
RANKING_TITLE = "乡镇（街道）安全生产工作月度排名表"
COUNTY_TABLE2 = replace(FORMS["表2"], code="表2（汇总）", title="隐患排查治理统计表（汇总）", row_label="乡镇（街道）")
COUNTY_TABLE4 = replace(FORMS["表4"], code="表4（汇总）", title="监管执法统计表（汇总）", row_label="乡镇（街道）",
                        row_label_width=8)
# Read their own facts (inspections and documents; people; drills; accidents and fires), not month_facts.
# (表1 reads both: month_facts, shared with the other forms of the month, and its own.)
ENFORCEMENT_FORMS = ("表4", "表5", "表6", "表7", "表8")


@dataclass(frozen=True)
class BuiltReturn:
    form: str
    month: Month
    filled: FilledForm
    pdf: Path
    xlsx: Path

    @property
    def title(self) -> str:
        return self.filled.spec.title


def parse_month(session: Session, text: str) -> Month:
    return Month.parse(text, session.today())


def month_facts(session: Session, month: Month, township: str | None = None) -> list[dict]:
    """The month's hazards as they stood at its end: this township's, or on the county station the whole
    county's (or one township's, when ``township`` is given)."""
    return hazards_as_of(session.store, year_start=month.year_start.isoformat(), end=month.end.isoformat(),
                         township=_scope(session, township))


def month_enforcement(session: Session, month: Month, township: str | None = None) -> dict[str, list[dict]]:
    """表4's facts: the month's inspections and enforcement documents, and the hazards those inspections
    found, each hazard as it stood at the month's end; scoped as ``month_facts`` (by the township that
    recorded them)."""
    start, end, scope = month.start.isoformat(), month.end.isoformat(), _scope(session, township)
    store = session.store
    return {"inspections": inspections_between(store, start=start, end=end, township=scope),
            "hazards": inspection_hazards_as_of(store, start=start, end=end, township=scope),
            "documents": documents_between(store, start=start, end=end, township=scope)}


def _scope(session: Session, township: str | None) -> str | None:
    station = session.require_station()
    if not station.is_county:
        return station.code
    return township


def available_forms(session: Session) -> dict[str, str]:
    """The forms this station builds, code → title: a township's returns; on the county also 排名."""
    forms = {code: spec.title for code, spec in FORMS.items()}
    if session.require_station().is_county:
        forms[RANKING] = RANKING_TITLE
    return forms


def fill_form(session: Session, form: str, month: Month, facts: list[dict] | None = None, *,
              township: str | None = None, people: PeopleFacts | None = None) -> FilledForm:
    """The form filled with the month's figures, signed by the operator and the station's 审核人. ``facts``
    (the month's hazards) and ``people`` (表6's) when the caller has read them for several forms or months."""
    forms = available_forms(session)
    if form not in forms:
        raise PjdeskError(f"没有“{form}”这张报表；可选：{'、'.join(forms)}")
    if form == RANKING:
        from .ranking import fill_ranking

        return fill_ranking(session, month)
    if form not in ENFORCEMENT_FORMS:
        facts = month_facts(session, month, township) if facts is None else facts
    total, notes = None, ()
    spec = FORMS[form]
    county_wide = session.require_station().is_county and township is None
    if form == "表2" and county_wide:
        # The county's 表2 (汇总): one row per township in the roster's order, the same columns and rules.
        spec = COUNTY_TABLE2
        rows, total = figures.table2_rows(facts, month, group_by="township", order=[t.code for t in townships()])
        for row in rows:
            row["label"] = station_name(row["label"]) if row["label"] != "未分类" else row["label"]
    elif form == "表2":
        rows, total = figures.table2_rows(facts, month, order=vocabulary("sector"))
    elif form == "表4" and county_wide:
        # The county's 表4 (汇总): every township of the roster, zeros too, from the inspections it holds.
        spec = COUNTY_TABLE4
        rows, total = figures.table4_rows(month_enforcement(session, month), group_by="township",
                                          order=[t.code for t in townships()])
        for row in rows:
            row["label"] = _township_label(row["label"])
    elif form == "表4":
        rows, total = figures.table4_rows(month_enforcement(session, month, township),
                                          order=vocabulary("inspection_mode"))
    elif form == "表6":
        spec, rows, total, notes = table6(session, month, township, people)
    elif form == "表7":
        spec, rows, total, notes = table7(session, month, township)
    elif form == "表1":
        spec, rows, total, notes = table1(session, month, township, facts)
    elif form in ("表5", "表8"):
        spec, rows, total, notes = (table5 if form == "表5" else table8)(session, month, township)
    elif form == "表9":
        spec, rows, total, notes = table9(session, month, township, facts)
    elif form == "表3":
        rows = figures.table3_rows(facts, month, _number_clashes(session, township))
    else:
        rows = figures.ledger_rows(facts, month, _number_clashes(session, township))
    code = _scope(session, township) or session.require_station().code
    return FilledForm(
        spec=spec, unit_name=station_name(code), unit_code=code, period_label=month.label,
        preparer=session.operator, reviewer=session.store.setting("reviewer") or "",
        filled_date=session.today(), rows=rows, total=total, notes=notes,
    )


def _township_label(code: str) -> str:
    """A township's name for a 汇总 row; a code the roster no longer knows is printed as it is."""
    try:
        return station_name(code)
    except PjdeskError:
        return code


def _number_clashes(session: Session, township: str | None) -> dict[str, str]:
    """Hazard id → the device that gave its number, for the numbers two devices both gave (to mark in print)."""
    found = numbering.clashes(session.store, _scope(session, township))
    return {h["id"]: h["device_name"] for c in found for h in c["hazards"]}


def file_stem(form: str, title: str, station_name: str, month: Month) -> str:
    return re.sub(r'[\\/:*?"<>|]', "_", f"{form}-{title}-{station_name}-{month.key}")


def build_return(session: Session, form: str, month: Month, out_dir: str | Path,
                 facts: list[dict] | None = None, *, township: str | None = None,
                 people: PeopleFacts | None = None) -> BuiltReturn:
    if form == "表2" and township is None and session.require_station().is_county:
        from .unreported import county_table2

        filled = county_table2(session, month, facts)  # a township without the month's file: 未报送
    else:
        filled = fill_form(session, form, month, facts, township=township, people=people)
    out = Path(out_dir)
    with plain_errors("写出报表"):
        out.mkdir(parents=True, exist_ok=True)
        stem = file_stem(form, filled.spec.title, filled.unit_name, month)
        table = build_table(filled)  # the cells both files show, worked out once
        pdf = render_pdf(filled, out / f"{stem}.pdf", table)
        xlsx = render_xlsx(filled, out / f"{stem}.xlsx", table)
    return BuiltReturn(form, month, filled, pdf, xlsx)


def build_returns(session: Session, month: Month, forms: list[str] | tuple[str, ...], out_dir: str | Path, *,
                  township: str | None = None, progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[BuiltReturn]:
    """Several forms of one month; the month's hazard facts are read once (and only for forms that read them)."""
    facts = month_facts(session, month, township) if set(forms) - set(ENFORCEMENT_FORMS) else None
    built = []
    for i, form in enumerate(forms):
        if cancelled and cancelled():
            raise PjdeskError("已取消生成报表")
        if progress:
            progress(i, len(forms))
        built.append(build_return(session, form, month, out_dir, facts, township=township))
    if progress:
        progress(len(forms), len(forms))
    return built


def build_months(session: Session, months: list[Month], forms: list[str] | tuple[str, ...], out_dir: str | Path, *,
                 township: str | None = None, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[BuiltReturn]:
    """``build_returns`` for several months (a year of returns): the hazards and their events are read once
    for all the months, each month's facts taken from that read, and so are 表6's people (of one township);
    the same returns, month by month."""
    reads = set(forms) - set(ENFORCEMENT_FORMS)
    shared = hazards_as_of_each(session.store, [(m.year_start.isoformat(), m.end.isoformat()) for m in months],
                                township=_scope(session, township)) if reads else [None] * len(months)
    people = (table6_facts_each(session, months, township) if "表6" in forms else None) or [None] * len(months)
    built, steps = [], len(months) * len(forms)
    for m, (month, facts, persons) in enumerate(zip(months, shared, people, strict=True)):
        for f, form in enumerate(forms):
            if cancelled and cancelled():
                raise PjdeskError("已取消生成报表")
            if progress:
                progress(m * len(forms) + f, steps)
            built.append(build_return(session, form, month, out_dir, facts, township=township, people=persons))
    if progress:
        progress(steps, steps)
    return built


# --- freezing -------------------------------------------------------------------------------------------------
def figures_of(filled: FilledForm) -> dict:
    """The numbers of a filled form as JSON-able data: the rows' declared values and the 合计 row."""
    keys = sorted({*filled.spec.value_keys, *(c.key for c in filled.spec.columns), "label", "hazard_no"})
    return {"rows": [{k: _plain(r.get(k)) for k in keys if k in r} for r in filled.rows],
            "total": {k: _plain(v) for k, v in (filled.total or {}).items()}}


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def frozen_folder(session: Session) -> Path:
    return session.data_dir / "returns"


def freeze_return(session: Session, built: BuiltReturn, note: str | None = None) -> Outcome:
    """Keep the built files and their numbers, signer and date, so they can be reopened exactly later."""
    station = session.require_station()
    folder = frozen_folder(session) / built.month.key
    with plain_errors("冻结报表"):
        folder.mkdir(parents=True, exist_ok=True)
        stamp = session.now().strftime("%Y%m%d%H%M%S")
        kept = {}
        for path in (built.pdf, built.xlsx):
            target = folder / f"{path.stem}-冻结{stamp}{path.suffix}"
            shutil.copyfile(path, target)
            kept[path.suffix] = target
    values = {
        "form": built.form, "period": built.month.key, "title": built.title, "preparer": built.filled.preparer,
        "reviewer": built.filled.reviewer or None, "filled_date": _plain(built.filled.filled_date),
        "figures": json.dumps(figures_of(built.filled), ensure_ascii=False),
        "pdf_file": kept[".pdf"].relative_to(session.data_dir).as_posix(), "pdf_sha256": sha256(kept[".pdf"]),
        "xlsx_file": kept[".xlsx"].relative_to(session.data_dir).as_posix(), "xlsx_sha256": sha256(kept[".xlsx"]),
        "note": note,
    }
    with session.store.transaction():
        snapshot_id = session.store.insert(RETURN_SNAPSHOT, values, township=station.code, operator=session.operator)
    return Outcome(snapshot_id, {"return_snapshot": frozenset({snapshot_id})})


def list_frozen(session: Session) -> list[dict]:
    return frozen_returns(session.store, session.require_station().code)


def frozen_return(session: Session, snapshot_id: str) -> dict:
    """A frozen return with its kept files, each checked against the SHA-256 taken when it was frozen."""
    snapshot = session.store.get(RETURN_SNAPSHOT, snapshot_id)
    if snapshot is None or snapshot["deleted"]:
        raise PjdeskError("找不到该冻结报表")
    result = {**snapshot, "figures": json.loads(snapshot["figures"]), "files": {}}
    for kind in ("pdf", "xlsx"):
        path = session.data_dir / snapshot[f"{kind}_file"]
        intact = path.exists() and sha256(path) == snapshot[f"{kind}_sha256"]
        result["files"][kind] = {"path": path, "intact": intact}
    return result


def compare_with_today(session: Session, snapshot_id: str) -> list[dict]:
    """What the ledger says now that differs from the frozen numbers: one entry per changed cell.

    Rows are matched by their label (表2) or hazard number (表3, 台账); a row present on one side only is
    listed as added or gone.
    """
    frozen = frozen_return(session, snapshot_id)
    month = Month.parse(frozen["period"])
    filled = fill_form(session, frozen["form"], month)
    spec, now = filled.spec, figures_of(filled)
    labels = {c.key: (f"{c.group}·{c.label}" if c.group else c.label) for c in spec.columns}
    key = "label" if spec.row_label else "hazard_no"
    # A list without numbers (表7's drills) is compared row by row in order.
    then_rows = {r.get(key, f"第{i}行"): r for i, r in enumerate(frozen["figures"]["rows"], 1)}
    now_rows = {r.get(key, f"第{i}行"): r for i, r in enumerate(now["rows"], 1)}
    if spec.total_row:
        then_rows[spec.total_row] = frozen["figures"]["total"]
        now_rows[spec.total_row] = now["total"]
    differences = []
    for row in [*then_rows, *(k for k in now_rows if k not in then_rows)]:
        before, after = then_rows.get(row), now_rows.get(row)
        if before is None or after is None:
            differences.append({"row": row, "column": "整行", "frozen": "无" if before is None else "有",
                                "now": "无" if after is None else "有"})
            continue
        for column in spec.columns:
            if column.key in labels and before.get(column.key) != after.get(column.key):
                differences.append({"row": row, "column": labels[column.key], "frozen": before.get(column.key),
                                    "now": after.get(column.key)})
    return differences


def set_reviewer(session: Session, name: str) -> None:
    """审核人 (the 分管领导 who signs the returns), kept for the next return."""
    session.store.set_settings({"reviewer": (name or "").strip() or None})


def reviewer(session: Session) -> str:
    return session.store.setting("reviewer") or ""


def recent_months(session: Session, count: int = 36) -> list[Month]:
    """The months a return can be built for, newest first (the current month too: a draft before month end)."""
    months, month = [], Month.of(session.today())
    for _ in range(count):
        months.append(month)
        month = month.previous()
    return months


def scratch_folder(session: Session) -> Path:
    """Where the program builds returns before the user saves or freezes them."""
    return session.data_dir / "tmp" / "returns"


def frozen_time(snapshot: dict) -> str:
    ms = int(snapshot["created_at"].split(".", 1)[0])
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")
