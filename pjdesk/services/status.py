"""The station at a glance, for ``pjdesk status --json`` and the settings page."""

from pjdesk.storage import ledger
from pjdesk.storage import records as record_queries
from pjdesk.storage.migrations import SCHEMA_VERSION

from .hazards import number_clashes, number_letter
from .records import record_kinds
from .session import Session
from .sync import held_back


def station_status(session: Session) -> dict:
    """On the county, ``counts`` covers every township's rows it holds, and ``townships`` has one entry per
    township: its hazards, those open, and when its last exchange file arrived (null: never).
    ``hazard_numbers`` has this device's ``letter`` and the ``clashes``: numbers more than one hazard carries.
    ``counts`` has every kind by its command-line name (units, hazards, inspections, documents, attachments …),
    live records only, and the hazard ledger's own figures (hazards_open …)."""
    station = session.station
    counts = ledger.summary_counts(session.store, session.today())
    for kind in record_kinds():
        if kind.command not in counts:
            counts[kind.command] = record_queries.count(session.store, kind, record_queries.RecordQuery())
    status = {
        "station": {"role": station.role, "code": station.code, "name": station.name} if station else None,
        "schema_version": SCHEMA_VERSION,
        "counts": counts,
    }
    if station and station.is_county:
        status["townships"] = ledger.township_counts(session.store)
    if station:
        # Records received but waiting for one they refer to: never invisible (per kind label, e.g. {"隐患": 4}).
        status["held_back"] = held_back(session)
        # This device's letter in the hazard numbers, and any number two devices both gave (never silent).
        status["hazard_numbers"] = {"letter": number_letter(session),
                                    "clashes": [c["hazard_no"] for c in number_clashes(session)]}
    return status
