"""Spreadsheets that are not what they claim, built at test time from a real ledger: a cell far off the
table, a zip bomb, a shared-string table that claims billions of strings, .xls records that point past
Excel's grid. Each is small and quick to make; none is stored in the repository.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def edited(source: Path, target: Path, member: str, edit) -> Path:
    """A copy of an .xlsx with one member's bytes passed through ``edit``."""
    parts = members(source)
    parts[member] = edit(parts[member])
    return rezip(target, parts)


def deflated_repeats(head: bytes, chunk: bytes, times: int, tail: bytes) -> bytes:
    """A raw deflate stream of head + chunk × times + tail, made without deflating the whole: after a full
    flush every chunk packs to the same bytes, so the packed chunk is simply repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packed = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert again == packed, "the chunk does not pack alike twice"
    return start + packed * times + packer.compress(tail) + packer.flush()


def write_raw_zip(path: Path, entries: list[tuple[str, bytes, int, int, int]]) -> Path:
    """A ZIP written field by field: (name, data as stored, method, declared size, CRC) per member, so that a
    member may declare whatever size it likes."""
    out = io.BytesIO()
    central = []
    for name, data, method, size, crc in entries:
        raw_name = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(data), size,
                              len(raw_name), 0))
        out.write(raw_name)
        out.write(data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc,
                                   len(data), size, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start,
                          0))
    path.write_bytes(out.getvalue())
    return path


def packed(name: str, content: bytes) -> tuple[str, bytes, int, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, packer.compress(content) + packer.flush(), 8, len(content), zlib.crc32(content)


ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000  # about 1 MB of rows without references


def zip_bomb(source: Path, target: Path, *, size: int = int(1.2 * (1 << 30)), declared: int | None = None) -> Path:
    """The ledger with its sheet replaced by ``size`` bytes of rows, packed to a few MB. ``declared`` makes the
    member lie about its size (its CRC then fits the declared bytes, as a careful forger would make it)."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    tail = b"</sheetData></worksheet>"
    times = max((size - len(head) - len(tail)) // len(ROW), 1)
    stream = deflated_repeats(head, ROW, times, tail)
    total = len(head) + len(ROW) * times + len(tail)
    if declared is None:
        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(ROW, crc)
        crc = zlib.crc32(tail, crc)
        declared = total
    else:
        crc = zlib.crc32((head + ROW * (declared // len(ROW) + 1))[:declared])
    entries = [packed(name, content) for name, content in members(source).items() if name != SHEET]
    entries.append((SHEET, stream, 8, declared, crc))
    return write_raw_zip(target, entries)


def with_cell(source: Path, target: Path, ref: str, value: str = "x") -> Path:
    """The ledger with one more cell, written as Excel writes it, at ``ref`` (XFD1048576: Excel's last)."""
    row = re.fullmatch(r"[A-Z]+(\d+)", ref)[1]

    def add(xml: bytes) -> bytes:
        cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")

    return edited(source, target, SHEET, add)


def xls_records(stream: bytes):
    at = 0
    while at + 4 <= len(stream):
        typ, length = struct.unpack_from("<HH", stream, at)
        yield typ, at, length
        at += 4 + length


def xls_patched(source: Path, target: Path, patch) -> Path:
    """A copy of an .xls whose Workbook stream is changed in place by ``patch(stream) -> stream`` (same
    length: the OLE container around it stays valid)."""
    import olefile

    raw = source.read_bytes()
    with olefile.OleFileIO(source) as ole:
        stream = ole.openstream("Workbook").read()
    changed = patch(bytearray(stream))
    assert len(changed) == len(stream)
    # The stream lies in the file in order (xlwt writes it in one piece after the header sectors).
    at = raw.index(bytes(stream[:512]))
    assert raw[at:at + len(stream)] == bytes(stream)
    target.write_bytes(raw[:at] + bytes(changed) + raw[at + len(stream):])
    return target


def xls_cell_moved(source: Path, target: Path, text_index: int, row: int, col: int) -> Path:
    """The .xls with its LABELSST cell number ``text_index`` (in file order) moved to (row, col), 0-based."""
    def patch(stream):
        cells = [at for typ, at, _ in xls_records(bytes(stream)) if typ == 0x00FD]
        struct.pack_into("<HH", stream, cells[text_index] + 4, row, col)
        return stream
    return xls_patched(source, target, patch)


def xls_dimensions(source: Path, target: Path, last_row: int, last_col: int) -> Path:
    """The .xls whose first sheet's DIMENSIONS record claims rows up to ``last_row`` (exclusive)."""
    def patch(stream):
        at = next(at for typ, at, length in xls_records(bytes(stream)) if typ == 0x0200 and length == 14)
        struct.pack_into("<IIHH", stream, at + 4, 0, last_row, 0, last_col)
        return stream
    return xls_patched(source, target, patch)
