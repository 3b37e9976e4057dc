"""Fuzzing the Excel import (seeded): about a hundred spreadsheets that are not what they claim.

Cut short, bytes flipped in the file and inside its sheet, zip bombs, cells far off the grid, counts of
billions, formulas without results, impossible dates, files that are not spreadsheets at all, damaged .xls
records, XML nested a hundred thousand deep. Each is either refused with a message in Chinese that says what
to do, or read (a flipped byte in a cell's text still leaves a ledger); none takes 10 s, none raises anything
but PjdeskError, and the station's database is the same afterwards, row for row. A few go through the
command as the officer runs it, in a process of its own: exit 1, the message on stderr, the database file
the same byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.services.ledger_import import import_ledger, preview_import
from tests.conftest import TODAY, TOWNSHIP
from tests.services import spreadsheet_files as files
from tests.services.test_ledger_import import GOOD_ROWS, record, strings_claiming, write_ledger, xls_ledger

SEED = 20261208
REFUSED, ROWS_REFUSED, EITHER = "refused", "rows refused", "either"


def mutated(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    how = rng.randrange(3)
    if how == 0:
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif how == 1:
        at = rng.randrange(len(data))
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
    else:
        at = rng.randrange(len(data))
        del data[at:at + rng.randint(1, 40)]
    return bytes(data)


def build_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what must happen). Every file is made here, from a real ledger, with one seed."""
    rng = random.Random(SEED)
    ledger = write_ledger(folder / "台账.xlsx", GOOD_ROWS)
    xls = xls_ledger(folder / "台账.xls")
    raw, raw_xls, parts = ledger.read_bytes(), xls.read_bytes(), files.members(ledger)
    cases: dict[str, tuple[Path, str]] = {}

    def add(name: str, content: bytes | Path, expect: str, suffix: str = ".xlsx") -> None:
        path = folder / f"{name}{suffix}"
        if isinstance(content, Path):
            content.rename(path)
        else:
            path.write_bytes(content)
        cases[name] = (path, expect)

    def with_member(name: str, member: str, content: bytes, expect: str) -> None:
        add(name, files.rezip(folder / "work.xlsx", {**parts, member: content}), expect)

    for i in range(10):
        add(f"cut-short-{i}", raw[:rng.randrange(1, len(raw))], REFUSED)
    for i in range(16):
        add(f"bytes-flipped-{i}", mutated(raw, rng), EITHER)
    for i in range(16):
        with_member(f"sheet-xml-mutated-{i}", files.SHEET, mutated(parts[files.SHEET], rng), EITHER)
    for member in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml"):
        for i in range(2):
            with_member(f"{member.rsplit('/', 1)[-1]}-mutated-{i}", member, mutated(parts[member], rng), EITHER)

    # Bigger than any ledger.
    add("zip-bomb-1.2-GB", files.zip_bomb(ledger, folder / "work.xlsx"), REFUSED)
    add("zip-bomb-lying-about-its-size", files.zip_bomb(ledger, folder / "work.xlsx", declared=40_000), REFUSED)
    add("zip-bomb-small-but-packed-too-tight", files.zip_bomb(ledger, folder / "work.xlsx", size=40 << 20), REFUSED)
    add("cell-at-XFD1048576", files.with_cell(ledger, folder / "work.xlsx", "XFD1048576"), REFUSED)
    add("cell-in-row-0", files.edited(ledger, folder / "work.xlsx", files.SHEET,
                                      lambda x: x.replace(b'r="B4"', b'r="B0"', 1)), REFUSED)
    add("row-number-of-12-digits", files.edited(ledger, folder / "work.xlsx", files.SHEET,
                                                lambda x: x.replace(b'r="B4"', b'r="B999999999999"', 1)), REFUSED)
    add("cells-without-references-far-down", files.edited(ledger, folder / "work.xlsx", files.SHEET, lambda x: x.replace(
        b"</sheetData>", b'<row r="1048576">' + b"<c><v>1</v></c>" * 40 + b"</row></sheetData>")), REFUSED)
    add("prefixed-namespace-far-cell", files.edited(ledger, folder / "work.xlsx", files.SHEET, lambda x: re.sub(
        rb"<(/?)(worksheet|sheetData|row|c|v|is|t)([ >/])", rb"<\1x:\2\3",
        x.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ')
        .replace(b"</sheetData>", b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row></sheetData>'))), REFUSED)
    add("shared-strings-claiming-4-billion", strings_claiming(folder, 4_000_000_000), REFUSED)
    add("shared-strings-count-escaped", strings_claiming(folder, "&#52;000000000"), REFUSED)
    add("150000-merged-ranges", files.edited(ledger, folder / "work.xlsx", files.SHEET, lambda x: x.replace(
        b"</sheetData>", b"</sheetData><mergeCells>" + b"".join(
            f'<mergeCell ref="A{r}:B{r}"/>'.encode() for r in range(20, 150_020)) + b"</mergeCells>", 1)), REFUSED)
    add("6000-members", files.rezip(folder / "work.xlsx", {**parts, **{f"xl/media/x{i}.bin": b"x" for i in range(6000)}}),
        REFUSED)

    # What the import must refuse row by row.
    add("formulas-without-results", write_ledger(folder / "work.xlsx", [
        record(1, 单位="甲公司", 描述='=CONCATENATE("安全出口","堵塞")', 发现="2026-03-05"),
        record(2, 单位="乙公司", 描述="配电箱未接地", 发现="=DATE(2026,3,5)")]), ROWS_REFUSED)
    add("impossible-dates", write_ledger(folder / "work.xlsx", [
        record(1, 单位="甲公司", 描述="灭火器压力不足", 发现="0001-01-01"),
        record(2, 单位="乙公司", 描述="安全出口堵塞", 发现=dt.datetime(1900, 1, 1)),
        record(3, 单位="丙公司", 描述="配电箱未接地", 发现="2024-03-05 25:00"),
        record(4, 单位="丁公司", 描述="电线老化", 发现="2024-03-05", 期限="2099-01-01")]), ROWS_REFUSED)

    # Not a spreadsheet, whatever the name says.
    for i in range(5):
        add(f"random-bytes-{i}", rng.randbytes(rng.randint(10, 5000)), REFUSED)
    add("text", "不是表格\n".encode() * 20, REFUSED)
    add("web-page", b"<html><body><table><tr><td>x</td></tr></table></body></html>", REFUSED, ".xls")
    add("pdf", b"%PDF-1.7\n" + rng.randbytes(300), REFUSED)
    add("empty", b"", REFUSED)
    add("blank", b" \n\t " * 10, REFUSED)
    add("zip-header-then-junk", b"PK\x03\x04" + rng.randbytes(400), REFUSED)
    add("a-word-document", files.rezip(folder / "work.xlsx", {"word/document.xml": b"<w:document/>"}), REFUSED)
    add("an-ods", files.rezip(folder / "work.xlsx", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                      "content.xml": b"<office:document-content/>"}), REFUSED)
    add("two-members-of-one-name", files.write_raw_zip(folder / "work.xlsx", [
        files.packed(name, content) for name, content in [*parts.items(), (files.SHEET, b"<worksheet/>")]]), REFUSED)
    add("member-of-an-unknown-method", files.write_raw_zip(folder / "work.xlsx", [
        (name, content, 99, len(content), zlib.crc32(content)) for name, content in parts.items()]), REFUSED)

    # .xls that are not, or are damaged.
    for i in range(3):
        add(f"ole-header-then-junk-{i}", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(rng.randint(100, 9000)),
            REFUSED, ".xls")
    for i in range(4):
        add(f"xls-cut-short-{i}", raw_xls[:rng.randrange(8, len(raw_xls))], REFUSED, ".xls")
    for i in range(10):
        add(f"xls-bytes-flipped-{i}", mutated(raw_xls, rng), EITHER, ".xls")
    add("xls-cell-at-column-65536", files.xls_cell_moved(xls, folder / "work.xls", 7, 1, 65535), REFUSED, ".xls")
    add("xls-dimensions-of-4-billion-rows", files.xls_dimensions(xls, folder / "work.xls", 0xFFFFFFFF, 4), REFUSED,
        ".xls")
    add("xls-merged-cells-record-too-short", files.xls_patched(xls, folder / "work.xls", xls_short_merges), REFUSED,
        ".xls")

    # XML that is deep, or that declares entities.
    deep = b"<a>" * 100_000 + b"</a>" * 100_000
    add("sheet-nested-100000-deep", files.edited(ledger, folder / "work.xlsx", files.SHEET, lambda x: x.replace(
        b"<sheetData>", b'<sheetData><row r="5"><c r="A5" t="inlineStr"><is>' + deep + b"</is></c></row>", 1)), EITHER)
    with_member("workbook-nested-100000-deep", "xl/workbook.xml",
                parts["xl/workbook.xml"].replace(b"<sheets>", b"<sheets>" + deep, 1), EITHER)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
              + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
              + b"]>")
    with_member("sheet-with-an-entity-bomb", files.SHEET,
                laughs + re.sub(rb"^<\?xml[^>]*\?>", b"", parts[files.SHEET]).replace(b"<sheetData>", b"<sheetData>&j;", 1),
                REFUSED)

    # Not a file at all.
    folder_named = folder / "文件夹.xlsx"
    folder_named.mkdir()
    cases["a-folder"] = (folder_named, REFUSED)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "管道.xlsx")
        cases["a-fifo"] = (folder / "管道.xlsx", REFUSED)
        if Path("/dev/zero").exists():
            (folder / "零.xlsx").symlink_to("/dev/zero")
            cases["a-link-to-dev-zero"] = (folder / "零.xlsx", REFUSED)
    return cases


def xls_short_merges(stream: bytearray) -> bytearray:
    """A cell record turned into MERGEDCELLS that claims 100 ranges in 10 bytes (calamine reads past it)."""
    at = next(at for typ, at, length in files.xls_records(bytes(stream)) if typ == 0x00FD)
    stream[at:at + 2] = (0x00E5).to_bytes(2, "little")
    stream[at + 4:at + 6] = (100).to_bytes(2, "little")
    return stream


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return build_cases(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    from pjdesk.services.session import init_station

    session = init_station(tmp_path_factory.mktemp("station") / "station", code=TOWNSHIP, operator="张三",
                           today=lambda: TODAY)
    yield session
    session.close()


def rows(session) -> dict:
    db = session.store.db
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in tables}


def assert_plain(message: str, path: Path) -> None:
    """Chinese, saying what to do, and nothing of a traceback or of the reader's own words."""
    assert re.search(r"[\u4e00-\u9fff]", message) and "请" in message, message
    words = message.replace(path.name, "")
    for word in ("Traceback", "Error", "error", "panicked", "calamine", "zip", "XML"):
        assert word not in words, message


def test_the_cases_are_many_and_of_every_kind(cases):
    assert len(cases) >= 100
    kinds = {expect for _, expect in cases.values()}
    assert kinds == {REFUSED, ROWS_REFUSED, EITHER}
    assert sum(expect == REFUSED for _, expect in cases.values()) >= 50


def test_every_case_is_refused_with_a_message_or_read(cases, station):
    before = rows(station)
    seen = {}
    for name, (path, expect) in cases.items():
        started = time.monotonic()
        try:
            preview = preview_import(station, path)
        except PjdeskError as e:
            seen[name] = REFUSED
            assert_plain(str(e), path)
        else:
            seen[name] = ROWS_REFUSED if preview.refused else "read"
            if preview.refused:
                assert_plain(preview.refusal(), path)
        seconds = time.monotonic() - started
        assert seconds < 10, f"{name}: {seconds:.1f} s"
        if expect != EITHER:
            assert seen[name] == expect, name
            with pytest.raises(PjdeskError):  # the import as a whole, which would write
                import_ledger(station, path)
        assert rows(station) == before, name
    # The mutations are not all harmless, nor all fatal: the fuzz reaches both ways.
    assert {seen[n] for n, (_, expect) in cases.items() if expect == EITHER} >= {REFUSED, "read"}


COMMAND_CASES = ["zip-bomb-1.2-GB", "cell-at-XFD1048576", "random-bytes-0", "xls-merged-cells-record-too-short",
                 "xls-dimensions-of-4-billion-rows", "shared-strings-claiming-4-billion", "formulas-without-results",
                 "impossible-dates", "a-link-to-dev-zero"]


@pytest.mark.parametrize("name", COMMAND_CASES)
def test_the_command_refuses_with_exit_1_and_the_message_on_stderr(cases, tmp_path, name):
    if name not in cases:
        pytest.skip("no /dev/zero here")
    path = cases[name][0]
    data_dir = tmp_path / "station"
    init = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), "init", "--township",
                           TOWNSHIP, "--operator", "张三"], capture_output=True, text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_dir.iterdir() if p.is_file()}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), "ledger", "import",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 10
    assert done.returncode == 1, f"exit {done.returncode}: {done.stderr[-2000:]}"
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("pjdesk: “") and path.name in lines[0], done.stderr
    assert_plain(done.stderr, path)
    if cases[name][1] == REFUSED:
        assert len(lines) == 1, done.stderr
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_dir.iterdir() if p.is_file()}
    assert after == before
