"""An Excel file (.xlsx or .xls) as the ledger import reads it: checked before python-calamine sees it.

Calamine reads a sheet into one dense block of rows × columns, and it trusts some counts in the file to
reserve memory before reading anything. A 6 KB ledger with one cell at XFD1048576, an .xls whose DIMENSIONS
record claims four billion rows, or a shared-string table claiming four billion strings makes it ask for
hundreds of gigabytes, and the process aborts: no exception, no message. A small .xlsx may also unpack to
gigabytes (a zip bomb). So nothing reaches calamine until this module has checked, from what the file says
and from what it holds, that it is no bigger than a ledger can be:

- the file: a regular file, of at most ``MAX_FILE_BYTES``;
- an .xlsx archive: how many members, and their uncompressed sizes, declared and as read (Python's zipfile
  stops at the declared size and checks the CRC, and calamine then reads an archive rebuilt from exactly
  the bytes that were checked, so a member that lies about its size gains nothing);
- each .xlsx sheet: the farthest cell it places (as calamine places cells, with or without their ``r``
  references), its merged ranges, and which formula cells have no saved result;
- the number of shared strings an .xlsx says it holds;
- each .xls sheet: the places of its cell records, its DIMENSIONS record and its merged ranges.

A Rust panic inside calamine (a damaged .xls) becomes the same refusal as any other read error, and
calamine's own panic report is kept off the console: the user sees one message that says what to do.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from pjdesk.core.errors import PjdeskError, os_reason

MiB = 1 << 20
MAX_FILE_BYTES = 128 * MiB  # a ledger of the whole county over five years is a fraction of this
MAX_UNPACKED_BYTES = 256 * MiB  # all the members of an .xlsx together, uncompressed
MAX_MEMBERS = 5000  # an .xlsx of Excel or WPS has a few dozen
# Deflate packs repeated bytes up to about 1,000 to 1; a real sheet packs 5 to 40 to 1. A big member packed
# much tighter than any sheet is a bomb, and is refused before it is unpacked.
MAX_RATIO, RATIO_FROM = 200, 16 * MiB
MAX_CELLS = 10_000_000  # rows × columns of a sheet, counted from A1: 200,000 hazards of 21 columns fit
MAX_STRINGS = 5_000_000  # shared strings an .xlsx may say it holds (calamine reserves room for them)
MAX_MERGES = 100_000  # merged ranges of one sheet
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PASSWORD_MESSAGE = "文件已设置密码保护，请在 Excel/WPS 中取消密码后另存再导入"
# Excel encrypts a workbook whose structure is protected with this documented default password; such a
# file opens without a password in Excel, so it must import without one too.
_DEFAULT_PASSWORD = "VelvetSweatshop"

Place = tuple[int, int]  # (row, column), 0-based as calamine gives them
Merge = tuple[Place, Place]


@dataclass(frozen=True)
class Sheet:
    """One worksheet as read: every row from row 1 (empty rows kept, so that row numbers are those Excel
    shows), its merged ranges clipped to the grid, and its formula cells that have no saved result."""

    name: str
    grid: list[list]
    merged: list[Merge]
    unsaved_formulas: frozenset[Place]


class ExcelFile:
    """A workbook that passed the checks. Sheets are read one at a time, on request."""

    def __init__(self, path: Path, book, unsaved_formulas: dict[str, frozenset[Place]]):
        self.path, self._book, self._unsaved = path, book, unsaved_formulas

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(self._book.sheet_names)

    def worksheets(self) -> list[str]:
        """The visible worksheets (not charts, macros or hidden sheets), else every sheet."""
        from python_calamine import SheetTypeEnum, SheetVisibleEnum

        visible = [m.name for m in self._book.sheets_metadata
                   if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet]
        return visible or list(self.sheet_names)

    def read(self, name: str) -> Sheet:
        def read_sheet():
            sheet = self._book.get_sheet_by_name(name)
            end = sheet.end
            if end is not None:
                _check_extent(self.path, name, end[0] + 1, end[1] + 1)
            # Keep the empty rows above the data: row numbers must be those Excel shows.
            return sheet.to_python(skip_empty_area=False), list(sheet.merged_cell_ranges or [])

        grid, merged = _calamine(self.path, read_sheet)
        return Sheet(name, grid, _clipped(merged, grid), self._unsaved.get(name, frozenset()))


def open_excel(path: str | Path) -> ExcelFile:
    """Open an .xlsx or .xls file for reading, or raise PjdeskError saying why it cannot be read."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    data = _read_file(path)
    if data[:8] == _OLE:
        data = _decrypted(path, data)
    unsaved: dict[str, frozenset[Place]] = {}
    if data[:4] == _ZIP:
        data, unsaved = _checked_xlsx(path, data)
    elif data[:8] == _OLE:
        _check_xls(path, data)
    elif data.lstrip()[:1] == b"<":
        # Some systems "export to Excel" as an HTML page named .xls.
        raise PjdeskError(f"“{path.name}”实际是网页格式，不是真正的 Excel 文件。请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")
    else:
        raise PjdeskError(_not_excel(path))
    book = _calamine(path, lambda: CalamineWorkbook.from_filelike(io.BytesIO(data)))
    return ExcelFile(path, book, unsaved)


