"""Units and places: add, edit, search."""

from __future__ import annotations

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.identifiers import check_uscc
from pjdesk.core.records import errors, normalise, validate
from pjdesk.core.unit import UNIT, is_high_risk_sector
from pjdesk.storage import units as queries

from .session import Outcome, Session


def unit_defaults() -> dict:
    return {"status": "正常", "sector": "工贸其他", "is_high_risk": 0, "is_above_scale": 0, "no_licence": 0}


def check_unit(session: Session, values: dict, unit_id: str | None = None):
    """Problems of a unit as it would be saved (for the dialog to show at each field)."""
    values = _prepared(values)
    problems = validate(UNIT, values, session.today())
    if values.get("uscc"):
        other = queries.find_unit(session.store, uscc=values["uscc"], township=session.require_station().code)
        if other and other["id"] != unit_id:
            from pjdesk.core.records import Problem

            problems.append(Problem("uscc", f"该统一社会信用代码已登记为“{other['name']}”，请勿重复添加"))
    return problems


def save_unit(session: Session, values: dict, unit_id: str | None = None) -> Outcome:
    """Add (unit_id None) or edit a unit. Refused with every field's problem when a rule fails."""
    station = session.require_station()
    if unit_id is None:
        values = {**unit_defaults(), **values}
    else:
        # An edit is checked as the whole unit it makes, so that rules across fields (a pilot code and its
        # reason) hold whichever fields were given; only the fields that differ are written and logged.
        current = _own(session, unit_id)
        values = {**{name: current.get(name) for name in UNIT.field_names()}, **values}
    values = _prepared(values)
    problems = errors(check_unit(session, values, unit_id))
    if problems:
        raise ValidationError(problems)
    store = session.store
    with store.transaction():
        if unit_id is None:
            unit_id = store.insert(UNIT, values, township=station.code, operator=session.operator)
        else:
            store.update(UNIT, unit_id, values, operator=session.operator)
    return Outcome(unit_id, {"unit": frozenset({unit_id})})


def delete_unit(session: Session, unit_id: str, reason: str) -> Outcome:
    if not (reason or "").strip():
        raise PjdeskError("删除须写明原因")
    _own(session, unit_id)
    open_hazards = queries.open_hazards_of(session.store, unit_id)
    if open_hazards:
        raise PjdeskError(f"该单位还有 {open_hazards} 条未销号的隐患，不能删除；如已关闭，请把经营状态改为“关闭”。")
    with session.store.transaction():
        session.store.delete(UNIT, unit_id, reason=reason.strip(), operator=session.operator)
    return Outcome(unit_id, {"unit": frozenset({unit_id})})


def get_unit(session: Session, unit_id: str) -> dict | None:
    return session.store.get(UNIT, unit_id)


def count_units(session: Session, text: str = "", sector: str | None = None) -> int:
    return queries.count_units(session.store, text, sector, _scope(session))


def list_units(session: Session, text: str = "", sector: str | None = None, *, sort=None, offset=0, limit=100):
    return queries.page_units(session.store, text, sector, _scope(session), sort=sort, offset=offset, limit=limit)


def unit_choices(session: Session, township: str | None = None) -> list[dict]:
    """The units to pick from: this township's; on the county, every township's or the one given."""
    return queries.all_units_brief(session.store, _scope(session) or township)


def suggested_high_risk(sector: str | None) -> bool:
    return is_high_risk_sector(sector)


def _prepared(values: dict) -> dict:
    values = normalise(UNIT, values)
    if values.get("uscc"):
        values["uscc"] = check_uscc(values["uscc"]).value
    return values


def _scope(session: Session) -> str | None:
    station = session.require_station()
    return None if station.is_county else station.code


def _own(session: Session, unit_id: str) -> dict:
    unit = session.store.get(UNIT, unit_id)
    if unit is None or unit["deleted"]:
        raise PjdeskError("找不到该单位，可能已被删除")
    if unit["township"] != session.require_station().code:
        raise PjdeskError("这是其他乡镇的单位，只能由该乡镇修改")
    return unit
