"""Printing without a frozen window: the event loop keeps turning while the pages go to the printer, a cancel
stops it, and the range, copies, collation, order and duplex of the print dialog are honoured.

The printer here is Qt's PDF printer writing a file; with a page range it takes the same road as a paper
printer (pages rendered and drawn on the QPrinter), whose output a test can count."""

from __future__ import annotations

import time

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPageRanges
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QProgressDialog, QPushButton
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from pjdesk.ui.pdf_printing import page_sequence, print_sequence
from pjdesk.ui.reports_page import ReportsPage


def ledger_like_pdf(path, pages: int, *, red_mark: bool = False):
    """Pages of small text in a grid, as the 台账 prints: A4 landscape."""
    drawing = canvas.Canvas(str(path), pagesize=landscape(A4))
    for number in range(1, pages + 1):
        drawing.setFont("Helvetica", 6)
        for row in range(40):
            y = 560 - row * 13
            drawing.line(30, y - 3, 812, y - 3)
            drawing.drawString(32, y, f"page {number} row {row} 430626101-2026-A{row:04d} fire extinguisher expired")
        if red_mark:
            drawing.setFillColor(colors.red)
            drawing.rect(700, 20, 80, 20, fill=1)
            drawing.setFillColor(colors.black)
        drawing.showPage()
    drawing.save()
    return path


@pytest.fixture
def page(qtbot, session):
    widget = ReportsPage(session)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def pdf_printer(path, first: int, last: int) -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPrintRange(QPrinter.PageRange)
    printer.setFromTo(first, last)
    return printer


def sizes(path) -> list[tuple[int, int]]:
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(path).pages]


def test_the_window_keeps_turning_while_it_prints(qtbot, page, tmp_path):
    page.show_pdf(ledger_like_pdf(tmp_path / "台账.pdf", 12), "隐患台账　2026年11月")
    ticks = []
    timer = QTimer(interval=10, timeout=lambda: ticks.append(time.perf_counter()))
    timer.start()
    start = time.perf_counter()
    page.print_to(pdf_printer(tmp_path / "printed.pdf", 1, 12))
    assert page.printing is not None and not page.print_button.isEnabled(), "printing in the background"
    qtbot.waitUntil(lambda: page.printing is None, timeout=60000)
    end = time.perf_counter()
    timer.stop()
    marks = [start, *(t for t in ticks if t <= end), end]
    pause = max(b - a for a, b in zip(marks, marks[1:], strict=False))
    said = f"{len(marks) - 2} ticks in {end - start:.2f} s, the longest pause {pause:.2f} s"
    assert len(marks) - 2 >= 5 and pause < max(1.0, (end - start) / 3), said  # the window answered meanwhile
    result = page.last_print
    assert (result.printed, result.total, result.cancelled, result.copied) == (12, 12, False, False)
    assert result.grey, "black and grey pages go in grey levels"
    assert sizes(tmp_path / "printed.pdf") == [(842, 595)] * 12, "A4 landscape, as the PDF is drawn"
    assert (tmp_path / "printed.pdf").stat().st_size < 12 * 200_000, "300 dpi grey, not the printer's 1200 dpi"
    assert page.print_button.isEnabled()


def test_a_cancel_stops_the_printing(qtbot, page, tmp_path):
    page.show_pdf(ledger_like_pdf(tmp_path / "台账.pdf", 30), "隐患台账　2026年11月")
    page.print_to(pdf_printer(tmp_path / "printed.pdf", 1, 30))
    progress = page.findChild(QProgressDialog)
    qtbot.waitUntil(lambda: progress.value() >= 1, timeout=60000)
    assert "正在打印隐患台账" in progress.labelText()
    progress.findChild(QPushButton).click()  # 取消
    qtbot.waitUntil(lambda: page.printing is None, timeout=60000)
    result = page.last_print
    assert result.cancelled and 1 <= result.printed < 30
    assert not (tmp_path / "printed.pdf").exists(), "no half-printed file left behind"
    assert page.print_button.isEnabled()


def test_all_pages_to_a_file_is_the_pdf_itself(qtbot, page, tmp_path):
    source = ledger_like_pdf(tmp_path / "台账.pdf", 3)
    page.show_pdf(source, "隐患台账　2026年11月")
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    page.print_to(printer)
    qtbot.waitUntil(lambda: page.printing is None, timeout=20000)
    assert page.last_print.copied
    assert "page 2 row 7" in PdfReader(tmp_path / "printed.pdf").pages[1].extract_text(), "text stays text"


def test_range_and_copies_from_the_dialog(qtbot, page, tmp_path):
    page.show_pdf(ledger_like_pdf(tmp_path / "台账.pdf", 6), "隐患台账　2026年11月")
    printer = pdf_printer(tmp_path / "printed.pdf", 2, 5)
    ranges = QPageRanges()
    ranges.addRange(2, 3)
    ranges.addPage(5)
    printer.setPageRanges(ranges)  # 2-3,5 typed in the dialog
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    page.print_to(printer)
    qtbot.waitUntil(lambda: page.printing is None, timeout=60000)
    assert (page.last_print.printed, page.last_print.total) == (6, 6)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 6


def test_pages_with_colour_print_in_colour(qtbot, page, tmp_path):
    page.show_pdf(ledger_like_pdf(tmp_path / "排名.pdf", 2, red_mark=True), "排名表")
    page.print_to(pdf_printer(tmp_path / "printed.pdf", 1, 2))
    qtbot.waitUntil(lambda: page.printing is None, timeout=60000)
    assert page.last_print.printed == 2 and not page.last_print.grey


@pytest.mark.parametrize("setup, expected", [
    (lambda p: None, [0, 1, 2, 3, 4]),
    (lambda p: (p.setPrintRange(QPrinter.PageRange), p.setFromTo(2, 9)), [1, 2, 3, 4]),
    (lambda p: (p.setPrintRange(QPrinter.CurrentPage)), [3]),
    (lambda p: p.setPageOrder(QPrinter.LastPageFirst), [4, 3, 2, 1, 0]),
    (lambda p: (p.setPrintRange(QPrinter.PageRange), p.setFromTo(1, 2), p.setCopyCount(2),
                p.setCollateCopies(False)), [0, 0, 1, 1]),
    (lambda p: (p.setPrintRange(QPrinter.PageRange), p.setFromTo(1, 2), p.setCopyCount(2)), [0, 1, 0, 1]),
])
def test_the_pages_the_dialog_chose(setup, expected):
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)  # makes no copies itself, as many printers
    setup(printer)
    assert print_sequence(printer, 5, current_page=3) == expected


def test_copies_printed_on_both_sides_each_start_a_sheet():
    # (The PDF printer keeps no duplex setting, so this is asked of the sequence itself.)
    assert page_sequence([0, 1, 2], 3, collate=True, duplex=True) == [0, 1, 2, None, 0, 1, 2, None, 0, 1, 2]
    assert page_sequence([0, 1], 2, collate=True, duplex=True) == [0, 1, 0, 1]
    assert page_sequence([0, 1, 2], 2, collate=True, duplex=False) == [0, 1, 2, 0, 1, 2]
    assert page_sequence([0, 1, 2], 2, collate=False, duplex=True) == [0, 0, 1, 1, 2, 2]
