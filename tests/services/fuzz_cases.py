"""The damaged files every sheet import is fuzzed with, from one good workbook of its kind (the roster's, the
inspection sheet's …): cut short, bytes flipped in the file and in its sheet XML, the legacy .xls likewise,
random bytes, a zip bomb and a cell far off the grid. Each kind's test adds the rows only its import refuses."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import xlwt

from tests.services import spreadsheet_files as files
from tests.services.test_spreadsheet_fuzz import EITHER, REFUSED, mutated


def write_sheet(path: Path, name: str, title: str, header: Sequence[str], lines) -> Path:
    """An .xlsx as an office keeps it: a merged title over the header, then the rows."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = name
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(list(header))
    for line in lines:
        ws.append(line)
    book.save(path)
    return path


def write_xls(path: Path, name: str, header: Sequence[str], lines) -> Path:
    """The same rows in the legacy .xls format (dates as ISO text, as such sheets often hold them)."""
    book = xlwt.Workbook()
    ws = book.add_sheet(name)
    for c, text in enumerate(header):
        ws.write(0, c, text)
    for r, line in enumerate(lines, 1):
        for c, value in enumerate(line):
            if value is not None:
                ws.write(r, c, value.isoformat() if isinstance(value, dt.date) else value)
    book.save(str(path))
    return path


class Cases(dict):
    """name → (path, what must happen), each written into ``folder``."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def add(self, name: str, content: bytes | Path, expect: str, suffix: str = ".xlsx") -> None:
        path = self.folder / f"{name}{suffix}"
        if isinstance(content, Path):
            content.rename(path)
        else:
            path.write_bytes(content)
        self[name] = (path, expect)


def damaged_files(cases: Cases, good: Path, xls: Path, rng: random.Random) -> None:
    """The damaged copies of ``good`` (.xlsx) and ``xls`` every import is tried with, drawn from ``rng``."""
    folder, raw, raw_xls, parts = cases.folder, good.read_bytes(), xls.read_bytes(), files.members(good)
    add = cases.add
    for i in range(6):
        add(f"cut-short-{i}", raw[:rng.randrange(1, len(raw))], REFUSED)
    for i in range(10):
        add(f"bytes-flipped-{i}", mutated(raw, rng), EITHER)
    for i in range(12):
        add(f"sheet-xml-mutated-{i}", files.rezip(folder / "work.xlsx", {
            **parts, files.SHEET: mutated(parts[files.SHEET], rng)}), EITHER)
    for i in range(3):
        add(f"xls-cut-short-{i}", raw_xls[:rng.randrange(8, len(raw_xls))], REFUSED, ".xls")
    for i in range(6):
        add(f"xls-bytes-flipped-{i}", mutated(raw_xls, rng), EITHER, ".xls")
    for i in range(3):
        add(f"random-bytes-{i}", rng.randbytes(rng.randint(10, 4000)), REFUSED)
    add("zip-bomb", files.zip_bomb(good, folder / "work.xlsx"), REFUSED)
    add("cell-at-XFD1048576", files.with_cell(good, folder / "work.xlsx", "XFD1048576"), REFUSED)
    add("xls-cell-at-column-65536", files.xls_cell_moved(xls, folder / "work.xls", 1, 1, 65535), REFUSED, ".xls")


def assert_each_refused_or_read(station, kind: str, cases: Cases) -> None:
    """Every case, previewed: refused with a plain Chinese message (the whole file, or its rows by sheet row
    number) or read; none takes 10 s; none that must be refused is imported; the station is unchanged. The
    cases that may go either way include both outcomes."""
    import time

    import pytest

    from pjdesk.core.errors import PjdeskError
    from pjdesk.services.record_import import import_records, preview_records
    from tests.services.test_spreadsheet_fuzz import ROWS_REFUSED, assert_plain, rows

    before = rows(station)
    seen = {}
    for name, (path, expect) in cases.items():
        started = time.monotonic()
        try:
            preview = preview_records(station, kind, path)
        except PjdeskError as e:
            seen[name] = REFUSED
            assert_plain(str(e), path)
        else:
            seen[name] = ROWS_REFUSED if preview.refused else "read"
            if preview.refused:
                assert_plain(preview.refusal(), path)
                assert all(issue.row > preview.header_row for issue in preview.refused)
        seconds = time.monotonic() - started
        assert seconds < 10, f"{name}: {seconds:.1f} s"
        if expect != EITHER:
            assert seen[name] == expect, name
            with pytest.raises(PjdeskError):  # the import as a whole, which would write
                import_records(station, kind, path)
        assert rows(station) == before, name
    assert {seen[n] for n, (_, expect) in cases.items() if expect == EITHER} >= {REFUSED, "read"}


def fuzz_station(tmp_path_factory):
    """A township station the cases are previewed on (never written: the fuzz tests check it stays so)."""
    from pjdesk.services.session import init_station
    from tests.conftest import TODAY, TOWNSHIP

    session = init_station(tmp_path_factory.mktemp("station") / "station", code=TOWNSHIP, operator="张三",
                           today=lambda: TODAY)
    yield session
    session.close()


def assert_many_of_every_kind(cases: Cases) -> None:
    from tests.services.test_spreadsheet_fuzz import ROWS_REFUSED

    assert len(cases) >= 45
    assert {expect for _, expect in cases.values()} == {REFUSED, ROWS_REFUSED, EITHER}
