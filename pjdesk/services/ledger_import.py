"""Importing a township's existing hazard ledger (隐患排查治理台账) from Excel (.xlsx or .xls, Excel or WPS).

The hazard's spec for the record import (pjdesk.services.record_import), which reads the sheet, checks every
row and writes all or nothing after a backup. What a ledger has beyond the hazard's declared fields is here:

- its own columns: the completion, review and close dates (and the reviewer) become the hazard's lifecycle
  events, so its status (整改中 … 销号) is derived as for any hazard; a 整改情况 word (整改中, 已整改, 已销号 …)
  sets the state it says when the row has no dates, its steps dated the found date, with a warning;
- 隐患等级 must be read (一般 or 重大), 隐患来源 defaults to 乡镇检查, 整改期限 may be written relative to the
  发现日期 (立即整改, 7天内), and the 行业 column is the hazard's sector, which a new unit also takes;
- a row equal to a hazard already in the ledger (unit, found date, description) is skipped;
- a hazard whose unit had an inspection on its found date is linked to that inspection.

A 重大 hazard without its 判定依据 or 五落实 items (old ledgers rarely have them) is taken and marked 待补充.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pjdesk.core.dates import out_of_range
from pjdesk.core.hazard import CLOSE, GENERAL, HAZARD, NOTICE, PASS, RECTIFIED, REVIEW

from .record_import import (
    CancelledFn,
    ImportPreview,
    ImportResult,
    ImportRow,
    ImportSpec,
    Link,
    ProgressFn,
    Target,
    apply_records,
    cell_text,
    column_letter,
    folded,
    header_key,
    import_records,
    preview_records,
)
from .record_import import target_for_header as _target_for_header
from .session import Session

__all__ = ["HAZARD_SPEC", "TARGETS", "TARGET_BY_KEY", "apply_import", "column_letter", "header_key", "import_ledger",
           "preview_import", "target_for_header"]

# The ledger's own columns: not fields of a record, but the steps of its lifecycle and its bookkeeping.
RECTIFIED_DATE, REVIEWER, REVIEW_DATE, CLOSED_DATE = "rectified_date", "reviewer", "review_date", "closed_date"
PROGRESS = "progress"

_LEDGER_TARGETS = (
    Target(RECTIFIED_DATE, "整改完成日期", "整改闭环", (
        "整改完成日期", "完成日期", "完成时间", "整改完成时间", "整改日期", "实际完成日期", "实际完成时间"), type="date"),
    Target(REVIEWER, "复查人", "整改闭环", ("复查人", "复查人员", "复查责任人", "验收人")),
    Target(REVIEW_DATE, "复查日期", "整改闭环", ("复查日期", "复查时间", "验收日期", "验收时间"), type="date"),
    Target(CLOSED_DATE, "销号日期", "整改闭环", ("销号日期", "销号时间"), type="date"),
    Target(PROGRESS, "整改情况（文字）", "整改闭环", (
        "整改情况", "整改状态", "整改进度", "整改完成情况", "完成情况", "是否整改", "整改结果", "是否销号")),
)

# 整改情况 words: the bare status words not worth keeping in 备注.
_STATUS_WORDS = {"已整改", "已完成", "已销号", "已闭环", "整改完成", "已复查", "完成", "销号", "闭环", "是", "否", "未整改",
                 "整改中", "正在整改", "未完成", "待整改", "未销号", "待复查", "已整改完成", "合格"}


# What a 整改情况 word says of the work when the row has no dates to tell: the last step it claims (a word
# negated by 未/待/没/不, 未销号, claims nothing), and the status that step leaves.
_CLAIMS = (
    (CLOSE, "销号", re.compile(r"(?<![未待没不])(销号|闭环)")),
    (REVIEW, "复查合格", re.compile(r"(?<![未待没不])(复查合格|已复查|已验收|验收合格)")),
    (RECTIFIED, "已整改待复查", re.compile(r"(?<![未待没不])(已整改|已完成|整改完成|完成整改|整改完毕)")),
    (NOTICE, "整改中", re.compile(r"整改中|正在整改|待整改|未完成")),
)


def _claimed_step(said: str) -> tuple[str, str] | None:
    for step, status, pattern in _CLAIMS:
        if pattern.search(said):
            return step, status
    return None


def _progress_cell(value: object, context: tuple) -> str:
    """整改情况 text is kept in 备注 unless it is a bare status word; whether it claims the work is done is
    checked against the dates in _events."""
    if folded(value) not in _STATUS_WORDS:
        context[2].append(f"整改情况：{cell_text(value)}")
    return cell_text(value)


def _events(hazard: dict, ledger: dict, reasons: list, warnings: list, today: dt.date) -> dict[str, list[dict]]:
    """整改完成, 复查 (合格) and 销号 from the row's dates, which must keep their order; a later step
    without the earlier ones fills them with its own date, as the hazard cannot close otherwise."""
    found = hazard.get("found_date")
    steps = [("整改完成日期", ledger.get(RECTIFIED_DATE)), ("复查日期", ledger.get(REVIEW_DATE)),
             ("销号日期", ledger.get(CLOSED_DATE))]
    before_label, before = "发现日期", found
    for label, day in steps:
        if not day:
            continue
        reason = out_of_range(dt.date.fromisoformat(day), today, label)
        if reason:
            reasons.append(reason)
        if before and day < before:
            reasons.append(f"{label}（{day}）早于{before_label}（{before}）")
        before_label, before = label, day
    progress = ledger.get(PROGRESS)
    reviewer = ledger.get(REVIEWER)
    if not any(day for _, day in steps):
        claimed = _claimed_step(folded(progress)) if progress is not None else None
        if reviewer:
            warnings.append(f"填了复查人“{reviewer}”但未填复查日期，复查未导入，请补录")
        if claimed is None or not found:
            return {}
        # No date tells the state: the word does, each step it implies dated the day the hazard was found.
        step, status = claimed
        warnings.append(f"整改情况为“{progress}”但未填日期，已按发现日期（{found}）记为“{status}”，请核对并补录实际日期")
        note = "导入自原台账，按整改情况记，未载明日期"
        chain = {NOTICE: (NOTICE,), RECTIFIED: (RECTIFIED,), REVIEW: (RECTIFIED, REVIEW),
                 CLOSE: (RECTIFIED, REVIEW, CLOSE)}[step]
        return {"hazard_event": [{"kind": kind, "date": found, "result": PASS if kind == REVIEW else None,
                                  "actor": None, "note": note} for kind in chain]}
    rectified, review, closed = (day for _, day in steps)
    filled = []
    if closed and not review:
        review = closed
        filled.append("复查日期")
    if review and not rectified:
        rectified = review
        filled.insert(0, "整改完成日期")
    if filled:
        later = "销号日期" if "复查日期" in filled else "复查日期"
        steps_made = "、".join({"整改完成日期": "整改完成", "复查日期": "复查（合格）"}[f] for f in filled)
        warnings.append(f"有{later}但未填{'、'.join(filled)}，已按{later}补记{steps_made}")
    elif reviewer and not review:
        warnings.append(f"填了复查人“{reviewer}”但未填复查日期，复查未导入，请补录")

    def note(step: str) -> str:
        return f"导入自原台账，未载明{step}" if step in filled else "导入自原台账"

    events = [{"kind": RECTIFIED, "date": rectified, "result": None, "actor": None, "note": note("整改完成日期")}]
    if review:
        events.append({"kind": REVIEW, "date": review, "result": PASS, "actor": reviewer, "note": note("复查日期")})
    if closed:
        events.append({"kind": CLOSE, "date": closed, "result": None, "actor": None, "note": "导入自原台账"})
    return {"hazard_event": events}


@dataclass
class LedgerRow(ImportRow):
    """A hazard to be written, with its lifecycle events."""

    @property
    def hazard(self) -> dict:
        return self.values

    @property
    def events(self) -> list[dict]:
        return self.children.get("hazard_event", [])


@dataclass
class LedgerPreview(ImportPreview):
    @property
    def hazards(self) -> int:
        return self.records

    @property
    def events(self) -> int:
        return self.child_count("hazard_event")


@dataclass(frozen=True)
class LedgerResult(ImportResult):
    @property
    def hazard_ids(self) -> tuple[str, ...]:
        return self.record_ids

    @property
    def event_ids(self) -> tuple[str, ...]:
        return self.ids.get("hazard_event", ())


def _export(session: Session, path: str | Path, *, progress=None, cancelled=None) -> int:
    from .ledger_export import export_ledger

    return export_ledger(session, path, progress=progress, cancelled=cancelled)


HAZARD_SPEC = ImportSpec(
    HAZARD, noun="隐患", record_words="隐患记录", sheet_noun="台账", anchor="hazard.description",
    extra_targets=_LEDGER_TARGETS, defaults={"level": GENERAL, "source": "乡镇检查"}, strict=("level",),
    relative_dates={"deadline": "found_date"}, unit_sector="sector",
    duplicate_keys=(("unit_id", "found_date", "description"),),
    links=(Link("inspection_id", (("unit_id", "unit_id"), ("found_date", "date"))),),
    converters={PROGRESS: _progress_cell}, lifecycle=_events, incomplete_words="重大隐患待补充",
    child_words={"hazard_event": ("整改/复查/销号记录", "条")}, export=_export,
    preview_type=LedgerPreview, row_type=LedgerRow, result_type=LedgerResult,
)
TARGETS: tuple[Target, ...] = HAZARD_SPEC.targets
TARGET_BY_KEY = HAZARD_SPEC.by_key
REQUIRED = HAZARD_SPEC.required


def target_for_header(text: object) -> str | None:
    """The ledger target a header names, if any (整改资金（万元） → hazard.funds)."""
    return _target_for_header(HAZARD_SPEC, text)


def preview_import(session: Session, path: str | Path, *, sheet: str | None = None,
                   mapping: Mapping[int, str | None] | None = None,
                   units: Mapping[str, str] | None = None) -> LedgerPreview:
    """Read a ledger and say what importing it would do. Writes nothing (see record_import.preview_records)."""
    return preview_records(session, HAZARD_SPEC, path, sheet=sheet, mapping=mapping, units=units)


def apply_import(session: Session, preview: ImportPreview, *, progress: ProgressFn | None = None,
                 cancelled: CancelledFn | None = None) -> LedgerResult:
    """Write a preview: a backup, then every unit, hazard and event in one transaction; all or nothing."""
    return apply_records(session, preview, progress=progress, cancelled=cancelled)


def import_ledger(session: Session, path: str | Path, *, dry_run: bool = False, sheet: str | None = None,
                  mapping: Mapping[int, str | None] | None = None, progress: ProgressFn | None = None,
                  cancelled: CancelledFn | None = None) -> LedgerResult:
    """Preview and write in one call (``pjdesk ledger import FILE [--dry-run]``, also ``pjdesk records import
    hazards``). A dry run returns the preview unwritten, refused rows included; otherwise a refused row raises
    PjdeskError listing them, and nothing is written."""
    return import_records(session, HAZARD_SPEC, path, dry_run=dry_run, sheet=sheet, mapping=mapping,
                          progress=progress, cancelled=cancelled)
