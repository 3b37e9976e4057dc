"""The streamed XLSX writer (pjdesk.forms.xlsx_stream) that exports write through: what a clerk sees when the
file is opened (read back with openpyxl, with calamine as the import reads it, and with LibreOffice when it is
installed), hostile text that must neither corrupt the file nor change on the way, and a bounded string table."""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pjdesk.forms import xlsx_stream
from pjdesk.forms.xlsx_stream import DATE, NUMBER, CellStyle, SheetColumn, SheetFull, StreamedSheet

DAY = dt.date(2026, 11, 29)
CELL = CellStyle(border=True, vertical="top")
COLUMNS = (
    SheetColumn(5, CellStyle(border=True, vertical="top", horizontal="center")),
    SheetColumn(30, CellStyle(border=True, vertical="top", wrap=True)),
    SheetColumn(11, CellStyle(border=True, vertical="top", horizontal="center", number_format="yyyy-mm-dd"), DATE),
    SheetColumn(12, CellStyle(border=True, vertical="top", number_format="#,##0.00"), NUMBER, scale=100),
    SheetColumn(10, CELL),
)
TITLE = CellStyle(size=16, bold=True, horizontal="center", vertical="center")
HEADER = CellStyle(bold=True, border=True, wrap=True, horizontal="center", vertical="center", fill="D9E1F2")
HEADERS = ["序号", "隐患描述", "发现日期", "整改资金（元）", "状态"]


def write(path, rows, *, columns=COLUMNS, **options):
    with StreamedSheet(path, name="隐患台账", columns=columns, day=DAY, title="安定镇隐患排查治理台账", author="张三",
                       **options) as sheet:
        sheet.banner("安定镇隐患排查治理台账", TITLE, height=30)
        sheet.banner("填报单位：安定镇（430626101）", CellStyle(horizontal="left", vertical="center"), height=20)
        sheet.header(HEADERS[:len(columns)], HEADER, height=30)
        for row in rows:
            sheet.row(row)
    return path


def data_rows(path):
    sheet = openpyxl.load_workbook(path).active
    return [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]


def calamine_rows(path):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)[3:]


def test_cells_read_back_as_text_numbers_and_dates_with_their_formats(tmp_path):
    path = write(tmp_path / "台账.xlsx", [
        [1, "储罐区可燃气体报警器失效", "2026-09-01", 123456, "销号"],
        [2, "=HYPERLINK(\"http://x\")", dt.date(2026, 10, 20), None, ""],
        [3, "#N/A", "不是日期", 1, "0123"],
        [4, "1899年的事", "1899-12-31", 2.5, 7],
    ])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "隐患台账"
    assert [sheet.cell(r, 1).value for r in (1, 2)] == ["安定镇隐患排查治理台账", "填报单位：安定镇（430626101）"]
    assert [c.value for c in sheet[3]] == HEADERS
    assert data_rows(path) == [
        [1, "储罐区可燃气体报警器失效", dt.datetime(2026, 9, 1), 1234.56, "销号"],
        [2, "=HYPERLINK(\"http://x\")", dt.datetime(2026, 10, 20), None, None],
        [3, "#N/A", "不是日期", 0.01, "0123"],
        [4, "1899年的事", "1899-12-31", 0.025, 7],  # before 1900-03-01 Excel has no such day: kept as text
    ]
    assert [sheet.cell(5, c).data_type for c in (2, 5)] == ["s", "n"]  # "=…" is text, never a formula
    assert sheet.cell(6, 2).data_type == "s" and sheet.cell(6, 5).value == "0123"  # a code keeps its zero
    assert isinstance(sheet["A4"].value, int) and sheet["C4"].is_date
    assert sheet["C4"].number_format == "yyyy-mm-dd" and sheet["D4"].number_format == "#,##0.00"
    assert sheet["B4"].alignment.wrap_text and sheet["A4"].alignment.horizontal == "center"
    assert sheet["B4"].alignment.vertical == "top" and sheet["B4"].border.left.style == "thin"
    assert sheet["B5"].border.bottom.style == "thin"  # a blank cell keeps its box
    assert (sheet["A4"].font.name, sheet["A4"].font.sz) == ("宋体", 10)
    header = sheet["B3"]
    assert header.font.b and header.fill.fgColor.rgb == "FFD9E1F2" and header.alignment.horizontal == "center"
    assert sheet["A1"].font.sz == 16 and sheet["A1"].font.b
    assert book.properties.title == "安定镇隐患排查治理台账" and book.properties.creator == "张三"
    assert book.properties.created == dt.datetime(2026, 11, 29)


def test_a_number_excel_cannot_hold_and_a_flag_are_written_as_text(tmp_path):
    path = write(tmp_path / "台账.xlsx", [[float("nan"), "甲", None, float("inf"), True]])
    assert data_rows(path) == [["nan", "甲", None, "inf", "True"]]


