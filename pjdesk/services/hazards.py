"""The hazard ledger: record a hazard, walk it through 整改 → 复查 → 销号, search it, count it."""

from __future__ import annotations

import datetime as dt

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.hazard import (
    ASSIGNED_SERIES,
    CLOSE,
    CLOSED,
    EXTEND,
    FAIL,
    HAZARD,
    HAZARD_EVENT,
    NOTICE,
    PASS,
    RECTIFIED,
    REOPEN,
    REVIEW,
    HazardFilter,
    check_event,
    derive_state,
    edit_after_closure_problems,
    hazard_number,
    missing_major_items,
    overdue,
    valid_number_letter,
)
from pjdesk.core.records import Problem, errors, normalise, validate
from pjdesk.core.townships import township
from pjdesk.core.unit import UNIT
from pjdesk.storage import ledger, numbering

from .session import Outcome, Session

ASSIGNED = "上级交办"  # the source of a hazard the county assigns


def hazard_defaults(session: Session) -> dict:
    return {"level": "一般", "source": "乡镇检查", "found_date": session.today().isoformat(),
            "found_by": session.operator}


def check_hazard(session: Session, values: dict) -> list[Problem]:
    values = _prepared(session, values)
    problems = validate(HAZARD, values, session.today())
    unit_id = values.get("unit_id")
    if unit_id:
        unit = session.store.get(UNIT, unit_id)
        if unit is None or unit["deleted"]:
            problems.append(Problem("unit_id", "所选单位不存在或已删除，请重新选择"))
    return problems


def record_hazard(session: Session, values: dict) -> Outcome:
    """A new hazard (发现). A 重大 hazard lacking 判定依据 or 五落实 is saved and marked 待补充."""
    station = session.require_station()
    values = _prepared(session, {**hazard_defaults(session), **values})
    return _insert_hazard(session, values, station.code, check_hazard(session, values))


def assign_hazard(session: Session, township_code: str, values: dict) -> Outcome:
    """County only: a hazard the county assigns (交办) to a township, at one of that township's units.

    It is recorded as that township's row with source 上级交办, numbered in a series of its own
    (430626101-2026-J0001) so that it never takes a number the township gave meanwhile, and reaches the
    township with the county's next bundle to it. The township works it from there; here it is read-only,
    as every township row is. Validation is record_hazard's.
    """
    if not session.require_station().is_county:
        raise PjdeskError("交办隐患只能由县级站点操作")
    code = township(township_code).code
    values = _prepared(session, {**hazard_defaults(session), **values, "source": ASSIGNED})
    problems = check_hazard(session, values) + _unit_of_township(session, values.get("unit_id"), code)
    if not errors(problems):
        values["hazard_no"] = _assignment_number(session, code, values["found_date"])
    return _insert_hazard(session, values, code, problems)


def _insert_hazard(session: Session, values: dict, code: str, problems: list[Problem]) -> Outcome:
    if errors(problems):
        raise ValidationError(errors(problems))
    moved = None
    with session.store.transaction():
        if not values.get("hazard_no"):
            # The letter of this device's numbers, asked here to say so when it had to move (see numbering).
            moved = numbering.letter_for(session.store, code, values["found_date"][:4])[1]
        hazard_id = session.store.insert(HAZARD, values, township=code, operator=session.operator)
    warnings = _warnings(values) + ((moved.message,) if moved else ())
    return Outcome(hazard_id, {"hazard": frozenset({hazard_id})}, warnings)


def _unit_of_township(session: Session, unit_id: str | None, code: str) -> list[Problem]:
    unit = session.store.get(UNIT, unit_id) if unit_id else None
    if unit is None or unit["township"] == code:
        return []  # no unit, or none that exists: check_hazard has said so
    return [Problem("unit_id", f"所选单位不属于{township(code).name}，请选择该乡镇的单位")]


def _assignment_number(session: Session, code: str, found_date: str) -> str:
    year = found_date[:4]
    prefix = hazard_number(code, year, ASSIGNED_SERIES, 0)[:-4]
    return hazard_number(code, year, ASSIGNED_SERIES, numbering.last_serial(session.store, prefix) + 1)


# --- hazard numbers ------------------------------------------------------------------------------------------
def number_letter(session: Session) -> str:
    """This device's letter in the hazard numbers (430626101-2026-B0001): the one it numbers with, or, before its
    first number, the one it would take now (see pjdesk.storage.numbering)."""
    return numbering.current_letter(session.store, session.require_station().code)


def check_number_letter(letter: str | None) -> str:
    """A letter as typed, checked before anything is set up: B for b; PjdeskError for I, O, J or not a letter."""
    return valid_number_letter(letter)


def set_number_letter(session: Session, letter: str) -> str:
    """Choose this device's letter (站内电脑 A, 第一台笔记本 B …); numbers already given keep theirs. Refused
    with a message for I, O, J, anything but one letter, and a letter another known device numbers with."""
    return numbering.set_letter(session.store, session.require_station().code, letter)


