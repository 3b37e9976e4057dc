"""待办: what falls due on this station, from every registered source (pjdesk.core.reminders), and the
证书到期提醒 a township prints for a unit.

On a township its own records; on the county every township's. The day is the session's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pjdesk.core.errors import PjdeskError
from pjdesk.core.person import CERTIFICATE
from pjdesk.core.qualifications import CERTIFICATE_DUE, DUE_WITHIN_DAYS, UNCERTIFIED_OPERATOR
from pjdesk.core.reminders import ReminderSource, reminder_sources
from pjdesk.core.unit import UNIT
from pjdesk.storage.database import plain_errors
from pjdesk.storage.reminders import count_reminders, due_reminders

from .session import Session

JSON_KEYS = ("kind", "record", "unit", "person", "reason", "due")


def sources() -> list[ReminderSource]:
    """The registered sources, in the order the page's filter lists them."""
    return reminder_sources()


def reminders(session: Session, *, source: str | None = None, unit_id: str | None = None) -> list[dict]:
    """Every reminder due on this station today (one source's, one unit's), the earliest first: ``source``,
    ``kind``, ``record`` (the id of the record of ``kind``), ``township``, ``unit_id``, ``unit``,
    ``person_id``, ``person``, ``reason``, ``due`` (ISO; a day past when late) and ``late`` (due before today)."""
    station = session.require_station()
    chosen = [s for s in reminder_sources() if source is None or s.name == source]
    today = session.today()
    rows = due_reminders(session.store, chosen, today=today, township=None if station.is_county else station.code)
    if unit_id is not None:
        rows = [r for r in rows if r["unit_id"] == unit_id]
    for row in rows:
        row["late"] = bool(row["due"]) and row["due"] < today.isoformat()
    return rows


def reminder_total(session: Session) -> int:
    """How many reminders ``reminders`` lists today (the 工作台's card), without reading them."""
    station = session.require_station()
    return count_reminders(session.store, reminder_sources(), today=session.today(),
                           township=None if station.is_county else station.code)


def reminders_json(session: Session) -> list[dict]:
    """``pjdesk reminders --json``: ``[{"kind", "record", "unit", "person", "reason", "due"}]``: ``kind`` what
    the reminder is about as the command line names kinds (certificates, drills, plans), names for the unit
    and person (None without one), ``due`` an ISO date."""
    about = {s.name: s.about for s in reminder_sources()}
    return [{key: r[key] for key in JSON_KEYS} | {"kind": about[r["source"]]} for r in reminders(session)]


def reminder_counts(session: Session) -> dict[str, int]:
    """How many reminders each source has today, by its label, in the sources' order (the 工作台 card)."""
    counted = Counter(r["source"] for r in reminders(session))
    return {s.label: counted.get(s.name, 0) for s in reminder_sources()}


# --- 证书到期提醒 -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    pdf: Path
    xlsx: Path
    rows: int


def notice_units(session: Session) -> list[dict]:
    """The units a 证书到期提醒 can be sent to today (those with a certificate reminder): ``id``, ``name``, and
    ``count`` (its reminders), by name."""
    counted: Counter = Counter()
    names = {}
    for r in _certificate_reminders(session):
        if r["unit_id"]:
            counted[r["unit_id"]] += 1
            names[r["unit_id"]] = r["unit"] or ""
    return sorted(({"id": u, "name": names[u], "count": n} for u, n in counted.items()), key=lambda u: u["name"])


def _certificate_reminders(session: Session, unit_id: str | None = None) -> list[dict]:
    wanted = (CERTIFICATE_DUE.name, UNCERTIFIED_OPERATOR.name)
    return [r for r in reminders(session, unit_id=unit_id) if r["source"] in wanted]


def build_certificate_notice(session: Session, unit_id: str, out_dir: str | Path) -> Notice:
    """The 证书到期提醒 of one unit as of today, written as PDF and XLSX to ``out_dir`` (named
    证书到期提醒-单位-日期): its certificates falling due within 60 days or lapsed, and its special operators
    without a valid certificate."""
    # The document engine (reportlab, openpyxl) only when a notice is printed: the 工作台 counts reminders at
    # start-up, and importing it then would cost the window 0.6 s before its first paint.
    from pjdesk.forms.certificate_notice import certificate_notice
    from pjdesk.forms.document_pdf import render_document_pdf
    from pjdesk.forms.document_xlsx import render_document_xlsx

    from .documents import issuer

    unit = session.store.get(UNIT, unit_id)
    if unit is None or unit["deleted"]:
        raise PjdeskError("没有这个单位（可能已被删除）；请点“刷新”后重新选择")
    rows = _certificate_reminders(session, unit_id)
    for row in rows:
        cert = session.store.get(CERTIFICATE, row["record"]) if row["kind"] == CERTIFICATE.name else None
        row["cert_no"] = cert["cert_no"] if cert else ""
        if cert is None:
            row["due"] = None  # a person without a certificate: no certificate's date to print
    today = session.today()
    filled = certificate_notice(unit, rows, issuer=issuer(session), date=today, days=DUE_WITHIN_DAYS)
    out = Path(out_dir)
    stem = f"证书到期提醒-{_safe(unit['name'])}-{today.isoformat()}"
    with plain_errors("写出证书到期提醒"):
        out.mkdir(parents=True, exist_ok=True)
        pdf = render_document_pdf(filled, out / f"{stem}.pdf")
        xlsx = render_document_xlsx(filled, out / f"{stem}.xlsx")
    return Notice(Path(pdf), Path(xlsx), len(rows))


def _safe(name: str) -> str:
    """A unit's name as part of a file name on every system."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name or "单位").strip("_")[:40] or "单位"
