"""待办: what falls due, from every kind that declares a source of reminders.

A kind's module declares its sources (``reminder_source(ReminderSource(...))``) when it is imported; the 待办
page, the 工作台 card and ``pjdesk reminders`` list whatever is registered, so adding a source touches neither.
A source is an SQL query (as the SQL twins of the kinds' rules are) that gives, for the day ``:today`` and
the window's last day ``:soon``, one row per reminder with the columns of ``COLUMNS``. Storage runs it; the
source's own module defines what is due, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# What every source selects: the record it is about (its kind and id), its township, the unit and person
# (ids, or NULL), why it is due (Chinese, as the officer reads it) and when (an ISO date; past when late).
COLUMNS = ("record", "township", "unit_id", "person_id", "reason", "due")


@dataclass(frozen=True)
class ReminderSource:
    name: str  # unique: "certificate_due"
    label: str  # what the page's filter calls it: 证书到期、复审
    kind: str  # the record kind the reminder opens (its ``record`` is an id of it)
    sql: str  # SELECT … AS record, … AS township, … AS unit_id, … AS person_id, … AS reason, … AS due
    days: int = 60  # the window: what falls due within these days from today (:soon), besides what is late
    township_column: str = "township"  # the column of the query's rows a station's scope filters on
    # What the reminder is about, as the command line names kinds (``pjdesk reminders --json`` "kind"): a unit
    # due a drill is about drills though it opens the unit. Empty: the command name of ``kind``.
    topic: str = ""

    @property
    def about(self) -> str:
        if self.topic:
            return self.topic
        from .kinds import KINDS

        return KINDS[self.kind].command or self.kind

    def window(self, today: dt.date) -> dict[str, str]:
        return {"today": today.isoformat(), "soon": (today + dt.timedelta(days=self.days)).isoformat()}


_SOURCES: dict[str, ReminderSource] = {}


def reminder_source(source: ReminderSource) -> ReminderSource:
    """Register a source of reminders (from the module of the kind it is about)."""
    if source.name in _SOURCES and _SOURCES[source.name] != source:
        raise ValueError(f"待办来源 {source.name} 重复登记")
    _SOURCES[source.name] = source
    return source


def kinds_read() -> frozenset[str]:
    """The record kinds some source's query reads (a table it names): a change to one of them may change
    what is due, and a list of reminders is read again."""
    import re

    from .kinds import KINDS

    queries = " ".join(s.sql for s in reminder_sources())
    return frozenset(k.name for k in KINDS.values() if re.search(rf"\b{re.escape(k.table)}\b", queries))


def reminder_sources() -> list[ReminderSource]:
    """Every registered source, in the order they were declared. The kinds' modules declare theirs on import."""
    from . import kinds, qualifications  # noqa: F401 - the modules that declare sources

    return list(_SOURCES.values())