def test_the_sheet_is_set_up_for_screen_and_paper(tmp_path):
    path = write(tmp_path / "台账.xlsx", [[n, f"隐患{n}", "2026-09-01", 100, "发现"] for n in range(1, 6)])
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.auto_filter.ref == "A3:E8"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:E1", "A2:E2"}
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == 0 and (setup.fitToWidth or 1) == 1
    assert sheet.print_options.horizontalCentered
    assert (sheet.page_margins.left, sheet.page_margins.top) == (0.4, 0.6)
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert (sheet.row_dimensions[1].height, sheet.row_dimensions[3].height) == (30, 30)
    # Widths as Excel shows them (characters plus its padding), the same as the exports wrote before.
    assert [round(sheet.column_dimensions[c].width, 2) for c in "ABCDE"] == [5.71, 30.71, 11.71, 12.71, 10.71]
    portrait = write(tmp_path / "竖版.xlsx", [], landscape=False)
    assert openpyxl.load_workbook(portrait).active.page_setup.orientation == "portrait"


def test_the_same_rows_give_the_same_bytes_dated_by_the_forms_day(tmp_path):
    rows = [[n, f"隐患{n % 7}", "2026-09-01", n, "整改中"] for n in range(1, 300)]
    first, second = write(tmp_path / "一.xlsx", rows), write(tmp_path / "二.xlsx", rows)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {m.date_time for m in archive.infolist()} == {(2026, 11, 29, 0, 0, 0)}
        assert archive.testzip() is None


HOSTILE = {
    "a\x01b\x0bc\x1fd": "abcd",  # control characters XML cannot carry: left out, the rest kept
    "<b>&amp;</b> \"引号\" '单引号'": "<b>&amp;</b> \"引号\" '单引号'",
    "_x0041_ 与 _x005F_": "_x0041_ 与 _x005F_",  # not read as "A" and "_"
    "_x0041_x0042_": "_x0041_x0042_",
    "第一行\r\n第二行\n第三行": "第一行\r\n第二行\n第三行",
    "  前后有空格  ": "  前后有空格  ",
    "\u3000全角空格": "\u3000全角空格",
    "表情😀🔥与\U0001f9ef": "表情😀🔥与\U0001f9ef",
    "坏\ud800代理": "坏代理",  # a lone surrogate cannot be UTF-8
    "\ufffe\uffff尾": "尾",
    "]]><!--": "]]><!--",
}


@pytest.mark.parametrize("limit", [xlsx_stream.SHARED_STRINGS, 0], ids=["shared", "inline"])
def test_hostile_text_is_kept_or_cleaned_and_the_file_stays_readable(tmp_path, limit):
    path = write(tmp_path / "台账.xlsx", [[i, text, None, None, None] for i, text in enumerate(HOSTILE, 1)],
                 shared_limit=limit)
    expected = list(HOSTILE.values())
    assert [r[1] for r in calamine_rows(path)] == expected  # as the ledger import reads it
    if limit:  # openpyxl leaves an inline string's _xHHHH_ escapes as written (Excel and calamine read them)
        # and reads a shared string's _x005F_x005F_ as "_" (it unescapes twice): left out of its check.
        read = [(r[1], t) for r, t in zip(data_rows(path), expected, strict=True) if "_x005F_" not in t]
        assert [r for r, _ in read] == [t for _, t in read]


def test_a_text_of_nothing_but_control_characters_is_a_blank_cell(tmp_path):
    path = write(tmp_path / "台账.xlsx", [[1, "\x01\x02", None, None, "\x00"]])
    assert data_rows(path) == [[1, None, None, None, None]]


def test_text_longer_than_a_cell_holds_is_cut_at_excels_limit(tmp_path):
    long_text = "隐" * 40_000
    emoji = "😀" * 20_000  # two UTF-16 units each: Excel counts those
    path = write(tmp_path / "台账.xlsx", [[1, long_text, None, None, emoji]])
    [row] = data_rows(path)
    assert row[1] == "隐" * 32_767
    assert row[4] == "😀" * 16_383  # never half a character


FUZZ_ALPHABET = ("abcXYZ019 _x-=+@#'\"<>&;\t\n\r" "隐患台账整改销号　" "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f"
                 "😀🔥\U0001f9ef\u200b\ufeff\ud800\udfff\ufffe\uffff")