def number_clashes(session: Session, hazard_ids=None) -> list[dict]:
    """Numbers that more than one hazard carries (two devices set up with one letter): ``hazard_no``,
    ``hazards`` (id, device, device_name) and ``devices`` (their names), oldest number first. On a township
    station, its own; on the county, every township's. ``hazard_ids`` limits it to those hazards' numbers."""
    station = session.require_station()
    found = numbering.clashes(session.store, None if station.is_county else station.code, hazard_ids)
    return [{**c, "devices": [h["device_name"] for h in c["hazards"]]} for c in found]


def number_clash_note(session: Session, hazard_ids) -> str:
    """What an import summary says of the numbers its hazards share with others here ("" when none)."""
    found = number_clashes(session, hazard_ids) if hazard_ids else []
    if not found:
        return ""
    names = "、".join(dict.fromkeys(n for c in found for n in c["devices"]))
    shown = "、".join(c["hazard_no"] for c in found[:5]) + (" 等" if len(found) > 5 else "")
    return (f"；编号重复 {len(found)} 个（{shown}）：{names} 用了同一个编号字母。已编的号不变，打印的台账注明“重号”；"
            "先用该字母的设备继续使用，另一台下次登记时自动改用空闲字母")


def edit_hazard(session: Session, hazard_id: str, values: dict) -> Outcome:
    """Change the hazard's fields. After 销号 the record may still be corrected, except what the closure was
    judged on (发现日期, 整改期限, 等级, a 重大 hazard's 判定依据 and 五落实 items): those are refused at their
    fields until the 销号 is withdrawn. Every edit is in the history (销号后更正 after closure)."""
    hazard = _own(session, hazard_id)
    merged = _prepared(session, {**{f: hazard.get(f) for f in HAZARD.field_names()}, **values})
    events = ledger.events_of(session.store, hazard_id)
    problems = errors(check_hazard(session, merged))
    first_step = min((e["date"] for e in events), default=None)
    if first_step and merged.get("found_date") and merged["found_date"] > first_step:
        # Each step was checked against the discovery date when it was recorded; keep that order on an edit.
        problems.append(Problem("found_date", f"发现日期不能晚于已登记的处理日期 {first_step}"))
    if derive_state(hazard, events).status == CLOSED:
        problems += edit_after_closure_problems(hazard, merged)
    if problems:
        raise ValidationError(problems)
    with session.store.transaction():
        session.store.update(HAZARD, hazard_id, merged, operator=session.operator)
    return Outcome(hazard_id, {"hazard": frozenset({hazard_id})}, _warnings(merged))


def delete_hazard(session: Session, hazard_id: str, reason: str) -> Outcome:
    if not (reason or "").strip():
        raise PjdeskError("删除须写明原因（如：重复录入、录入错误）")
    _own(session, hazard_id)
    with session.store.transaction():
        session.store.delete(HAZARD, hazard_id, reason=reason.strip(), operator=session.operator)
    return Outcome(hazard_id, {"hazard": frozenset({hazard_id})})


def add_event(session: Session, hazard_id: str, kind: str, date: str | dt.date, *, result: str | None = None,
              actor: str | None = None, new_deadline: str | dt.date | None = None, note: str | None = None) -> Outcome:
    """One step of the lifecycle, checked against the hazard's state and the order of dates."""
    hazard, event, problems = _step(session, hazard_id, kind, date, result, actor, new_deadline, note)
    if errors(problems):
        raise ValidationError(errors(problems))
    with session.store.transaction():
        event_id = session.store.insert(HAZARD_EVENT, event, township=hazard["township"], operator=session.operator)
    return Outcome(event_id, {"hazard": frozenset({hazard_id}), "hazard_event": frozenset({event_id})})


def check_step(session: Session, hazard_id: str, kind: str, values: dict) -> list[Problem]:
    """What add_event would refuse a step with these values (date, result, actor, new_deadline, note) for, to
    show at the fields before anything is saved; empty when it would be recorded."""
    return _step(session, hazard_id, kind, values.get("date"), values.get("result"), values.get("actor"),
                 values.get("new_deadline"), values.get("note"))[2]


def _step(session, hazard_id, kind, date, result, actor, new_deadline, note) -> tuple[dict, dict, list[Problem]]:
    hazard = _own(session, hazard_id)
    event = normalise(HAZARD_EVENT, {
        "hazard_id": hazard_id, "kind": kind, "date": _iso(date), "result": result,
        "actor": actor or session.operator, "new_deadline": _iso(new_deadline), "note": note,
    })
    state = derive_state(hazard, ledger.events_of(session.store, hazard_id))
    return hazard, event, check_event(hazard, state, event, session.today())


def notify_rectification(session, hazard_id, date, note=None) -> Outcome:
    return add_event(session, hazard_id, NOTICE, date, note=note)


def complete_rectification(session, hazard_id, date, note=None, actor=None) -> Outcome:
    return add_event(session, hazard_id, RECTIFIED, date, note=note, actor=actor)


def review_hazard(session, hazard_id, date, passed: bool, reviewer: str, note=None) -> Outcome:
    return add_event(session, hazard_id, REVIEW, date, result=PASS if passed else FAIL, actor=reviewer, note=note)


