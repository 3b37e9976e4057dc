"""What refers to a record, for its detail panel: the records of other kinds that point at it (a person's
certificates), and the records whose child rows do (the trainings a person attended, each with the attendee
row's own fields: 考核结果). Any kind, from the declarations: a reference is a REF field, a child row's record is
its parent."""

from __future__ import annotations

from dataclasses import dataclass

from pjdesk.core.kinds import KINDS
from pjdesk.core.records import DATE, RecordKind

from .personal_data import mask_rows
from .records import RecordQuery, count_records, get_record, list_records
from .session import Session


@dataclass(frozen=True)
class Referring:
    """The live records of ``kind`` that refer to the record (through a child row of kind ``via``, whose own
    fields are under ``"via"`` in each row), the latest first; ``total`` may be more than the rows given."""

    kind: RecordKind
    via: RecordKind | None
    total: int
    rows: list[dict]


def referring_records(session: Session, kind: RecordKind, record_id: str, *, limit: int = 20) -> list[Referring]:
    """Every kind's records that refer to the record ``record_id`` of ``kind``, as this station may see them
    (a township its own), at most ``limit`` of each. Personal data masked as in any list."""
    out = []
    for other in KINDS.values():
        for f in other.refs():
            if f.ref != kind.name or (other.parent and other.parent[0] == f.name):
                continue
            query = RecordQuery(filters={f.name: record_id})
            total = count_records(session, other, query)
            if not total:
                continue
            listed = list_records(session, other, query, limit=limit if other.parent is None else 10 * limit)
            # (a child kind's rows, in the order they were made: its parents sorted by their date below)
            if other.parent is None:
                out.append(Referring(other, None, total, _latest(other, listed)[:limit]))
                continue
            link, parent = other.parent[0], KINDS[other.parent[1]]
            rows = []
            for row in listed:
                child = session.store.get(other, row["id"])
                owner = get_record(session, parent, child[link]) if child and child.get(link) else None
                if owner is None or owner.get("deleted"):
                    continue
                mask_rows(other, [child])
                mask_rows(parent, [owner])
                rows.append({**{k: v for k, v in owner.items() if not isinstance(v, list)}, "via": child})
            out.append(Referring(parent, other, total, _latest(parent, rows)[:limit]))
    return out


def _latest(kind: RecordKind, rows: list[dict]) -> list[dict]:
    """By the kind's date (its title when that is a date, else its first date in the list), latest first."""
    dates = [f.name for f in kind.fields if f.type == DATE and (f.name == kind.title_field or f.in_list)]
    if not dates:
        return rows
    key = kind.title_field if kind.title_field in dates else dates[0]
    return sorted(rows, key=lambda r: r.get(key) or "", reverse=True)
