"""The inspection workflow on top of the record service: a unit's checklist, 不符合 items made hazards in one
step, the hazards an inspection found, and the review (整改复查) of those hazards.

What a caller may rely on:
- ``checklist_rows`` gives the items of the unit's sector's checklist as rows the inspection's items table
  takes (result left open: each item is decided by the inspector).
- ``hazards_from_items`` records each chosen 不符合 item as a hazard through the hazard service, pre-filled
  from the inspection, and links both ways (hazard.inspection_id, the item's hazard_id) in one transaction:
  all of them are recorded, or none.
- ``record_review`` records a review as an inspection of its own (检查方式 整改复查, one item per hazard
  reviewed, linked to it) and the hazards' 整改完成 / 复查 steps, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from pjdesk.core.checklists import Checklist, ChecklistItem, checklist, checklist_for, checklist_item
from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.hazard import AWAITING_REVIEW, CLOSED, FOUND, HAZARD, MAJOR, RECTIFYING, REVIEWED
from pjdesk.core.inspection import FAILED, INSPECTION, PASSED
from pjdesk.core.records import join_tags
from pjdesk.core.unit import UNIT
from pjdesk.storage import documents as queries

from . import hazards as hazard_service
from .records import get_record, save_record
from .session import Outcome, Session

REVIEW_MODE = "整改复查"
# 隐患来源 of a hazard found at an inspection: a township's checks are 乡镇检查, the county bureau's own are
# 部门执法; a check made to verify a report keeps the report as the hazard's origin.
TOWNSHIP_SOURCE, COUNTY_SOURCE = "乡镇检查", "部门执法"
SOURCE_BY_MODE = {"举报核查": "群众举报"}
FOUND_BY_LENGTH = 50  # the hazard's 发现人 field


# --- the checklist --------------------------------------------------------------------------------------------
def checklist_of_unit(session: Session, unit_id: str | None) -> Checklist:
    """The checklist of the unit's sector (the general list for a sector without one, or no unit)."""
    unit = session.store.get(UNIT, unit_id) if unit_id else None
    return checklist_for(unit["sector"] if unit else None)


def checklist_rows(session: Session, unit_id: str | None) -> dict:
    """The unit's checklist for the inspection dialog: ``checklist`` (its key, what the inspection stores),
    ``title``, and ``items``: one row per item with the item's fields (code, text, result None, note None)
    and what the dialog shows beside them (group, source, major, major_basis, tags)."""
    found = checklist_of_unit(session, unit_id)
    return {"checklist": found.key, "title": found.title, "items": [item_row(item) for item in found.items]}


def checklist_title(key: str) -> str:
    """The title of the checklist an inspection names (its ``checklist``); refused when it is gone."""
    return checklist(key).title


def checklist_item_row(code: str | None) -> dict | None:
    """An item of any checklist by its code, as ``checklist_rows`` gives it (None: not a checklist item)."""
    known = _checklist_item(code)
    return item_row(known) if known else None


def item_row(item: ChecklistItem) -> dict:
    return {"code": item.code, "text": item.text, "result": None, "note": None, "group": item.group,
            "source": item.source, "major": item.major, "major_basis": item.major_basis, "tags": item.tags}


# --- 不符合 items become hazards ---------------------------------------------------------------------------------
def hazard_source(session: Session, mode: str | None) -> str:
    if mode in SOURCE_BY_MODE:
        return SOURCE_BY_MODE[mode]
    return COUNTY_SOURCE if session.require_station().is_county else TOWNSHIP_SOURCE


def hazard_values(session: Session, inspection: Mapping, item: Mapping, *, deadline: str | dt.date | None = None,
                  measures: str | None = None) -> dict:
    """A hazard as the 不符合 item describes it: the inspection's unit and date, the source its mode and the
    station give, the inspectors as 发现人, the item's text as the description (不符合“…”的要求, then what
    was noted), level 重大
    with its 判定依据 when the checklist marks the item so, the item's hazard tags, and the inspection it was
    found at. ``deadline`` and ``measures`` (整改期限, 整改措施) when the inspector gives them."""
    known = _checklist_item(item.get("code"))
    note = (item.get("note") or "").strip()
    # A checklist item says what is required; the hazard is that it is not met (and what was seen).
    description = f"不符合“{item['text']}”的要求" + (f"：{note}" if note else "")
    values = {
        "unit_id": inspection["unit_id"], "found_date": inspection["date"],
        "source": hazard_source(session, inspection.get("mode")),
        "found_by": _names(inspection.get("officers") or ()) or session.operator,
        "description": description, "level": "一般", "inspection_id": inspection["id"],
        "deadline": deadline.isoformat() if isinstance(deadline, dt.date) else deadline, "measures": measures,
    }
    if known is not None:
        values["note"] = f"检查项 {known.code}，依据{known.source}"
        if known.major:
            values.update(level=MAJOR, major_basis=known.major_basis)
        if known.tags:
            values["tags"] = join_tags(known.tags)
    return values