def extend_hazard(session, hazard_id, date, new_deadline, reason) -> Outcome:
    return add_event(session, hazard_id, EXTEND, date, new_deadline=new_deadline, note=reason)


def close_hazard(session, hazard_id, date, note=None) -> Outcome:
    return add_event(session, hazard_id, CLOSE, date, note=note)


def reopen_hazard(session, hazard_id, date, reason) -> Outcome:
    """撤销销号: withdraw a mistaken 销号, with its reason. The hazard returns to 复查合格 (the status the 销号
    ended); the 销号 and its withdrawal both stay in the history. Refused unless the hazard is 销号."""
    return add_event(session, hazard_id, REOPEN, date, note=reason)


def hazard_detail(session: Session, hazard_id: str) -> dict:
    """The hazard, its unit, its derived state and its whole history (events and edits, oldest first)."""
    store = session.store
    hazard = store.get(HAZARD, hazard_id)
    if hazard is None:
        raise PjdeskError("找不到该隐患，可能已被删除")
    events = ledger.events_of(store, hazard_id)
    state = derive_state(hazard, events)
    unit = store.get(UNIT, hazard["unit_id"]) if hazard["unit_id"] else None
    history = [{"when": hazard["found_date"], "what": "发现", "who": hazard.get("found_by") or hazard["created_by"],
                "note": hazard["description"], "stamp": hazard["created_at"]}]
    for e in events:
        what = e["kind"] + (f"（{e['result']}）" if e["result"] else "")
        if e["new_deadline"]:
            what += f"，新期限 {e['new_deadline']}"
        history.append({"when": e["date"], "what": what, "who": e["actor"] or e["created_by"], "note": e["note"] or "",
                        "stamp": e["created_at"]})
    for change in store.changes_of([hazard_id]):
        if change["op"] == "insert":
            continue
        if change["op"] == "delete":
            what, note = "删除", change["fields"].get("delete_reason") or ""
        else:
            labels = [HAZARD.field(k).label for k in change["fields"] if k in HAZARD.field_names()]
            what = "销号后更正" if _closed_when(events, change["hlc"]) else "修改"
            note = "改了：" + "、".join(labels)
        history.append({"when": stamp_date(change["hlc"]), "what": what, "who": change["operator"] or "", "note": note,
                        "stamp": change["hlc"]})
    history.sort(key=lambda h: (h["when"], h["stamp"]))
    return {"hazard": hazard, "unit": unit, "state": state, "events": events, "history": history,
            "overdue": overdue(state.status, state.due_date, session.today()),
            "missing": missing_major_items(hazard)}


def _closed_when(events: list[dict], stamp: str) -> bool:
    """Whether a 销号 was in force when the change stamped ``stamp`` was written: the last 销号 or 撤销销号
    recorded before it was a 销号."""
    marks = [e for e in events if e["kind"] in (CLOSE, REOPEN) and (e["created_at"] or "") < stamp]
    return bool(marks) and max(marks, key=lambda e: e["created_at"])["kind"] == CLOSE


def stamp_date(stamp: str) -> str:
    ms = int(stamp.split(".", 1)[0])
    return dt.datetime.fromtimestamp(ms / 1000).date().isoformat()


def count_hazards(session: Session, f: HazardFilter) -> int:
    return ledger.count(session.store, _scoped(session, f), session.today())


def list_hazards(session: Session, f: HazardFilter, *, sort=None, offset: int = 0, limit: int = 100) -> list[dict]:
    return ledger.page(session.store, _scoped(session, f), session.today(), sort=sort, offset=offset, limit=limit)


def hazard_position(session: Session, f: HazardFilter, hazard_id: str, *, sort=None) -> int | None:
    return ledger.position(session.store, _scoped(session, f), session.today(), hazard_id, sort=sort)


def dashboard(session: Session) -> dict:
    station = session.require_station()
    return ledger.dashboard(session.store, session.today(), None if station.is_county else station.code)


def has_hazards(session: Session) -> bool:
    station = session.require_station()
    return ledger.has_hazards(session.store, None if station.is_county else station.code)


def _scoped(session: Session, f: HazardFilter) -> HazardFilter:
    station = session.require_station()
    if station.is_county or f.township:
        return f
    from dataclasses import replace

    return replace(f, township=station.code)


def _prepared(session: Session, values: dict) -> dict:
    values = normalise(HAZARD, values)
    if not values.get("sector") and values.get("unit_id"):
        unit = session.store.get(UNIT, values["unit_id"])
        if unit:
            values["sector"] = unit["sector"]
    return values


def _warnings(values: dict) -> tuple[str, ...]:
    missing = missing_major_items(values)
    return (f"重大隐患待补充：{'、'.join(missing)}。补齐前不能销号。",) if missing else ()


def _own(session: Session, hazard_id: str) -> dict:
    hazard = session.store.get(HAZARD, hazard_id)
    if hazard is None or hazard["deleted"]:
        raise PjdeskError("找不到该隐患，可能已被删除")
    if hazard["township"] != session.require_station().code:
        raise PjdeskError("这是其他乡镇的隐患，只能由该乡镇办理")
    return hazard


def _iso(value) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value or None
