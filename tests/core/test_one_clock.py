"""No code reads the wall clock except through the session's clock (pjdesk.core.clock.Clock).

Read from the source, so that a new ``datetime.now()`` fails here the day it is written, not on the first day
of a month when a test written for another day turns red.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pjdesk

SOURCE = Path(pjdesk.__file__).parent
# The one place that reads the clock, and the ids: a UUIDv7 carries a time only to sort well, never as "now".
ALLOWED = {SOURCE / "core" / "clock.py", SOURCE / "core" / "ids.py"}
WALL = {("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("date", "today"), ("time", "time"),
        ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"), ("time", "strftime")}


def wall_clock_reads(path: Path, root: Path = SOURCE.parent) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL:
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_nothing_but_the_clock_reads_the_wall_clock():
    reads = [hit for path in sorted(SOURCE.rglob("*.py")) if path not in ALLOWED for hit in wall_clock_reads(path)]
    assert reads == [], "read the session's clock (session.now(), session.today()) instead:\n" + "\n".join(reads)


def test_the_check_finds_a_wall_clock_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import datetime as dt\nimport time\nx = dt.datetime.now()\ny = time.time()\n")
    assert [hit.split()[-1] for hit in wall_clock_reads(sample, tmp_path)] == ["datetime.now()", "time.time()"]
