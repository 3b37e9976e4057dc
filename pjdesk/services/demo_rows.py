"""What the demo's planners of bulk records share: record ids drawn from the seed, people's names, the rows
kept per kind, and their writing, township by township, inside the demo's one transaction.

A planner draws every value from its own generator (seeded with its name and the demo's seed), so the same seed
gives the same records whatever else the demo draws, and adding a planner leaves the others' records as they
were.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from pjdesk.core.records import RecordKind

FAMILY = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭罗"
GIVEN = "建国志强海军卫东红梅丽华文杰国庆春生秋菊德明小平"


def day_ms(today: dt.date, hour: int) -> int:
    """The moment the ids of a planner start from: ``hour`` o'clock (UTC) of the day before ``today``."""
    return int(dt.datetime.combine(today, dt.time(hour)).replace(tzinfo=dt.timezone.utc).timestamp() * 1000) - 86_400_000


def seeded_id(rng: random.Random, ms: int) -> str:
    """A UUIDv7 of the moment ``ms``, every other bit drawn from ``rng``: ids that sort, from the seed."""
    bits = rng.getrandbits
    h = f"{ms << 80 | 0x7 << 76 | bits(12) << 64 | 0b10 << 62 | bits(62):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class PlannedRows:
    """Rows of ``kinds`` planned from ``seed`` as of ``today``; ids stamped at ``hour`` o'clock of the day before
    (each planner its own hour, so that ids of two planners never meet)."""

    def __init__(self, name: str, seed: int, today: dt.date, kinds: Sequence[RecordKind], hour: int):
        self.rng = random.Random(f"{name}-{seed}")
        self.today = today
        self.kinds = tuple(kinds)
        self.rows: dict[str, list[dict]] = {k.name: [] for k in self.kinds}
        self._serial = 0
        self._ms = day_ms(today, hour)

    def _id(self) -> str:
        self._serial += 1
        return seeded_id(self.rng, self._ms + self._serial)

    def _add(self, kind: RecordKind, row: dict) -> dict:
        row = {"id": self._id(), **row}
        self.rows[kind.name].append(row)
        return row

    def _person(self) -> str:
        return self.rng.choice(FAMILY) + "".join(self.rng.sample(GIVEN, 2))

    def write(self, store, operator: str | None) -> dict[str, int]:
        """Write what was planned, township by township, the kinds in the order given (parents first); returns
        how many records of each kind the command line names."""
        for kind in self.kinds:
            groups: dict[str, list[dict]] = {}
            for row in self.rows[kind.name]:
                groups.setdefault(row["township"], []).append(row)
            for code, group in groups.items():
                store.insert_many(kind, [{k: v for k, v in row.items() if k != "township"} for row in group],
                                  township=code, operator=operator)
        return {k.command: len(self.rows[k.name]) for k in self.kinds if k.command}