def hazards_from_items(session: Session, inspection_id: str, item_ids: Iterable[str] | None = None, *,
                       deadline: str | dt.date | None = None, measures: str | None = None) -> Outcome:
    """Each chosen item (default: every 不符合 item without a hazard yet) recorded as a hazard and linked to
    it, all in one transaction. Refused, with nothing written, when an item is not 不符合 or already has its
    hazard, or when a hazard fails its rules. ``Outcome.changed`` names the hazards, the items and the
    inspection; the warnings are the hazard service's (a 重大 hazard lacking its 五落实 is 待补充)."""
    inspection = own_inspection(session, inspection_id)
    items = inspection["items"]
    if item_ids is None:
        chosen = [i for i in items if i["result"] == FAILED and not i.get("hazard_id")]
        if not chosen:
            raise PjdeskError("没有需要生成隐患的“不符合”项：请先把检查项标为“不符合”并保存")
    else:
        wanted = list(dict.fromkeys(item_ids))
        by_id = {i["id"]: i for i in items}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise PjdeskError("所选检查项已不在这条检查记录中，请重新打开检查记录")
        chosen = [by_id[i] for i in wanted]
        for item in chosen:
            if item["result"] != FAILED:
                raise PjdeskError(f"检查项“{_short(item['text'])}”的结果是“{item['result']}”，只有“不符合”项才能生成隐患")
            if item.get("hazard_id"):
                raise PjdeskError(f"检查项“{_short(item['text'])}”已生成隐患，不必再生成")
    links: dict[str, str] = {}
    warnings: list[str] = []
    with session.store.transaction():
        for item in chosen:
            values = hazard_values(session, inspection, item, deadline=deadline, measures=measures)
            try:
                outcome = hazard_service.record_hazard(session, values)
            except ValidationError as e:
                raise PjdeskError(f"检查项“{_short(item['text'])}”未能生成隐患：{e}") from e
            links[item["id"]] = outcome.id
            warnings += outcome.warnings
        rows = [{**i, "hazard_id": links.get(i["id"], i.get("hazard_id"))} for i in items]
        saved = save_record(session, INSPECTION, {"items": rows}, inspection_id)
    changed = {**saved.changed, "hazard": frozenset(links.values())}
    return Outcome(inspection_id, changed, tuple(dict.fromkeys(warnings)))


def inspection_hazards(session: Session, inspection_id: str) -> list[dict]:
    """The live hazards found at the inspection, by number, with their state (status, due_date …)."""
    return queries.hazards_of(session.store, inspection_id)


def hazard_numbers(session: Session, hazard_ids) -> dict[str, str]:
    """The number of each hazard named (an item's hazard: found at the inspection, or reviewed by it)."""
    found = (session.store.get(HAZARD, i) for i in dict.fromkeys(h for h in hazard_ids if h))
    return {h["id"]: h["hazard_no"] or h["description"] for h in found if h is not None}


def inspection_documents(session: Session, inspection_id: str) -> list[dict]:
    """The documents issued from the inspection and not withdrawn, in the order they were issued."""
    return queries.documents_of(session.store, inspection_id)


# --- the review (整改复查) -----------------------------------------------------------------------------------
def reviewable_hazards(session: Session, inspection_id: str) -> list[dict]:
    """The hazards of the inspection a review may look at: those not yet 销号 or 复查合格."""
    return [h for h in inspection_hazards(session, inspection_id) if h["status"] not in (CLOSED, REVIEWED)]


def reviews_of(session: Session, inspection_id: str) -> list[dict]:
    """The reviews recorded of the inspection's hazards, the latest last."""
    return queries.reviews_of(session.store, inspection_id, REVIEW_MODE)