def _damaged(path: Path) -> str:
    return f"“{path.name}”无法读取，文件可能已损坏或不是 Excel 表格。请在 Excel/WPS 中打开后另存为 .xlsx 再导入。"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- the file ------------------------------------------------------------------------------------------


def _read_file(path: Path) -> bytes:
    """The whole file, if it is a regular file of a sensible size. Opened without blocking and checked
    after opening, so that a FIFO or a device (a link to /dev/zero) is refused instead of read forever."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PjdeskError(f"找不到文件“{path}”，请重新选择") from None
    except IsADirectoryError:
        raise PjdeskError(f"“{path.name}”是文件夹，不是台账文件，请选择 Excel 表格") from None
    except OSError as e:
        raise PjdeskError(f"无法读取“{path.name}”（{os_reason(e)}）。请确认文件没有被其他程序占用后重试。") from e
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise PjdeskError(f"“{path.name}”是文件夹，不是台账文件，请选择 Excel 表格")
        if not stat.S_ISREG(mode):
            raise PjdeskError(f"“{path.name}”不是普通文件（可能是设备或管道），请选择保存在磁盘上的 Excel 表格")
        with open(fd, "rb", closefd=False) as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise PjdeskError(f"无法读取“{path.name}”（{os_reason(e)}）。请确认文件没有被其他程序占用后重试。") from e
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise PjdeskError(f"“{path.name}”大于 {MAX_FILE_BYTES // MiB} MB，远大于任何隐患台账，未导入。"
                          "请确认选择的是台账文件；如台账确实这么大，请按年份拆分成几个文件分别导入。")
    if not data.strip():
        raise PjdeskError(f"“{path.name}”是空文件，没有可导入的内容，请选择填写了隐患记录的台账")
    return data


def _not_excel(path: Path) -> str:
    return f"“{path.name}”不是 Excel 文件（.xlsx 或 .xls），请选择台账表格"


def _decrypted(path: Path, data: bytes) -> bytes:
    """An OLE file is an .xls or an encrypted .xlsx: refuse it if a password is needed to open it."""
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            return data
    except Exception as e:  # msoffcrypto and olefile fail in many ways on a file that is not theirs
        raise PjdeskError(_not_excel(path)) from e
    try:
        office.load_key(password=_DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception as e:  # msoffcrypto fails in several ways on a wrong key; each means "password"
        raise PjdeskError(PASSWORD_MESSAGE) from e
    decrypted = out.getvalue()
    if len(decrypted) > MAX_FILE_BYTES:
        raise PjdeskError(_damaged(path))
    return decrypted


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Calamine reports a panic (a damaged .xls) on the process's stderr before it reaches Python as an
    exception; the user should see one message from us, not Rust's report. Where there is no stderr (the
    desktop program on Windows), there is nothing to silence."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):
        saved = None
    if saved is None:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _calamine(path: Path, read: Callable):
    """Run a calamine call; every way it can fail becomes a PjdeskError."""
    from python_calamine import PasswordError

    try:
        with _native_stderr_silenced():
            return read()
    except PjdeskError:
        raise
    except PasswordError as e:
        raise PjdeskError(PASSWORD_MESSAGE) from e
    except Exception as e:  # CalamineError and its kin, ValueError, OSError: the file could not be read
        raise PjdeskError(_damaged(path)) from e
    except BaseException as e:
        # pyo3 turns a Rust panic into PanicException, which derives from BaseException.
        if type(e).__name__ == "PanicException":
            raise PjdeskError(_damaged(path)) from None
        raise


def _check_extent(path: Path, sheet: str, rows: int, columns: int) -> None:
    if rows <= EXCEL_ROWS and columns <= EXCEL_COLUMNS and rows * columns <= MAX_CELLS:
        return
    corner = f"{column_letter(columns - 1)}{rows}" if columns <= EXCEL_COLUMNS and rows <= EXCEL_ROWS else ""
    where = f"一直到 {corner} 单元格" if corner else "超出了 Excel 的最大行列"
    raise PjdeskError(
        f"“{path.name}”的工作表“{sheet}”的内容{where}（{rows} 行 × {columns} 列），远超隐患台账的大小，"
        f"读取它会耗尽内存，未导入。通常是远处的单元格误填了内容：请在 Excel/WPS 中打开，按 Ctrl+End 找到最后一个"
        f"单元格，删除台账以外多余的行和列后保存，再导入。")


def _too_many_merges(path: Path, sheet: str, count: int) -> PjdeskError:
    return PjdeskError(f"“{path.name}”的工作表“{sheet}”有 {count} 处合并单元格，远超隐患台账所需，文件可能已损坏。"
                       "请在 Excel/WPS 中取消多余的合并单元格后另存为 .xlsx 再导入。")


def _clipped(merged: list, grid: list[list]) -> list[Merge]:
    """Merged ranges inside the grid: a range reaching past the data is cut to it, one outside is dropped,
    and the ranges together cover no more cells than the grid has (valid ranges never overlap)."""
    height = len(grid)
    width = max((len(row) for row in grid), default=0)
    budget = height * width
    out = []
    for (r1, c1), (r2, c2) in merged:
        if r1 > r2 or c1 > c2 or r1 >= height or c1 >= width:
            continue
        r2, c2 = min(r2, height - 1), min(c2, width - 1)
        budget -= (r2 - r1 + 1) * (c2 - c1 + 1)
        if budget < 0:
            break
        out.append(((r1, c1), (r2, c2)))
    return out


# --- .xlsx ---------------------------------------------------------------------------------------------


def _checked_xlsx(path: Path, data: bytes) -> tuple[bytes, dict[str, frozenset[Place]]]:
    """The archive rebuilt from its checked members, and the formula cells without a saved result, by sheet
    name. Raises PjdeskError when the archive is not an .xlsx or is bigger than a ledger can be."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except Exception as e:
        raise PjdeskError(_damaged(path)) from e
    if len(members) > MAX_MEMBERS:
        raise PjdeskError(_damaged(path))
    names = {m.filename.lower(): m.filename for m in members}
    if len(names) != len(members):
        raise PjdeskError(_damaged(path))  # two members of one name: which one a reader takes is anyone's guess
    if "xl/workbook.xml" not in names:
        if "content.xml" in names or "xl/workbook.bin" in names:
            raise PjdeskError(f"“{path.name}”是 .ods 或 .xlsb 格式的表格，暂不支持。请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")
        raise PjdeskError(_not_excel(path))
    _check_sizes(path, members)
    parts: dict[str, bytes] = {}
    budget = MAX_UNPACKED_BYTES
    for member in members:
        try:
            with archive.open(member) as stream:
                # zipfile stops at the declared size and then checks the CRC: a member whose stream runs on
                # past its declared size is cut there (or refused), never unpacked to the end.
                content = stream.read(budget + 1)
        except Exception as e:
            raise PjdeskError(_damaged(path)) from e
        budget -= len(content)
        if budget < 0:
            raise PjdeskError(_bomb(path, member.filename, member.file_size))
        parts[member.filename] = content
    for name, content in parts.items():
        if name.lower().endswith((".xml", ".rels")) and (content[:2] in (b"\xff\xfe", b"\xfe\xff")
                                                          or b"\x00" in content[:64] or b"<!DOCTYPE" in content):
            # A document type declaration is how entity bombs are made, and UTF-16 would hide a part from the
            # byte searches below (calamine reads UTF-8 only, today): no spreadsheet program writes either.
            raise PjdeskError(_damaged(path))
    sheets = _sheet_parts(path, parts, names)
    _check_strings(path, parts)
    # Written by a program that asks Excel to calculate everything on opening (xlsxwriter, openpyxl, report
    # generators): a saved 0 is then the placeholder xlsxwriter writes for every formula, not a result.
    recalculate = bool(_FULL_CALC.search(parts[names["xl/workbook.xml"]]))
    unsaved: dict[str, frozenset[Place]] = {}
    for name, content in parts.items():
        if b"sheetData" not in content:
            continue
        sheet = sheets.get(name, name)
        scan = _scan_sheet(path, content)
        _check_extent(path, sheet, scan.rows, scan.columns)
        if scan.merges > MAX_MERGES:
            raise _too_many_merges(path, sheet, scan.merges)
        unsaved[sheet] = frozenset(scan.unsaved | scan.zeros if recalculate else scan.unsaved)
    return _rebuilt(parts), unsaved


