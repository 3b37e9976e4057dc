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
  the booleans and the two masks are packed into one integer ``facts``, and with the places of the person's
  values in the vocabularies into one key, so that 187,598 people are sorted into their groups on their
  township and one integer; the packing is undone once per group in Python (people_counts);
- the persons are scanned in table order (NOT INDEXED): an index of the township's list that matches the
  first keys of the grouping would save the sort only to cost a random read of every person.

One township's people (a township's own station, or one township of the county's file: its 表6 month by
month) are a few thousand of the county's 200,000: then the township's roster drives all three parts, through
the township's index, each attendance and certificate found by its person (70 ms instead of 270 ms a month).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pjdesk.core.person import PASSED, PERSON, lapse_date_sql, on_roster_sql, valid_on_sql
from pjdesk.core.qualifications import DUE_WITHIN_DAYS
from pjdesk.core.records import vocabulary
from pjdesk.core.training_hours import FIRST, YEARLY, TrainingMinimum
from pjdesk.core.unit import UNIT

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
    bit = _certificate_bit_sql("c")
    hired_in_year = "(p.hired IS NOT NULL AND p.hired >= :year_start)"
    if township:  # the township's persons lead (see the module's docstring)
        roster, own = "FROM person p INDEXED BY person_township", "AND p.township = :township"
        attendances = (f"""FROM person r INDEXED BY person_township
        JOIN training_attendee a ON a.person_id = r.id AND a.deleted = 0 AND a.result = '{PASSED}'
        JOIN training t ON t.id = a.training_id
        WHERE r.township = :township AND r.deleted = 0 AND t.deleted = 0 AND t.date BETWEEN :year_start AND :day""")
        certificates = """FROM person r INDEXED BY person_township JOIN certificate c ON c.person_id = r.id
        WHERE r.township = :township AND r.deleted = 0 AND c.deleted = 0"""
    else:
        roster, own = "FROM person p NOT INDEXED", ""
        attendances = (f"""FROM training t INDEXED BY training_year
        JOIN training_attendee a ON a.training_id = t.id AND a.deleted = 0 AND a.result = '{PASSED}'
        WHERE t.deleted = 0 AND t.date BETWEEN :year_start AND :day""")
        certificates = """FROM certificate c
        WHERE c.deleted = 0"""
    return f"""
    WITH units AS MATERIALIZED (
        SELECT id, name, sector, COALESCE(is_high_risk, 0) AS high_risk, {_ordinal_sql("sector", _SECTOR)} AS sector_code
        FROM unit WHERE deleted = 0
    ),
    trained AS (
        SELECT a.person_id, SUM(COALESCE(t.hours, 0)) AS hours
        {attendances}
        GROUP BY a.person_id
    ),
    certified AS (
        SELECT c.person_id, SUM(DISTINCT {bit}) AS certs,
               COALESCE(SUM(DISTINCT CASE WHEN {lapse_date_sql("c")} <= :soon THEN {bit} END), 0) AS certs_due
        {certificates} AND {valid_on_sql("c", ":day")}
        GROUP BY c.person_id
    ),
    people AS (
        SELECT p.id, p.township, p.name, p.unit_id, u.name AS unit_name, p.role_class, p.employment, p.hired,
               u.sector, COALESCE(u.sector_code, {len(_SECTOR.values)}) AS sector_code,
               COALESCE(u.high_risk, 0) AS high_risk, {hired_in_year} AS hired_in_year,
               t.hours IS NOT NULL AS trained,
               COALESCE(t.hours, 0) AS hours,
               ({required_hours_sql(minimum, "p.role_class", "u.sector", hired_in_year)}) AS required,
               COALESCE(c.certs, 0) AS certs, COALESCE(c.certs_due, 0) AS certs_due
        {roster}
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


def people_counts_each(store: Store, days: Sequence[tuple[str, str]], *, minimum: TrainingMinimum,
                       township: str) -> list[list[dict]]:
    """``people_counts`` of one township for several days (each ``(day, year_start)``: a year of 表6) in one
    query: the township's roster, its passed attendances over the days' span and its certificates read once,
    then each day's persons 在册, hours and valid certificates from them, by the same SQL twins as
    ``_people_sql``; the groups of each day as people_counts gives them (a test holds the two together)."""
    if not days:
        return []
    width = len(_certificate_types())
    bit = _certificate_bit_sql("c")
    hired_in_year = "(p.hired IS NOT NULL AND p.hired >= d.year_start)"
    params: dict = {"township": township, "first": min(y for _, y in days), "last": max(d for d, _ in days)}
    values = []
    for i, (day, year_start) in enumerate(days):
        soon = dt.date.fromisoformat(day) + dt.timedelta(days=DUE_WITHIN_DAYS)
        params.update({f"d{i}": day, f"y{i}": year_start, f"s{i}": soon.isoformat()})
        values.append(f"({i}, :d{i}, :y{i}, :s{i})")
    facts_bits = _CERTS_SHIFT + 2 * width
    place = (f"({_ordinal_sql('p.role_class', _ROLE)} * {_EMPLOYMENT.size}"
             f" + {_ordinal_sql('p.employment', _EMPLOYMENT)}) * {_SECTOR.size}"
             f" + COALESCE(u.sector_code, {len(_SECTOR.values)})")  # a person's places, once, not once a day
    sql = f"""
    WITH days(i, day, year_start, soon) AS (VALUES {", ".join(values)}),
    units AS MATERIALIZED (
        SELECT id, sector, COALESCE(is_high_risk, 0) AS high_risk, {_ordinal_sql("sector", _SECTOR)} AS sector_code
        FROM unit WHERE deleted = 0
    ),
    roster AS MATERIALIZED (
        SELECT p.id, p.township, p.role_class, p.hired, p.left_on, u.sector, {place} AS place,
               COALESCE(u.high_risk, 0) AS high_risk
        FROM person p INDEXED BY person_township LEFT JOIN units u ON u.id = p.unit_id
        WHERE p.deleted = 0 AND p.township = :township
    ),
    attended AS MATERIALIZED (
        SELECT a.person_id, t.date, t.hours
        FROM person r INDEXED BY person_township
        JOIN training_attendee a ON a.person_id = r.id AND a.deleted = 0 AND a.result = '{PASSED}'
        JOIN training t ON t.id = a.training_id
        WHERE r.township = :township AND r.deleted = 0 AND t.deleted = 0 AND t.date BETWEEN :first AND :last
    ),
    trained AS MATERIALIZED (
        SELECT d.i, e.person_id, SUM(COALESCE(e.hours, 0)) AS hours
        FROM days d JOIN attended e ON e.date BETWEEN d.year_start AND d.day
        GROUP BY d.i, e.person_id
    ),
    held AS MATERIALIZED (
        SELECT c.person_id, c.cert_type, c.valid_until, c.review_due
        FROM person r INDEXED BY person_township JOIN certificate c ON c.person_id = r.id
        WHERE r.township = :township AND r.deleted = 0 AND c.deleted = 0
    ),
    certified AS MATERIALIZED (
        SELECT d.i, c.person_id, SUM(DISTINCT {bit}) AS certs,
               COALESCE(SUM(DISTINCT CASE WHEN {lapse_date_sql("c")} <= d.soon THEN {bit} END), 0) AS certs_due
        FROM days d JOIN held c ON {valid_on_sql("c", "d.day")}
        GROUP BY d.i, c.person_id
    ),
    people AS (
        SELECT d.i, p.township, p.place, p.high_risk,
               t.hours IS NOT NULL AS trained,
               COALESCE(t.hours, 0) >= ({required_hours_sql(minimum, "p.role_class", "p.sector", hired_in_year)})
                   AS hours_met,
               COALESCE(c.certs, 0) AS certs, COALESCE(c.certs_due, 0) AS certs_due
        FROM days d JOIN roster p ON {on_roster_sql("p", "d.day")}
        LEFT JOIN trained t ON t.i = d.i AND t.person_id = p.id
        LEFT JOIN certified c ON c.i = d.i AND c.person_id = p.id
    )
    SELECT i, township, (place << {facts_bits}) + {_facts_sql()}, COUNT(*) FROM people GROUP BY 1, 2, 3
    """
    each: list[list[dict]] = [[] for _ in days]
    for i, t, packed, count in store.db.conn.execute(sql, params):
        places, facts = divmod(packed, 1 << facts_bits)
        places, sector = divmod(places, _SECTOR.size)
        role, employment = divmod(places, _EMPLOYMENT.size)
        if _ROLE.unknown(role) or _EMPLOYMENT.unknown(employment) or _SECTOR.unknown(sector):
            return [people_counts(store, day=day, year_start=year_start, minimum=minimum, township=township)
                    for day, year_start in days]  # values no vocabulary holds: grouped by the values, day by day
        each[i].append({"township": t, "role_class": _ROLE.value(role), "employment": _EMPLOYMENT.value(employment),
                        "sector": _SECTOR.value(sector), **_unpacked(facts), "people": count})
    return each


def people_counts(store: Store, *, day: str, year_start: str, minimum: TrainingMinimum,
                  township: str | None = None) -> list[dict]:
    """The persons 在册 on ``day`` counted by the columns of GROUPED (``certs``: the types of the certificates
    valid on ``day``, sorted and ``|``-joined), each group with ``people``, its number of persons.

    SQLite groups by sorting, and a key of several text columns costs it a full record comparison each time
    (two thirds of the query's work for 187,598 persons). So the persons are grouped by their township and one
    integer: the places of their 岗位类别, 用工形式 and sector in the vocabularies, and ``facts``. A roster holding
    a value the vocabularies do not (from an old or a foreign station) is grouped by the values themselves."""
    params, people = _params(day, year_start, township), _people_sql(minimum, township)
    facts_bits = _CERTS_SHIFT + 2 * len(_certificate_types())
    key = (f"(({_ordinal_sql('role_class', _ROLE)} * {_EMPLOYMENT.size} + {_ordinal_sql('employment', _EMPLOYMENT)})"
           f" * {_SECTOR.size} + sector_code << {facts_bits}) + {_facts_sql()}")
    groups = []
    for t, packed, count in store.db.conn.execute(
            f"SELECT township, {key}, COUNT(*) FROM ({people}) GROUP BY 1, 2", params):
        places, facts = divmod(packed, 1 << facts_bits)
        places, sector = divmod(places, _SECTOR.size)
        role, employment = divmod(places, _EMPLOYMENT.size)
        if _ROLE.unknown(role) or _EMPLOYMENT.unknown(employment) or _SECTOR.unknown(sector):
            return _counts_grouped_by_values(store, people, params)
        groups.append({"township": t, "role_class": _ROLE.value(role), "employment": _EMPLOYMENT.value(employment),
                       "sector": _SECTOR.value(sector), **_unpacked(facts), "people": count})
    return groups


@dataclass(frozen=True)
class _Places:
    """The values of a vocabulary by their place; after them one place for NULL and one for any other value."""

    values: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.values) + 2

    def value(self, place: int) -> str | None:
        return self.values[place] if place < len(self.values) else None

    def unknown(self, place: int) -> bool:
        return place > len(self.values)


_ROLE = _Places(tuple(PERSON.field("role_class").choices()))
_EMPLOYMENT = _Places(tuple(PERSON.field("employment").choices()))
_SECTOR = _Places(tuple(UNIT.field("sector").choices()))


def _ordinal_sql(column: str, places: _Places) -> str:
    whens = " ".join(f"WHEN {_quoted([v])} THEN {i}" for i, v in enumerate(places.values))
    return f"CASE {column} {whens} ELSE {len(places.values)} + ({column} IS NOT NULL) END"


def _facts_sql() -> str:
    """The person's packed ``facts`` (see _unpacked) as an SQL expression over the columns of _people_sql."""
    width = len(_certificate_types())
    return (f"(high_risk <> 0) * {_HIGH_RISK} + trained * {_TRAINED} + hours_met * {_HOURS_MET}"
            f" + (certs << {_CERTS_SHIFT}) + (certs_due << {_CERTS_SHIFT + width})")


def _counts_grouped_by_values(store: Store, people: str, params: dict) -> list[dict]:
    """people_counts for a roster holding values outside the vocabularies: grouped by the values."""
    cursor = store.db.conn.execute(
        f"SELECT township, role_class, employment, sector, {_facts_sql()}, COUNT(*) FROM ({people})"
        " GROUP BY 1, 2, 3, 4, 5", params)
    return [{"township": t, "role_class": role, "employment": employment, "sector": sector,
             **_unpacked(packed), "people": count}
            for t, role, employment, sector, packed, count in cursor]


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
        del row["sector_code"]
        for column in ("certs", "certs_due"):
            row[column] = list(_certificate_names(row[column]))
    return rows
