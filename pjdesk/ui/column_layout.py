"""How an officer has arranged a list's columns on this desk: which show, in what order.

Kept with the rest of what this desk remembers (desk_settings: an INI file in the data folder), never in the
station's data, and never carried in an exchange file: an arrangement is one desk's habit. What is read back
is checked, never trusted: a value that is not what was written (an older program's, a hand-edited file) is
ignored and the list starts as the program lays it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .desk_settings import desk_settings

MAX_COLUMNS = 200


@dataclass(frozen=True)
class ColumnLayout:
    order: tuple[str, ...] = ()  # column keys, left to right; keys not named keep their place after these
    hidden: frozenset[str] = frozenset()


def _key(view: str) -> str:
    return f"columns/{view}"


def column_layout(session, view: str) -> ColumnLayout:
    raw = desk_settings(session).value(_key(view))
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return ColumnLayout()
    if not isinstance(data, dict):
        return ColumnLayout()
    order, hidden = data.get("order"), data.get("hidden")
    keys = [k for k in order if isinstance(k, str)][:MAX_COLUMNS] if isinstance(order, list) else []
    gone = [k for k in hidden if isinstance(k, str)][:MAX_COLUMNS] if isinstance(hidden, list) else []
    return ColumnLayout(tuple(dict.fromkeys(keys)), frozenset(gone))


def save_column_layout(session, view: str, layout: ColumnLayout | None) -> None:
    """Keep ``layout`` for ``view``; None forgets it (the program's own layout again)."""
    settings = desk_settings(session)
    if layout is None:
        settings.remove(_key(view))
    else:
        settings.setValue(_key(view), json.dumps({"order": list(layout.order), "hidden": sorted(layout.hidden)},
                                                 ensure_ascii=False))
    settings.sync()
