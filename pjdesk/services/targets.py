"""The work plan's targets for this station, from 1 January to the end of a month."""

from __future__ import annotations

from pjdesk.core.periods import Month
from pjdesk.indicators import evaluate
from pjdesk.storage.period_facts import hazards_as_of

from .session import Session

# The hazard rules only look at tagged or major hazards: read only those.
RELEVANT = "h.level = '重大' OR (h.tags IS NOT NULL AND h.tags != '')"


def target_status(session: Session, month: Month | None = None):
    """Each computable target with its numerator, denominator, value and whether it is met (None: no data)."""
    month = month or Month.of(session.today())
    station = session.require_station()
    end = min(month.end, session.today()).isoformat()
    facts = hazards_as_of(session.store, year_start=month.year_start.isoformat(), end=end,
                          township=None if station.is_county else station.code, only=RELEVANT)
    return evaluate(facts, month.year_start.isoformat(), end)