def record_review(session: Session, inspection_id: str, *, date: str | dt.date, results: Sequence[Mapping],
                  officers: Sequence[Mapping], unit_signer: str | None = None,
                  measures: str | None = None) -> Outcome:
    """A review of hazards the inspection found. ``results``: one per hazard reviewed, ``hazard_id``,
    ``passed`` (bool), ``note`` and, for a hazard whose 整改完成 is not recorded yet, ``rectified_date``
    (default: the review's date). Recorded together: the review as an inspection of 检查方式 整改复查 at the
    same unit (one item per hazard, 符合 or 不符合, linked to it) and each hazard's steps: 整改完成 where the
    unit rectified it and it was not yet recorded, then 复查 合格 / 不合格. A hazard found not rectified that
    had no 整改完成 stays 整改中. Returns the review's id."""
    inspection = own_inspection(session, inspection_id)
    day = date.isoformat() if isinstance(date, dt.date) else (date or "")
    if not results:
        raise PjdeskError("请至少选择一项要复查的隐患")
    if day and day < inspection["date"]:
        raise PjdeskError(f"复查日期不能早于检查日期 {inspection['date']}")
    found = {h["id"]: h for h in inspection_hazards(session, inspection_id)}
    items, passed_count = [], 0
    for result in results:
        hazard = found.get(result.get("hazard_id"))
        if hazard is None:
            raise PjdeskError("所选隐患不是这次检查发现的，或已被删除；请重新打开检查记录")
        if hazard["status"] == CLOSED:
            raise PjdeskError(f"隐患 {hazard['hazard_no']} 已销号，不必复查")
        passed = bool(result.get("passed"))
        passed_count += passed
        items.append({"code": hazard["hazard_no"], "text": hazard["description"],
                      "result": PASSED if passed else FAILED, "note": result.get("note"), "hazard_id": hazard["id"]})
    reviewers = _names(officers)
    failed_count = len(items) - passed_count
    values = {
        "date": day, "unit_id": inspection["unit_id"], "mode": REVIEW_MODE, "officers": list(officers),
        "items": items, "unit_signer": unit_signer, "measures": measures,
        "findings": f"复查 {inspection['date']} 检查发现的隐患 {len(items)} 项：已整改合格 {passed_count} 项"
                    + (f"，未整改到位 {failed_count} 项" if failed_count else "") + "。",
    }
    changed: dict[str, set] = {}
    with session.store.transaction():
        saved = save_record(session, INSPECTION, values)
        for name, ids in saved.changed.items():
            changed.setdefault(name, set()).update(ids)
        for result in results:
            hazard = found[result["hazard_id"]]
            for outcome in _review_steps(session, hazard, day, bool(result.get("passed")), reviewers,
                                         result.get("rectified_date"), result.get("note")):
                for name, ids in outcome.changed.items():
                    changed.setdefault(name, set()).update(ids)
    return Outcome(saved.id, {name: frozenset(ids) for name, ids in changed.items()})


def _review_steps(session: Session, hazard: Mapping, day: str, passed: bool, reviewers: str,
                  rectified: str | dt.date | None, note: str | None) -> list[Outcome]:
    status, label = hazard["status"], hazard["hazard_no"]
    steps = []
    try:
        if status in (FOUND, RECTIFYING) and passed:
            steps.append(hazard_service.complete_rectification(session, hazard["id"], rectified or day))
            status = AWAITING_REVIEW
        if status == AWAITING_REVIEW:
            steps.append(hazard_service.review_hazard(session, hazard["id"], day, passed, reviewers, note))
    except ValidationError as e:
        raise PjdeskError(f"隐患 {label}：{e}") from e
    return steps


# --- helpers ----------------------------------------------------------------------------------------------------
def own_inspection(session: Session, inspection_id: str) -> dict:
    """The inspection with its items and inspectors; refused when gone or another township's."""
    inspection = get_record(session, INSPECTION, inspection_id)
    if inspection is None or inspection["deleted"]:
        raise PjdeskError("找不到这条检查记录，可能已被删除")
    if inspection["township"] != session.require_station().code:
        raise PjdeskError("这是其他乡镇的检查记录，只能由该乡镇办理")
    return inspection


def _checklist_item(code: str | None) -> ChecklistItem | None:
    if not code:
        return None
    try:
        return checklist_item(code)
    except PjdeskError:  # an item written by hand, or a list the county has since changed
        return None


def _names(officers: Iterable) -> str:
    """张三、李四 as the 发现人 field holds it: the names that fit, then 等."""
    names = [(o.get("name") if isinstance(o, Mapping) else str(o)) or "" for o in officers]
    names = [n.strip() for n in names if n and n.strip()]
    text = "、".join(names)
    while len(text) > FOUND_BY_LENGTH and len(names) > 1:
        names.pop()
        text = "、".join(names) + "等"
    return text[:FOUND_BY_LENGTH]


def _short(text: str, length: int = 20) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
