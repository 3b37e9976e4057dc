"""How an officer has arranged the program's views on this PC (a list's columns: which show, in what order).

Kept in the station's settings table, which never travels in an exchange file: an arrangement is one desk's
habit, not data. What is read back is checked, never trusted: a value that is not what was written (an older
program's, a hand-edited database) is ignored and the view starts as the program lays it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .session import Session

PREFIX = "view."
MAX_COLUMNS = 200


@dataclass(frozen=True)
class ColumnLayout:
    order: tuple[str, ...] = ()  # column keys, left to right; keys not named keep their place after these
    hidden: frozenset[str] = frozenset()


def column_layout(session: Session, view: str) -> ColumnLayout:
    raw = session.store.setting(PREFIX + view)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return ColumnLayout()
    if not isinstance(data, dict):
        return ColumnLayout()
    order, hidden = data.get("order"), data.get("hidden")
    keys = [k for k in order if isinstance(k, str)][:MAX_COLUMNS] if isinstance(order, list) else []
    gone = [k for k in hidden if isinstance(k, str)][:MAX_COLUMNS] if isinstance(hidden, list) else []
    return ColumnLayout(tuple(dict.fromkeys(keys)), frozenset(gone))


def save_column_layout(session: Session, view: str, layout: ColumnLayout | None) -> None:
    """Keep ``layout`` for ``view``; None forgets it (the program's own layout again)."""
    value = None if layout is None else json.dumps(
        {"order": list(layout.order), "hidden": sorted(layout.hidden)}, ensure_ascii=False)
    session.store.set_settings({PREFIX + view: value})
