"""The people of a day D, with what they have of training and certificates, for the targets T17, T18a, T18b,
T51 and T52, 表6 and the lists behind them.

One SQL view of each person 在册 on D (the one definition of pjdesk.core.person, as SQL) with: the sector
and 高危 mark of the unit, whether the person had a training 考核合格 dated from 1 January to D, the hours of
those trainings against the yearly minimum (pjdesk.core.training_hours, as a CASE), the certificate types
valid on D, and those of them that stop being valid within 60 days of D (表6). ``people_counts`` groups it
(the counts every rate and 表6 are sums of); ``people_rows`` lists the persons of a part of it. Records count
by their own dates, whenever entered; deleted ones do not count.

It is read for a county of 200,000 people within a second, so the query is shaped by what SQLite does well:
- the year's passed training hours and the valid certificates are each worked out once for the whole
  station (a GROUP BY per person, from the covering indexes of migration m013) and joined to the roster by
  the automatic index SQLite builds on them; a correlated sub-query per person, or the roster driving them
  through ``person_id IN (…)``, costs more;
- the units are read once into a small table (8,000 rows for a county) rather than looked up in ``unit``
  for every person;
- a person's certificates are a bit mask of the types of the vocabulary (SUM of DISTINCT bits), not text;
  the booleans and the two masks are packed into one integer ``facts``, so that 187,598 people are sorted
  into their groups on five short keys, and the packing is undone once per group in Python;
- the persons are scanned in table order (NOT INDEXED): an index of the township's list that matches the
  first keys of the grouping would save the sort only to cost a random read of every person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

from pjdesk.core.person import PASSED, lapse_date_sql, on_roster_sql, valid_on_sql
from pjdesk.core.qualifications import DUE_WITHIN_DAYS
from pjdesk.core.records import vocabulary
from pjdesk.core.training_hours import FIRST, YEARLY, TrainingMinimum

from .database import Store

CERT_SEPARATOR = "|"
CERTIFICATE_TYPES = "certificate_type"  # the vocabulary whose types are the bits of a certificate mask
# The columns a person's facts are grouped by (people_counts) and listed with (people_rows).
GROUPED = ("township", "role_class", "employment", "sector", "high_risk", "trained", "hours_met", "certs",
           "certs_due")
# ``facts``: 高危企业 (bit 0), trained (1), hours_met (2), then the mask of the valid certificates and the mask
# of those falling due, each as wide as the vocabulary of certificate types.
_HIGH_RISK, _TRAINED, _HOURS_MET, _CERTS_SHIFT = 1, 2, 4, 3


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def required_hours_sql(minimum: TrainingMinimum, role_class: str = "role_class", sector: str = "sector",
                       hired_in_year: str = "hired_in_year") -> str:
    """The yearly minimum of each person as an SQL expression over the SQL expressions ``role_class``,
    ``sector`` and ``hired_in_year``: the twin of TrainingMinimum.required."""
    managers, sectors = _quoted(minimum.managers), _quoted(minimum.high_risk_sectors)
    cases = []
    for group, condition in (
            ("managers_high_risk", f"{role_class} IN ({managers}) AND {sector} IN ({sectors})"),
            ("managers", f"{role_class} IN ({managers})"),
            ("others_high_risk", f"{sector} IN ({sectors})")):
        hours = minimum.hours[group]
        cases.append(f"WHEN {condition} THEN CASE WHEN {hired_in_year} THEN {float(hours[FIRST])!r}"
                     f" ELSE {float(hours[YEARLY])!r} END")
    others = minimum.hours["others"]
    return (f"CASE {' '.join(cases)} ELSE CASE WHEN {hired_in_year} THEN {float(others[FIRST])!r}"
            f" ELSE {float(others[YEARLY])!r} END END")


@cache
def _certificate_types() -> tuple[str, ...]:
    return tuple(vocabulary(CERTIFICATE_TYPES))


def _certificate_bit_sql(alias: str) -> str:
    """A certificate's type as its bit (0 for a type the vocabulary does not hold: no rate counts it)."""
    whens = " ".join(f"WHEN {_quoted([t])} THEN {1 << i}" for i, t in enumerate(_certificate_types()))
    return f"CASE {alias}.cert_type {whens} ELSE 0 END"


@cache
def _certificate_names(mask: int) -> tuple[str, ...]:
    """The types of a mask, sorted as the lists have always been."""
    return tuple(sorted(t for i, t in enumerate(_certificate_types()) if mask >> i & 1))


