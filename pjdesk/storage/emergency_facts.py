"""What the emergency rules, targets and 表7 read: units with their latest drill, plans, drills, their problems
and teams. Each query reads live records only; ``township`` keeps one township's (None: every township held).

The rules themselves are in pjdesk.core.emergency; these only gather the rows they are applied to.
"""

from __future__ import annotations

from pjdesk.core.emergency import CROWDED, DONE, TRADING

from .database import Store


def _scope(clauses: list[str], params: dict, township: str | None, alias: str) -> None:
    if township:
        clauses.append(f"{alias}.township = :township")
        params["township"] = township


def drill_candidates(store: Store, *, end: str, township: str | None = None) -> list[dict]:
    """The units that must drill (高危企业 or 人员密集场所, 正常), each with ``id``, ``township``, ``name``,
    ``sector``, ``is_high_risk``, ``status`` and ``last_drill``: the date of its latest live drill up to
    ``end`` (None if none)."""
    clauses = ["u.deleted = 0", "u.status = :trading", "(u.is_high_risk = 1 OR u.sector = :crowded)"]
    params = {"end": end, "trading": TRADING, "crowded": CROWDED}
    _scope(clauses, params, township, "u")
    return store._rows(
        "SELECT u.id, u.township, u.name, u.sector, u.is_high_risk, u.status, u.village,"
        " (SELECT MAX(d.date) FROM drill d WHERE d.unit_id = u.id AND d.deleted = 0 AND d.date <= :end)"
        f" AS last_drill FROM unit u WHERE {' AND '.join(clauses)} ORDER BY u.name, u.rowid", params)


def plans(store: Store, *, township: str | None = None, issued_by: str | None = None) -> list[dict]:
    """The live plans (issued by ``issued_by``, when given): ``id``, ``township``, ``name``, ``level``,
    ``unit_id``, ``unit_name``, ``issued``, ``filed`` and ``next_assessment``."""
    clauses, params = ["p.deleted = 0"], {}
    _scope(clauses, params, township, "p")
    if issued_by:
        clauses.append("p.issued <= :issued_by")
        params["issued_by"] = issued_by
    return store._rows(
        "SELECT p.id, p.township, p.name, p.level, p.unit_id, u.name AS unit_name, p.issued, p.filed,"
        " p.next_assessment FROM plan p LEFT JOIN unit u ON u.id = p.unit_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY p.next_assessment, p.rowid", params)


def plans_assessed_by(store: Store, *, day: str, township: str | None = None) -> list[dict]:
    """The live plans whose 下次评估日期 is on or before ``day`` (as ``plans``)."""
    clauses, params = ["p.deleted = 0", "p.next_assessment <= :day"], {"day": day}
    _scope(clauses, params, township, "p")
    return store._rows(
        "SELECT p.id, p.township, p.name, p.level, p.unit_id, u.name AS unit_name, p.issued, p.filed,"
        " p.next_assessment FROM plan p LEFT JOIN unit u ON u.id = p.unit_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY p.next_assessment, p.rowid", params)


def drills_between(store: Store, *, start: str, end: str, township: str | None = None) -> list[dict]:
    """The live drills dated from ``start`` to ``end``, in date order, with ``unit_name`` and every column of the
    drill (``problem_count``, ``problems_done`` included)."""
    clauses, params = ["d.deleted = 0", "d.date BETWEEN :start AND :end"], {"start": start, "end": end}
    _scope(clauses, params, township, "d")
    return store._rows(
        "SELECT d.*, u.name AS unit_name FROM drill d LEFT JOIN unit u ON u.id = d.unit_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY d.date, d.rowid", params)


def open_problems(store: Store, *, before: str, township: str | None = None) -> list[dict]:
    """The live problems of live drills not 完成 whose 期限 is before ``before``: ``id``, ``township``,
    ``problem``, ``responsible``, ``deadline``, ``status``, ``drill_id``, ``drill_date``, ``unit_name``."""
    clauses = ["p.deleted = 0", "d.deleted = 0", "p.status != :done", "p.deadline < :before"]
    params = {"done": DONE, "before": before}
    _scope(clauses, params, township, "p")
    return store._rows(
        "SELECT p.id, p.township, p.problem, p.responsible, p.deadline, p.status, p.drill_id,"
        " d.date AS drill_date, u.name AS unit_name FROM drill_problem p JOIN drill d ON d.id = p.drill_id"
        f" LEFT JOIN unit u ON u.id = d.unit_id WHERE {' AND '.join(clauses)} ORDER BY p.deadline, p.rowid", params)


def teams(store: Store, *, founded_by: str | None = None, township: str | None = None) -> list[dict]:
    """The live teams (founded on or before ``founded_by``, when given): ``id``, ``township``, ``name``, ``type``,
    ``village``, ``founded``, ``leader``, ``phone``, ``members`` and ``equipment_complete`` (0/1, as the
    equipment is listed now)."""
    clauses, params = ["t.deleted = 0"], {}
    _scope(clauses, params, township, "t")
    if founded_by:
        clauses.append("t.founded <= :founded_by")
        params["founded_by"] = founded_by
    return store._rows(
        "SELECT t.id, t.township, t.name, t.type, t.village, t.founded, t.leader, t.phone, t.members,"
        f" t.equipment_complete FROM team t WHERE {' AND '.join(clauses)} ORDER BY t.township, t.type, t.name",
        params)
