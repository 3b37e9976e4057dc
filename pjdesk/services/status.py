"""The station at a glance, for ``pjdesk status --json`` and the settings page."""

from pjdesk.storage import ledger
from pjdesk.storage.migrations import SCHEMA_VERSION

from .session import Session


def station_status(session: Session) -> dict:
    station = session.station
    return {
        "station": {"role": station.role, "code": station.code, "name": station.name} if station else None,
        "schema_version": SCHEMA_VERSION,
        "counts": ledger.summary_counts(session.store, session.today()),
    }