def _check_sizes(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse by what the archive declares, before unpacking anything."""
    biggest = max(members, key=lambda m: m.file_size)
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise PjdeskError(_bomb(path, biggest.filename, biggest.file_size))
    for m in members:
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise PjdeskError(_bomb(path, m.filename, m.file_size))


def _bomb(path: Path, member: str, size: int) -> str:
    return (f"“{path.name}”解压后超过 {MAX_UNPACKED_BYTES // MiB} MB（其中“{member}”约 {_size_text(size)}），"
            "远大于任何隐患台账，可能是损坏或被恶意构造的文件，未导入。请确认文件来源；"
            "如确为台账，请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")


def _size_text(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB" if size >= 1 << 30 else f"{max(size // MiB, 1)} MB"


def _rebuilt(parts: dict[str, bytes]) -> bytes:
    """The checked members, stored uncompressed, as the archive calamine reads. An .ods or .xlsb part is
    left out: should the .xlsx not open, calamine would try those formats next, and they are not checked."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts.items():
            if name.lower() not in ("content.xml", "xl/workbook.bin"):
                archive.writestr(name, content)
    return out.getvalue()


_FULL_CALC = re.compile(rb"""fullCalcOnLoad\s*=\s*["']\s*(?:1|true)\s*["']""")
_STRING_COUNT = re.compile(rb"""uniqueCount\s*=\s*(["'])(.*?)\1""", re.S)


def _check_strings(path: Path, parts: dict[str, bytes]) -> None:
    """Calamine reserves room for as many shared strings as the table says it holds, before reading them."""
    for content in parts.values():
        if b"uniqueCount" not in content:
            continue
        for _, value in _STRING_COUNT.findall(content):
            if not value.isdigit() or int(value) > MAX_STRINGS:
                raise PjdeskError(_damaged(path))


def _sheet_parts(path: Path, parts: dict[str, bytes], names: dict[str, str]) -> dict[str, str]:
    """Part name → sheet name, as calamine resolves them: workbook.xml's sheets by their relationship id."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    def relationship(name: str, attrs: dict) -> None:
        if name.rpartition(":")[2] == "Relationship" and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]

    def sheet(name: str, attrs: dict) -> None:
        if name.rpartition(":")[2] == "sheet":
            rid = attrs.get("r:id", attrs.get("relationships:id"))
            if rid is not None and "name" in attrs:
                sheets.append((attrs["name"], rid))

    rels = names.get("xl/_rels/workbook.xml.rels")
    try:
        if rels is not None:
            _parse_xml(parts[rels], relationship)
        _parse_xml(parts[names["xl/workbook.xml"]], sheet)
    except _Unreadable as e:
        raise PjdeskError(_damaged(path)) from e
    found = {}
    for sheet_name, rid in sheets:
        target = targets.get(rid)
        if target is None:
            continue
        part = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
        found[names.get(part.lower(), part)] = sheet_name
    return found


class _Unreadable(Exception):
    """XML the checks cannot read: the file is refused as damaged."""


def _parse_xml(content: bytes, start: Callable[[str, dict], None], end: Callable[[str], None] | None = None,
               text: Callable[[str], None] | None = None) -> None:
    """Stream XML through expat (no tree is built, so no depth is too deep); a document type declaration
    (which is how entity bombs are made, and which no spreadsheet program writes) is refused."""
    parser = expat.ParserCreate()

    def no_doctype(*_):
        raise _Unreadable("DOCTYPE")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(content, True)
    except (expat.ExpatError, ValueError, RecursionError) as e:
        raise _Unreadable(str(e)) from e


@dataclass
class _Scan:
    rows: int = 0  # the farthest row a cell is placed in, 1-based
    columns: int = 0  # the farthest column, 1-based
    merges: int = 0
    unsaved: set[Place] = field(default_factory=set)  # formula cells without a saved result
    zeros: set[Place] = field(default_factory=set)  # formula cells whose saved result is 0

    def fits(self) -> bool:
        return self.rows <= EXCEL_ROWS and self.columns <= EXCEL_COLUMNS and self.rows * self.columns <= MAX_CELLS


_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_PREFIXED = re.compile(rb":(?:c|f|v|is|row|sheetData)[\s/>]")
_FORMULA = re.compile(rb"<f[\s/>]")
_CACHED = re.compile(rb"<v(?:\s[^>]*)?>\s*([^\s<][^<]*)")
_MERGE = re.compile(rb"mergeCell[\s/>]")
_REF = re.compile(r"([A-Za-z]*)([0-9]+)")


def _scan_sheet(path: Path, content: bytes) -> _Scan:
    scan = _scan_plain(content)
    # The quick scan counts every cell tag, even an empty one that only carries a format; before a sheet is
    # refused for its size, the exact scan counts only the cells that hold something, as calamine does.
    if scan is None or not scan.fits():
        try:
            scan = _scan_exactly(content)
        except _Unreadable as e:
            raise PjdeskError(_damaged(path)) from e
    if b"mergeCell" in content:
        scan.merges = len(_MERGE.findall(content))
    return scan


def _scan_plain(xml: bytes) -> _Scan | None:
    """The sheet as Excel, WPS, LibreOffice, openpyxl and xlsxwriter write it: every cell tag begins
    ``<c r="A1"``, without namespace prefixes. Then byte searches give the farthest cell exactly, in a
    fraction of the time calamine takes to read the sheet. Anything else (None) is read by _scan_exactly."""
    begin = xml.find(b"<sheetData")
    if begin < 0 or _PREFIXED.search(xml):
        return None
    end = max(xml.rfind(b"</sheetData>"), begin)
    refs = _CELL_REF.findall(xml, begin, end)
    # Inside sheetData only a cell tag begins "<c", but for rich text's <color>, <charset> and <condense>;
    # the six exact counts are made only when those are there.
    if len(refs) != xml.count(b"<c", begin, end) and len(refs) != sum(
            xml.count(tag, begin, end) for tag in _CELL_TAGS):
        return None  # a cell without its reference first: its place depends on the cells before it
    scan = _Scan()
    if refs:
        scan.rows = max(map(int, {row for _, row in refs}))
        scan.columns = max(_column_number(letters) for letters in {letters for letters, _ in refs})
    if xml.find(b"<f", begin, end) < 0:
        return scan
    for match in _FORMULA.finditer(xml, begin, end):
        at = match.start()
        cell = xml.rfind(b'<c r="', begin, at)
        ref = _CELL_REF.match(xml, cell) if cell >= 0 else None
        if ref is None:
            return None
        close = xml.find(b"</c>", at, end)
        place = (int(ref[2]) - 1, _column_number(ref[1]) - 1)
        saved = _CACHED.search(xml, at, close if close >= 0 else end)
        if saved is None:
            scan.unsaved.add(place)
        elif saved[1].strip() == b"0":
            scan.zeros.add(place)
    return scan


def _column_number(letters: bytes | str) -> int:
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        number = number * 26 + ord(ch) - 64
    return number


def _scan_exactly(xml: bytes) -> _Scan:
    """Places every cell as calamine does (a ``r`` reference sets it; a row or a cell without one follows
    the previous), counting only cells that hold something, and notes formula cells without a result."""
    scan = _Scan()
    state = {"data": 0, "row": 0, "col": 0, "cell": None, "child": False, "formula": False, "value": [],
             "in_v": False}

    def place(ref: str, *, row_only: bool = False) -> Place:
        m = _REF.fullmatch(ref)
        if m is None or (not row_only and not m[1]) or len(m[1]) > 3 or len(m[2]) > 7 or int(m[2]) == 0:
            # Calamine refuses such a reference or wraps it round; either way it is not a ledger.
            raise _Unreadable(f"cell reference {ref!r}")
        return int(m[2]) - 1, (_column_number(m[1]) - 1 if m[1] else -1)

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "sheetData":
            state["data"] += 1
            return
        if not state["data"]:
            return
        if local == "row":
            if "r" in attrs:
                state["row"] = place(attrs["r"], row_only=True)[0]
        elif local == "c":
            if "r" in attrs:
                row, col = place(attrs["r"])
                state["col"] = col
            else:
                row, col = state["row"], state["col"]
            state.update(cell=(row, col), child=False, formula=False, value=[])
        elif state["cell"] is not None:
            state["child"] = True
            if local == "f":
                state["formula"] = True
            elif local in ("v", "is"):
                state["in_v"] = True

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "sheetData":
            state["data"] = max(state["data"] - 1, 0)
        elif not state["data"]:
            return
        elif local == "row":
            state["row"] += 1
            state["col"] = 0
        elif local == "c" and state["cell"] is not None:
            row, col = state["cell"]
            if state["child"]:
                scan.rows, scan.columns = max(scan.rows, row + 1), max(scan.columns, col + 1)
            if state["formula"]:
                saved = "".join(state["value"]).strip()
                if not saved:
                    scan.unsaved.add((row, col))
                elif saved == "0":
                    scan.zeros.add((row, col))
            state["cell"] = None
            state["col"] += 1
        elif local in ("v", "is"):
            state["in_v"] = False

    def text(data: str) -> None:
        if state["in_v"]:
            state["value"].append(data)

    _parse_xml(xml, start, end, text)
    return scan


# --- .xls ----------------------------------------------------------------------------------------------

# BIFF records that place a cell: NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA; STRING (a formula's text
# result) takes the place of the FORMULA before it; MULRK places a run of cells.
_XLS_CELLS = {0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006}
_XLS_STRING, _XLS_MULRK, _XLS_DIMENSIONS, _XLS_MERGES, _XLS_SHEET, _XLS_EOF = (
    0x0207, 0x00BD, 0x0200, 0x00E5, 0x0085, 0x000A)


def _check_xls(path: Path, data: bytes) -> None:
    """The sheets of an .xls, read record by record as calamine reads them, before calamine does: it builds
    every sheet when the file is opened, so a single cell at column 65536 aborts the process there."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = [ole.openstream(name).read() for name in ("Workbook", "Book") if ole.exists(name)]
    except Exception as e:
        raise PjdeskError(_damaged(path)) from e
    if not streams:
        raise PjdeskError(_damaged(path))
    for stream in streams:
        _check_biff(path, stream)


def _records(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(type, start of data, length) of each record from ``start``; a record running past the end stops it."""
    at, end = start, len(stream)
    unpack = struct.Struct("<HH").unpack_from
    while at + 4 <= end:
        typ, length = unpack(stream, at)
        if at + 4 + length > end:
            return
        yield typ, at + 4, length
        at += 4 + length


def _check_biff(path: Path, stream: bytes) -> None:
    sheets: list[tuple[str, int]] = []
    biff8 = True
    for typ, at, length in _records(stream, 0):
        if typ == 0x0809 and length >= 2:
            biff8 = struct.unpack_from("<H", stream, at)[0] in (0x0600, 0)
        elif typ == _XLS_SHEET and length >= 6:
            sheets.append((_biff_sheet_name(stream[at + 6:at + length], biff8), struct.unpack_from("<I", stream, at)[0]))
        elif typ == _XLS_EOF:
            break
    # Each sheet is read from its own offset to its EOF; offsets that overlap would have a damaged file read
    # the same records over and over. A real file reads each record once.
    budget = 2 * len(stream) // 4 + 1000
    for name, offset in sheets:
        rows = columns = merges = 0
        formula = (0, 0)
        for typ, at, length in _records(stream, offset):
            budget -= 1
            if budget < 0:
                raise PjdeskError(_damaged(path))
            if typ in _XLS_CELLS and length >= 4:
                row, col = struct.unpack_from("<HH", stream, at)
                if typ == 0x0006:
                    formula = (row, col)
            elif typ == _XLS_STRING:
                row, col = formula
            elif typ == _XLS_MULRK and length >= 6:
                row, first = struct.unpack_from("<HH", stream, at)
                last = struct.unpack_from("<H", stream, at + length - 2)[0]
                col = max(first + (length - 6) // 6 - 1, last)
            elif typ == _XLS_DIMENSIONS:
                _check_dimensions(path, name, stream[at:at + length])
                continue
            elif typ == _XLS_MERGES:
                count = struct.unpack_from("<H", stream, at)[0] if length >= 2 else 0
                if length < 2 + 8 * count:
                    raise PjdeskError(_damaged(path))
                merges += count
                if merges > MAX_MERGES:
                    raise _too_many_merges(path, name, merges)
                continue
            elif typ == _XLS_EOF:
                break
            else:
                continue
            rows, columns = max(rows, row + 1), max(columns, col + 1)
        _check_extent(path, name, rows, columns)


def _check_dimensions(path: Path, sheet: str, record: bytes) -> None:
    """Calamine reserves room for DIMENSIONS' rows × columns before it reads a cell; as it computes them."""
    if len(record) == 10:
        first_row, last_row, first_col, last_col = struct.unpack("<HHHH", record[:8])
    elif len(record) == 14:
        first_row, last_row, first_col, last_col = struct.unpack("<IIHH", record[:12])
    else:
        raise PjdeskError(_damaged(path))
    if last_row >= 1 and last_col >= 1:
        end_row, end_col = last_row - 1, last_col - 1
    else:
        end_row, end_col = first_row, first_col
    # Backwards (calamine's unsigned arithmetic would wrap round to billions) or past what Excel can hold:
    # no spreadsheet program writes that.
    if end_row < first_row or end_col < first_col or end_row >= EXCEL_ROWS or end_col >= EXCEL_COLUMNS:
        raise PjdeskError(_damaged(path))
    _check_extent(path, sheet, end_row + 1, end_col + 1)


def _biff_sheet_name(data: bytes, biff8: bool) -> str:
    if not data:
        return "?"
    count = data[0]
    if biff8 and len(data) >= 2:
        wide = data[1] & 1
        raw = data[2:2 + count * (2 if wide else 1)]
        return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")
    return data[1:1 + count].decode("gbk", errors="replace")