def _people_sql(minimum: TrainingMinimum, township: str | None, where: str = "") -> str:
    """Every person 在册 on :day (of ``township``, or all) with the facts the rates read, as a query: its
    ``certs`` and ``certs_due`` are masks of _certificate_types()."""
    own = "AND p.township = :township" if township else ""
    bit = _certificate_bit_sql("c")
    hired_in_year = "(p.hired IS NOT NULL AND p.hired >= :year_start)"
    return f"""
    WITH units AS MATERIALIZED (
        SELECT id, name, sector, COALESCE(is_high_risk, 0) AS high_risk FROM unit WHERE deleted = 0
    ),
    trained AS (
        SELECT a.person_id, SUM(COALESCE(t.hours, 0)) AS hours
        FROM training t INDEXED BY training_year
        JOIN training_attendee a ON a.training_id = t.id AND a.deleted = 0 AND a.result = '{PASSED}'
        WHERE t.deleted = 0 AND t.date BETWEEN :year_start AND :day
        GROUP BY a.person_id
    ),
    certified AS (
        SELECT c.person_id, SUM(DISTINCT {bit}) AS certs,
               COALESCE(SUM(DISTINCT CASE WHEN {lapse_date_sql("c")} <= :soon THEN {bit} END), 0) AS certs_due
        FROM certificate c
        WHERE c.deleted = 0 AND {valid_on_sql("c", ":day")}
        GROUP BY c.person_id
    ),
    people AS (
        SELECT p.id, p.township, p.name, p.unit_id, u.name AS unit_name, p.role_class, p.employment, p.hired,
               u.sector, COALESCE(u.high_risk, 0) AS high_risk, {hired_in_year} AS hired_in_year,
               t.hours IS NOT NULL AS trained,
               COALESCE(t.hours, 0) AS hours,
               ({required_hours_sql(minimum, "p.role_class", "u.sector", hired_in_year)}) AS required,
               COALESCE(c.certs, 0) AS certs, COALESCE(c.certs_due, 0) AS certs_due
        FROM person p NOT INDEXED
        LEFT JOIN units u ON u.id = p.unit_id
        LEFT JOIN trained t ON t.person_id = p.id
        LEFT JOIN certified c ON c.person_id = p.id
        WHERE p.deleted = 0 {own} AND {on_roster_sql("p", ":day")}
    )
    SELECT *, hours >= required AS hours_met FROM people {where}
    """


def _params(day: str, year_start: str, township: str | None) -> dict:
    soon = dt.date.fromisoformat(day) + dt.timedelta(days=DUE_WITHIN_DAYS)
    params = {"day": day, "year_start": year_start, "soon": soon.isoformat()}
    if township:
        params["township"] = township
    return params


@cache
def _unpacked(facts: int) -> dict:
    """The columns of GROUPED packed into ``facts`` (``certs`` sorted and ``|``-joined)."""
    width = len(_certificate_types())
    return {"high_risk": facts & _HIGH_RISK, "trained": int(bool(facts & _TRAINED)),
            "hours_met": int(bool(facts & _HOURS_MET)),
            "certs": CERT_SEPARATOR.join(_certificate_names(facts >> _CERTS_SHIFT & ((1 << width) - 1))),
            "certs_due": CERT_SEPARATOR.join(_certificate_names(facts >> (_CERTS_SHIFT + width)))}


def people_counts(store: Store, *, day: str, year_start: str, minimum: TrainingMinimum,
                  township: str | None = None) -> list[dict]:
    """The persons 在册 on ``day`` counted by the columns of GROUPED (``certs``: the types of the certificates
    valid on ``day``, sorted and ``|``-joined), each group with ``people``, its number of persons."""
    width = len(_certificate_types())
    facts = (f"(high_risk <> 0) * {_HIGH_RISK} + trained * {_TRAINED} + hours_met * {_HOURS_MET}"
             f" + (certs << {_CERTS_SHIFT}) + (certs_due << {_CERTS_SHIFT + width})")
    sql = (f"SELECT township, role_class, employment, sector, {facts} AS facts, COUNT(*) AS people"
           f" FROM ({_people_sql(minimum, township)}) GROUP BY 1, 2, 3, 4, 5")
    cursor = store.db.conn.execute(sql, _params(day, year_start, township))
    return [{"township": t, "role_class": role, "employment": employment, "sector": sector,
             **_unpacked(packed), "people": people}
            for t, role, employment, sector, packed, people in cursor]


def people_rows(store: Store, *, day: str, year_start: str, minimum: TrainingMinimum, township: str | None = None,
                roles: Sequence[str] | None = None, sector: str | None = None, high_risk_unit: bool = False,
                limit: int | None = None) -> list[dict]:
    """The persons 在册 on ``day`` of a part of the roster (by 岗位类别, the unit's sector, 高危企业), in the
    order of their unit and name: ``id``, ``township``, ``name``, ``unit_id``, ``unit_name``, the columns
    of GROUPED (``certs`` as a list), ``hired``, ``hours`` and ``required``."""
    clauses, params = [], _params(day, year_start, township)
    if roles is not None:
        clauses.append(f"role_class IN ({_quoted(roles)})")
    if sector is not None:
        clauses.append("sector = :sector")
        params["sector"] = sector
    if high_risk_unit:
        clauses.append("high_risk = 1")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = _people_sql(minimum, township, where) + " ORDER BY unit_name, name, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = store._rows(sql, params)
    for row in rows:
        for column in ("certs", "certs_due"):
            row[column] = list(_certificate_names(row[column]))
    return rows
