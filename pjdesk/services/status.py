"""The station at a glance, for ``pjdesk status --json`` and the settings page."""

from pjdesk.storage import ledger
from pjdesk.storage.migrations import SCHEMA_VERSION

from .session import Session
from .sync import held_back


def station_status(session: Session) -> dict:
    """On the county, ``counts`` covers every township's rows it holds, and ``townships`` has one entry per
    township: its hazards, those open, and when its last exchange file arrived (null: never)."""
    station = session.station
    status = {
        "station": {"role": station.role, "code": station.code, "name": station.name} if station else None,
        "schema_version": SCHEMA_VERSION,
        "counts": ledger.summary_counts(session.store, session.today()),
    }
    if station and station.is_county:
        status["townships"] = ledger.township_counts(session.store)
    if station:
        # Records received but waiting for one they refer to: never invisible (per kind label, e.g. {"隐患": 4}).
        status["held_back"] = held_back(session)
    return status