def fuzz_text(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"_x{rng.randrange(0x10000):04X}_" + rng.choice(("", "尾", "_x0041_"))
    size = rng.choice((1, 3, 12, 80, 2_000)) if rng.random() < 0.99 else 33_000
    return "".join(rng.choice(FUZZ_ALPHABET) for _ in range(size))


def cleaned(text: str) -> str | None:
    kept = "".join(ch for ch in text if not (ch < " " and ch not in "\t\n\r" or "\ud800" <= ch <= "\udfff"
                                             or ch in "\ufffe\uffff"))
    if len(kept.encode("utf-16-le")) > 2 * 32_767:
        kept = kept.encode("utf-16-le")[:2 * 32_767].decode("utf-16-le", "ignore")
    return kept or None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_text_round_trips_through_openpyxl_and_calamine(tmp_path, seed):
    rng = random.Random(seed)
    texts = [fuzz_text(rng) for _ in range(300)]
    rows = [[i, text, None, None, texts[-i]] for i, text in enumerate(texts, 1)]
    path = write(tmp_path / "台账.xlsx", rows)
    read = data_rows(path)
    assert [r[1] for r in read] == [cleaned(t) for t in texts]
    assert [r[4] for r in read] == [cleaned(texts[-i]) for i in range(1, 301)]
    inline = write(tmp_path / "内联.xlsx", rows, shared_limit=0)
    assert [r[1] or None for r in calamine_rows(inline)] == [cleaned(t) for t in texts]


def test_a_column_of_new_text_in_every_row_is_written_in_its_cells_and_the_table_stays_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "SAMPLE_STRINGS", 50)
    rows = [[n, f"430626101-2026-A{n:04d}", None, None, ("发现", "整改中", "销号")[n % 3]] for n in range(1, 501)]
    path = write(tmp_path / "台账.xlsx", rows)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert sheet_xml.count('t="inlineStr"') == 500 - 50  # the numbers, once 50 of them showed they never repeat
    assert 'uniqueCount="60"' in strings  # the title, the subtitle, five headers, 50 numbers, three statuses
    assert data_rows(path) == [[n, f"430626101-2026-A{n:04d}", None, None, ("发现", "整改中", "销号")[n % 3]]
                               for n in range(1, 501)]
    small = write(tmp_path / "小表.xlsx", rows, shared_limit=20)
    with zipfile.ZipFile(small) as archive:
        assert 'uniqueCount="20"' in archive.read("xl/sharedStrings.xml").decode()
    assert data_rows(small) == data_rows(path)


def test_more_rows_than_a_sheet_holds_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 5)
    with pytest.raises(SheetFull):
        write(tmp_path / "台账.xlsx", [[n, "隐患", None, None, None] for n in range(3)])


def test_a_failed_write_leaves_the_file_closed_for_the_caller_to_remove(tmp_path):
    path = tmp_path / "台账.xlsx"
    with pytest.raises(RuntimeError), StreamedSheet(path, name="隐患台账", columns=COLUMNS, day=DAY) as sheet:
        sheet.row([1, "隐患", None, None, None])
        raise RuntimeError("cancelled")
    path.unlink()  # closed: Windows would refuse to remove an open file


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("limit", [xlsx_stream.SHARED_STRINGS, 0], ids=["shared", "inline"])
def test_libreoffice_opens_the_file(tmp_path, limit):
    path = write(tmp_path / "台账.xlsx", [
        [1, "储罐区可燃气体报警器失效 & <检查>", "2026-09-01", 123456, "销号"],
        [2, "_x0041_ 不是 A", "2026-10-20", None, "整改中"],
        [3, "第一行\n第二行", None, 5, "发现"],
    ], shared_limit=limit)
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path / "csv"), str(path)], check=True, capture_output=True, timeout=180)
    with open(tmp_path / "csv" / "台账.csv", encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][0] == "安定镇隐患排查治理台账"
    assert lines[2] == HEADERS
    assert lines[3] == ["1", "储罐区可燃气体报警器失效 & <检查>", "2026-09-01", "1,234.56", "销号"]
    assert lines[4] == ["2", "_x0041_ 不是 A", "2026-10-20", "", "整改中"]
    assert lines[5] == ["3", "第一行\n第二行", "", "0.05", "发现"]


def test_a_row_of_wrapped_text_is_as_tall_as_its_lines_so_a_print_does_not_overlap(tmp_path):
    """LibreOffice prints a row at the height the file gives it: without one, a description wrapped to three
    lines was printed over the two rows below it. The height is not marked custom, so Excel may still fit it."""
    long_chinese = "储罐区可燃气体报警器失效，未按规定定期检" * 2  # 42 characters, 84 units: three lines of 31.65
    path = write(tmp_path / "台账.xlsx", [
        [1, "报警器失效", "2026-09-01", 1, "发现"],
        [2, long_chinese, "2026-09-01", 1, "发现"],
        [3, "第一行\n第二行", "2026-09-01", 1, "发现"],
        [4, "A" * 70, "2026-09-01", 1, "发现"],
        [5, 12345, "2026-09-01", 1, "发现"],
    ])
    sheet = openpyxl.load_workbook(path).active
    heights = [sheet.row_dimensions[n].height for n in range(4, 9)]
    assert heights == [None, 3 * 13.5 + 2, 2 * 13.5 + 2, 3 * 13.5 + 2, None]
    assert '<row r="5" ht="42.5">' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()  # not custom
    assert data_rows(path)[1][1] == long_chinese
