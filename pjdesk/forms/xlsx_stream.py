"""A print-ready sheet written straight into its .xlsx, row by row: a county's 200,000-row ledger in seconds,
at a memory that does not grow with the rows.

A general library keeps every cell, or spools the sheet to a temporary file and copies it into the archive
at the end. Here the worksheet's XML goes into its zip member as the rows arrive (deflated on the way), and
only what must follow the rows waits for the end: the filter's range, the shared strings, the styles and the
workbook. The parts are those of ECMA-376 Part 1 (SpreadsheetML) that such a sheet needs: [Content_Types].xml,
the package and workbook relationships, the core and app properties, the workbook, the styles, one worksheet
and a shared-string table.

Text. A string met again down a ledger (等级, 状态, a unit's name) is stored once in the shared-string table and
referred to by its number: a smaller file, written faster (200,000 rows all inline: 45 MB and a fifth slower).
A column that brings a new string in most rows (隐患编号, a description) writes its text in the cell (an inline
string) once that shows, and the table takes at most ``shared_limit`` strings, so that memory stays bounded
for any number of rows (all shared, the county's ledger held 246,000 strings). Characters XML 1.0 cannot carry (control characters, lone surrogates) are left out, as the
returns' XLSX leaves them out; a literal ``_x0041_`` gets its underscore escaped (ST_Xstring), or Excel would
show "A"; a carriage return is written as a character reference, which XML keeps. No cell holds a formula, so
a text beginning with "=" is shown, never run. Numbers are numbers, dates are day numbers under a date format.

The archive's members are dated by the form's day (as pjdesk.forms.files dates other files), and nothing in
it depends on the clock: the same rows give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

TEXT, NUMBER, DATE = "text", "number", "date"
MAX_ROWS = 1_048_576  # rows a sheet holds (Excel, WPS and LibreOffice alike)
MAX_TEXT_UNITS = 32_767  # UTF-16 code units a cell holds; longer text is cut there
SHARED_STRINGS = 100_000  # distinct strings the table holds at most (some 15 MB)
SAMPLE_STRINGS = 5_000  # strings a column brings to the table before it is judged (see _shares)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system, for days from 1900-03-01 on
FIRST_SERIAL_DAY = dt.date(1900, 3, 1)  # before it Excel's day numbers count a 29 February that never was
DAYS_KEPT = 50_000  # ISO dates kept with their day numbers (a century of days)
FLUSH_ROWS = 512  # rows of XML joined and handed to the deflater at once
# A wrapped cell's line at the sheets' 10-point size, in points, and the most a row may be (Excel's limit).
LINE_POINTS, ROW_POINTS_MOST = 13.5, 409
COMPRESS_LEVEL = 1  # deflate's fastest: a third of the time of the default level for a tenth more bytes

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# What a text must be checked for before it goes into XML: characters to escape or leave out, and the
# underscore that begins an ST_Xstring escape (_x followed by four hexadecimal digits and _).
_NEEDS_CARE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XSTRING_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_EDGE_SPACE = (" ", "\t", "\n", "\r", "\u3000")


@dataclass(frozen=True)
class CellStyle:
    """The look of a cell: 宋体 (or the sheet's font) at ``size`` points, thin borders, alignment, fill."""

    size: float = 10
    bold: bool = False
    border: bool = False  # thin, on the four sides: a printed ledger's boxes
    wrap: bool = False
    horizontal: str | None = None  # "left", "center", "right"
    vertical: str | None = None  # "top", "center", "bottom"
    fill: str | None = None  # an RGB colour such as "D9E1F2"
    number_format: str | None = None  # "yyyy-mm-dd", "#,##0.00"


@dataclass(frozen=True)
class SheetColumn:
    """One column: its width in characters (as Excel's column width shows it), its cells' style and what they
    hold. TEXT writes numbers as numbers and anything else as text; NUMBER divides by ``scale`` (money kept in
    分 is shown in 元 with ``scale=100``); DATE writes an ISO date (or a date) as a day number. A value that is
    not what its column expects is written as text rather than lost."""

    width: float
    style: CellStyle
    kind: str = TEXT
    scale: int = 1


class SheetFull(ValueError):
    """More rows than a sheet holds (MAX_ROWS)."""


class StreamedSheet:
    """One worksheet in an .xlsx at ``path``, written in order: ``banner`` rows (a title, merged across the
    columns), one ``header`` row (frozen on screen, repeated on every printed page, with the filter buttons),
    then ``row`` after ``row``; ``close`` finishes the file, ``discard`` abandons it (the caller removes it).

    Printed on A4, landscape or portrait, fitted to the page width and as many pages down as needed, centred,
    with ``footer`` (Excel's header/footer codes: &C centre, &P page, &N pages)."""

    def __init__(self, path: str | Path, *, name: str, columns: Sequence[SheetColumn], day: dt.date,
                 font: str = "宋体", title: str = "", author: str = "", comments: str = "", landscape: bool = True,
                 margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6),
                 footer: str = "&C第 &P 页 共 &N 页", shared_limit: int = SHARED_STRINGS):
        self.name = _sheet_name(name)
        self.columns = tuple(columns)
        self.day, self.font, self.landscape, self.margins, self.footer = day, font, landscape, margins, footer
        self.properties = (title, author, comments)
        self.rows = 0  # rows written so far, title and header included
        self.header_row: int | None = None
        self._merges: list[str] = []
        self._styles: dict[CellStyle, int] = {}
        self._shared: dict[str, int] = {}
        self._shared_limit = shared_limit
        # Per column: the strings it brought to the table, and whether it still brings new ones (see _shares).
        self._misses = [0] * len(self.columns)
        self._sharing = [True] * len(self.columns)
        self._references = 0  # cells that refer to a shared string (the table's count)
        self._serials: dict[str, int | None] = {}
        self._out: list[str] = []
        self._began = False
        self._last = _column_letters(len(self.columns))
        # What a data row writes for each column, made once: the cell's opening up to its row number, the style
        # attribute after it, and what the column holds.
        self._plan = [(f'<c r="{_column_letters(i + 1)}', f'" s="{self._style(c.style)}"', c.kind, c.scale, i)
                      for i, c in enumerate(self.columns)]
        # The wrapped columns and the width units of text a line of each holds: a column of width w is w * 7 + 5
        # pixels (_stored_width) less 4 of padding, a unit is half of a 10-point CJK character (20/3 pixels).
        self._wrapping = [(i, (c.width * 7 + 1) * 3 / 20) for i, c in enumerate(self.columns) if c.style.wrap]
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close() or discard()
        try:
            self._zip = ZipFile(self._file, "w", ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
            for part, content in self._fixed_parts():
                self._write_part(part, content)
            self._sheet = self._zip.open(self._member("xl/worksheets/sheet1.xml"), "w")
        except BaseException:
            self._file.close()
            raise

    # --- rows ---------------------------------------------------------------------------------------------
    def banner(self, text: str, style: CellStyle, *, height: float | None = None) -> None:
        """A row of one text across every column (merged), such as the title."""
        r = self._next_row()
        cell = self._text_cell(f'<c r="A{r}', f'" s="{self._style(style)}"', text)
        self._out.append(f'<row r="{r}"{_height(height)}>{cell}</row>')
        if len(self.columns) > 1:
            self._merges.append(f"A{r}:{self._last}{r}")

    def header(self, texts: Sequence[str], style: CellStyle, *, height: float | None = None) -> None:
        """The header row: frozen under what is above it, printed atop every page, with filter buttons."""
        r = self._next_row()
        s = f'" s="{self._style(style)}"'
        cells = "".join(self._text_cell(f'<c r="{_column_letters(i + 1)}{r}', s, t) for i, t in enumerate(texts))
        self._out.append(f'<row r="{r}"{_height(height)}>{cells}</row>')
        self.header_row = r

    def row(self, values: Sequence) -> None:
        """A data row: ``values`` in the order of the columns; None or "" leaves a cell blank (still bordered)."""
        n = self._next_row()
        out, shared, serials = self._out, self._shared, self._serials
        lines = self._lines(values) if self._wrapping else 1
        out.append(f'<row r="{n}" ht="{min(lines * LINE_POINTS + 2, ROW_POINTS_MOST):g}">' if lines > 1
                   else f'<row r="{n}">')
        for (ref, style, kind, scale, column), value in zip(self._plan, values, strict=True):
            if value is None or value == "":
                out.append(f"{ref}{n}{style}/>")
                continue
            cls = value.__class__
            if cls is str:
                if kind is DATE:
                    serial = serials.get(value, False)
                    if serial is False:
                        serial = _serial(value)
                        if len(serials) < DAYS_KEPT:
                            serials[value] = serial
                    if serial is not None:
                        out.append(f"{ref}{n}{style}><v>{serial}</v></c>")
                        continue
                i = shared.get(value)
                if i is None:
                    out.append(self._text_cell(f"{ref}{n}", style, value, column))
                else:
                    self._references += 1
                    out.append(f'{ref}{n}{style} t="s"><v>{i}</v></c>')
            elif cls is int or cls is float and math.isfinite(value):
                if kind is NUMBER and scale != 1:
                    value = value / scale
                out.append(f"{ref}{n}{style}><v>{value!r}</v></c>")
            elif kind is DATE and isinstance(value, dt.date):
                serial = _serial(value.isoformat()[:10])
                out.append(f"{ref}{n}{style}><v>{serial}</v></c>" if serial is not None
                           else self._text_cell(f"{ref}{n}", style, value.isoformat(), column))
            else:
                out.append(self._text_cell(f"{ref}{n}", style, str(value), column))
        out.append("</row>")
        if n % FLUSH_ROWS == 0:
            self._flush()

    def _lines(self, values: Sequence) -> int:
        """The most lines a wrapped cell of the row takes, for its height: a spreadsheet that does not fit rows
        to their text when it opens a file (LibreOffice) would print the wrapped lines over the next row. A CJK
        character is two of a column's width units as 宋体 draws it, an ASCII one is one: half of its UTF-8
        bytes plus one. The height is not marked custom, so a spreadsheet that fits rows still may."""
        most = 1
        for i, room in self._wrapping:
            text = values[i]
            if text.__class__ is not str or (len(text) * 2 <= room and "\n" not in text):
                continue
            lines = sum(max(1, math.ceil((len(part.encode("utf-8", "surrogatepass")) + len(part)) / 2 / room))
                        for part in text.split("\n"))
            most = max(most, lines)
        return most

    def _next_row(self) -> int:
        if self.rows >= MAX_ROWS:
            raise SheetFull(f"a sheet holds {MAX_ROWS} rows")
        self.rows += 1
        return self.rows

    def _text_cell(self, head: str, style: str, text: str, column: int = -1) -> str:
        """A text cell, ``head`` being its opening up to the row number: a string of the shared table by its
        number, a new one added to the table while ``_shares``, else the text written in the cell."""
        index = self._shared.get(text)
        if index is None:
            if _NEEDS_CARE.search(text) and not _NOT_XML.sub("", text):
                return f"{head}{style}/>"  # nothing left of it that a sheet can hold
            if not self._shares(column):
                return f'{head}{style} t="inlineStr"><is>{_xml_text(text)}</is></c>'
            index = self._shared[text] = len(self._shared)
        self._references += 1
        return f'{head}{style} t="s"><v>{index}</v></c>'

    def _shares(self, column: int) -> bool:
        """Whether a string first met in ``column`` joins the table. A column that brings a new string in more
        than three rows in four (a 隐患编号, a description) gains nothing from it: once it has brought
        SAMPLE_STRINGS, its new strings are written in their cells. A unit's name, new in most rows at first
        but repeated later, stays under that. The table is bounded in any case."""
        if len(self._shared) >= self._shared_limit:
            return False
        if column < 0:
            return True  # a title or a header
        if not self._sharing[column]:
            return False
        misses = self._misses[column] = self._misses[column] + 1
        if misses >= SAMPLE_STRINGS and misses * 4 > 3 * (self.rows - (self.header_row or 0)):
            self._sharing[column] = False
        return True

    def _flush(self) -> None:
        if not self._began:
            # The sheet's opening says which rows are frozen: it is written once the header row is known.
            self._began = True
            self._out.insert(0, self._sheet_head())
        if self._out:
            self._sheet.write("".join(self._out).encode("utf-8"))
            self._out.clear()

    # --- the end ------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Write what follows the rows and the parts that depend on them, and close the file."""
        try:
            self._flush()
            self._sheet.write(self._sheet_tail().encode("utf-8"))
            self._sheet.close()
            self._write_shared_strings()
            self._write_part("xl/styles.xml", self._styles_xml())
            self._write_part("xl/workbook.xml", self._workbook_xml())
            self._zip.close()
        except BaseException:
            self.discard()
            raise
        self._file.close()

    def discard(self) -> None:
        """Stop writing and close the file as it is (incomplete: the caller removes it)."""
        self._out.clear()
        try:
            self._sheet.close()
            self._zip.close()
        except Exception:  # the file is being abandoned: only its handle matters now
            pass
        finally:
            self._file.close()

    def __enter__(self) -> StreamedSheet:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    # --- the parts ----------------------------------------------------------------------------------------
    def _member(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=(self.day.year, self.day.month, self.day.day, 0, 0, 0))
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        # A member opened from a ZipInfo takes the ZipInfo's level, not the archive's (None: zlib's default, 6).
        # Python 3.13 names the attribute compress_level; before, it is _compresslevel.
        setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", COMPRESS_LEVEL)
        return info

    def _write_part(self, name: str, content: str) -> None:
        self._zip.writestr(self._member(name), content.encode("utf-8"))

    def _fixed_parts(self) -> list[tuple[str, str]]:
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = (("/xl/workbook.xml", f"{sheet_type}.sheet.main+xml"),
                     ("/xl/worksheets/sheet1.xml", f"{sheet_type}.worksheet+xml"),
                     ("/xl/styles.xml", f"{sheet_type}.styles+xml"),
                     ("/xl/sharedStrings.xml", f"{sheet_type}.sharedStrings+xml"),
                     ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                     ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"))
        types = (_DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")
        package_rels = _relationships((
            (f"{_REL}/officeDocument", "xl/workbook.xml"),
            (f"{_PKG_REL}/metadata/core-properties", "docProps/core.xml"),
            (f"{_REL}/extended-properties", "docProps/app.xml")))
        workbook_rels = _relationships((
            (f"{_REL}/worksheet", "worksheets/sheet1.xml"), (f"{_REL}/styles", "styles.xml"),
            (f"{_REL}/sharedStrings", "sharedStrings.xml")))
        title, author, comments = (_attribute(p) for p in self.properties)
        stamp = f"{self.day.isoformat()}T00:00:00Z"
        core = (_DECLARATION + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
                ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
                f"<dc:description>{comments}</dc:description><cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
        app = (_DECLARATION + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
               'properties"><Application>pjdesk</Application><DocSecurity>0</DocSecurity></Properties>')
        return [("[Content_Types].xml", types), ("_rels/.rels", package_rels), ("docProps/core.xml", core),
                ("docProps/app.xml", app), ("xl/_rels/workbook.xml.rels", workbook_rels)]

    def _sheet_head(self) -> str:
        cols = "".join(f'<col min="{i}" max="{i}" width="{_stored_width(c.width)}" customWidth="1"/>'
                       for i, c in enumerate(self.columns, 1))
        return (_DECLARATION + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f"<sheetViews>{self._view()}</sheetViews>"
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>')

    def _sheet_tail(self) -> str:
        parts = ["</sheetData>"]
        if self.header_row is not None:
            parts.append(f'<autoFilter ref="A{self.header_row}:{self._last}{max(self.rows, self.header_row)}"/>')
        if self._merges:
            parts.append(f'<mergeCells count="{len(self._merges)}">'
                         + "".join(f'<mergeCell ref="{m}"/>' for m in self._merges) + "</mergeCells>")
        left, right, top, bottom = self.margins
        parts.append('<printOptions horizontalCentered="1"/>'
                     f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="0.3" footer="0.3"/>'
                     f'<pageSetup paperSize="9" orientation="{"landscape" if self.landscape else "portrait"}"'
                     ' fitToWidth="1" fitToHeight="0"/>')
        if self.footer:
            parts.append(f"<headerFooter><oddFooter>{_attribute(self.footer)}</oddFooter></headerFooter>")
        parts.append("</worksheet>")
        return "".join(parts)

    def _view(self) -> str:
        """The window on the sheet: the rows down to the header frozen, the first data row selected."""
        if self.header_row is None:
            return '<sheetView tabSelected="1" workbookViewId="0"/>'
        h = self.header_row
        return (f'<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="{h}" topLeftCell="A{h + 1}"'
                f' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A{h + 1}"'
                f' sqref="A{h + 1}"/></sheetView>')

    def _write_shared_strings(self) -> None:
        """The table, in the order of the strings' numbers (the order they joined the dict), a part at a time."""
        with self._zip.open(self._member("xl/sharedStrings.xml"), "w") as part:
            part.write((_DECLARATION + f'<sst xmlns="{_MAIN}" count="{self._references}"'
                        f' uniqueCount="{len(self._shared)}">').encode("utf-8"))
            strings = iter(self._shared)
            while chunk := list(itertools.islice(strings, 10_000)):
                part.write("".join([f"<si>{_xml_text(text)}</si>" for text in chunk]).encode("utf-8"))
            part.write(b"</sst>")

    def _style(self, style: CellStyle) -> int:
        index = self._styles.get(style)
        if index is None:
            index = self._styles[style] = len(self._styles) + 1  # 0 is the sheet's default (Normal) style
        return index

    def _styles_xml(self) -> str:
        styles = list(self._styles)
        custom = sorted({s.number_format for s in styles if s.number_format and s.number_format not in _BUILTIN_FORMATS})
        formats = {**_BUILTIN_FORMATS, **{f: 164 + i for i, f in enumerate(custom)}}
        fonts = sorted({(s.size, s.bold) for s in styles})
        fills = sorted({s.fill for s in styles if s.fill})
        font_ids = {f: i + 1 for i, f in enumerate(fonts)}  # font 0: the default style's, which column widths count in
        fill_ids = {f: i + 2 for i, f in enumerate(fills)}  # fills 0 and 1 are reserved (none, gray125)
        font = _attribute(self.font)
        xfs = []
        for s in styles:
            applied = "".join((' applyNumberFormat="1"' if s.number_format else "", ' applyFont="1"',
                               ' applyFill="1"' if s.fill else "", ' applyBorder="1"' if s.border else ""))
            attrs = (f'numFmtId="{formats[s.number_format] if s.number_format else 0}" fontId="{font_ids[(s.size, s.bold)]}"'
                     f' fillId="{fill_ids.get(s.fill, 0)}" borderId="{1 if s.border else 0}" xfId="0"{applied}')
            align = "".join((f' horizontal="{s.horizontal}"' if s.horizontal else "",
                             f' vertical="{s.vertical}"' if s.vertical else "", ' wrapText="1"' if s.wrap else ""))
            xfs.append(f'<xf {attrs} applyAlignment="1"><alignment{align}/></xf>' if align else f"<xf {attrs}/>")
        thin = "".join(f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom"))
        return (_DECLARATION + f'<styleSheet xmlns="{_MAIN}">'
                + (f'<numFmts count="{len(custom)}">' + "".join(
                    f'<numFmt numFmtId="{formats[f]}" formatCode="{_attribute(f)}"/>' for f in custom) + "</numFmts>"
                   if custom else "")
                + f'<fonts count="{len(fonts) + 1}"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
                + "".join(f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/><name val="{font}"/><family val="3"/>'
                          '<charset val="134"/></font>' for size, bold in fonts) + "</fonts>"
                + f'<fills count="{len(fills) + 2}"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill>'
                + "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{f.upper()}"/><bgColor indexed="64"/>'
                          "</patternFill></fill>" for f in fills) + "</fills>"
                + f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{thin}<diagonal/>'
                "</border></borders>"
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                + f'<cellXfs count="{len(xfs) + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                + "".join(xfs) + "</cellXfs>"
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                '<dxfs count="0"/><tableStyles count="0"/></styleSheet>')

    def _workbook_xml(self) -> str:
        quoted = "'" + self.name.replace("'", "''") + "'"
        names = []
        if self.header_row is not None:
            h, last = self.header_row, max(self.rows, self.header_row)
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
                         f"{_attribute(quoted)}!$A${h}:${self._last}${last}</definedName>")
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{_attribute(quoted)}!${h}:${h}'
                         "</definedName>")
        return (_DECLARATION + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                f'<sheets><sheet name="{_attribute(self.name)}" sheetId="1" r:id="rId1"/></sheets>'
                + (f"<definedNames>{''.join(names)}</definedNames>" if names else "") + "</workbook>")


def _relationships(targets) -> str:
    return (_DECLARATION + f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"/>' for i, (t, target) in enumerate(targets, 1))
            + "</Relationships>")


def _xml_text(text: str) -> str | None:
    """A cell's text as the content of <si> or <is>: a <t> element, escaped; None if nothing of it is left."""
    if _NEEDS_CARE.search(text):
        text = _NOT_XML.sub("", text)
        if not text:
            return None
    if len(text) > MAX_TEXT_UNITS // 2 and len(text.encode("utf-16-le")) > 2 * MAX_TEXT_UNITS:
        text = text.encode("utf-16-le")[:2 * MAX_TEXT_UNITS].decode("utf-16-le", "ignore")
    escaped = text
    if "&" in escaped or "<" in escaped or ">" in escaped or "\r" in escaped or "_x" in escaped:
        escaped = (escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;"))
        escaped = _XSTRING_ESCAPE.sub("_x005F_", escaped)
    if text.startswith(_EDGE_SPACE) or text.endswith(_EDGE_SPACE):
        return f'<t xml:space="preserve">{escaped}</t>'
    return f"<t>{escaped}</t>"


def _attribute(text: str) -> str:
    """Text for an XML attribute or a short element (a title, a sheet name, a footer)."""
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _serial(iso: str) -> int | None:
    """Excel's day number of an ISO date; None for what is not one, or a day Excel cannot show as a date."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return (day - EXCEL_EPOCH).days if day >= FIRST_SERIAL_DAY else None


def _height(points: float | None) -> str:
    return f' ht="{points:g}" customHeight="1"' if points else ""


def _stored_width(characters: float) -> float:
    """A column's width as the file stores it (ECMA-376 Part 1, 18.3.1.13): the characters of the default
    font's widest digit (7 pixels for Calibri 11) plus 5 pixels of padding, in 1/256 of a character."""
    return int((characters * 7 + 5) / 7 * 256) / 256


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: none of []:*?/\\, not quoted at its ends, at most 31 characters."""
    cleaned = _NOT_XML.sub("", _SHEET_NAME_FORBIDDEN.sub("", name)).strip("'")[:31].strip("'")
    return cleaned or "Sheet1"
