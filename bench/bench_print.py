"""Benchmark: printing a 60-page 台账 (budget ≤ 10 s, with the window answering all along).

    python bench/bench_print.py [--pages 60] [--repeat 3] [--colour] [--old]

The 台账 is drawn by the forms engine (pjdesk.forms.render_pdf) from the same made-up rows as
bench_forms.py, as many as fill --pages A4 landscape pages. The printer is Qt's PDF printer writing a file,
with the pages chosen as a range: that takes the road of a paper printer (every page rendered with QtPdf and
drawn on the QPrinter; on Linux, CUPS is sent what the same PDF engine writes), and its output can be weighed.
Printing every page to a PDF file instead copies the PDF and costs nothing.

Figures, each the median of --repeat runs in one process:
  - print: ``pdf_printing.print_pdf`` on a background thread, as the program runs it, while the main thread
    runs its event loop with a 10 ms timer. Beside the time: the size of what went to the printer and the
    longest the event loop went without turning (the window's worst pause).
  - baseline, measured in the same run: QtPdf alone rendering the same pages at the same 300 dpi into
    images, one call a page, no printer.
  - --colour: the same print when the printer is set to colour and the pages have colour (no budget).
  - --old: once, the way it printed before: each page at the printer's 1200 dpi, on the main thread.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_forms import ledger_form  # noqa: E402 - the same rows as the forms benchmark
from common import heading, report, summary  # noqa: E402
from PySide6.QtCore import QEventLoop, QSize, QThread, QTimer  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from pjdesk.forms import render_pdf  # noqa: E402
from pjdesk.forms.fonts import register_cjk_font  # noqa: E402
from pjdesk.ui.pdf_printing import PRINT_DPI, paper_of_pdf, print_pdf  # noqa: E402

BUDGET_S = 10.0
ROWS_A_PAGE = 15  # about what a page of the 台账 holds, to start the search for --pages pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--colour", action="store_true", help="also print in colour (the JPEG road)")
    parser.add_argument("--old", action="store_true", help="also print once as before: 1200 dpi, main thread")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        pdf, pages = ledger_pdf(out, args.pages)
        baseline = statistics.median(render_alone(pdf, pages) for _ in range(args.repeat))
        runs = [print_in_background(app, pdf, pages, out / "printed.pdf") for _ in range(args.repeat)]
        figure = statistics.median(r["seconds"] for r in runs)
        heading(f"printing the 台账, {pages} pages A4 landscape at {PRINT_DPI} dpi, median of {args.repeat}")
        report(f"QtPdf alone: render {pages} pages to images", baseline, None, baseline)
        results = [report(f"print {pages} pages (background, grey)", figure, BUDGET_S, baseline,
                          f"{runs[-1]['bytes'] / 1e6:.1f} MB; window's longest pause "
                          f"{max(r['longest_pause'] for r in runs) * 1000:.0f} ms")]
        if args.colour:
            colour = print_in_background(app, pdf, pages, out / "colour.pdf", colour=True)
            report(f"print {pages} pages in colour (once)", colour["seconds"], None, baseline,
                   f"{colour['bytes'] / 1e6:.1f} MB; longest pause {colour['longest_pause'] * 1000:.0f} ms")
        if args.old:
            old = print_as_before(pdf, pages, out / "old.pdf")
            report("as before: 1200 dpi on the main thread (once)", old["seconds"], None, baseline,
                   f"{old['bytes'] / 1e6:.1f} MB; the window frozen throughout")
    return summary(results)


def ledger_pdf(out: Path, pages: int) -> tuple[Path, int]:
    """The 台账 of as many rows as make ``pages`` pages (or the first count past it)."""
    register_cjk_font()
    rows = pages * ROWS_A_PAGE
    while True:
        path = out / "台账.pdf"
        render_pdf(ledger_form(random.Random(7), rows, "2026年1月—11月"), path)
        made = page_count(path)
        if made >= pages:
            return path, made
        rows = int(rows * pages / made) + 5


def page_count(path: Path) -> int:
    document = QPdfDocument()
    document.load(str(path))
    return document.pageCount()


def render_alone(pdf: Path, pages: int) -> float:
    document = QPdfDocument()
    document.load(str(pdf))
    start = time.perf_counter()
    for page in range(pages):
        size = document.pagePointSize(page) * (PRINT_DPI / 72)
        document.render(page, QSize(round(size.width()), round(size.height())))
    return time.perf_counter() - start


def pdf_printer(document_path: Path, target: Path, pages: int, colour: bool = False) -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setPrintRange(QPrinter.PageRange)  # the road of a paper printer, not the copy of the file
    printer.setFromTo(1, pages)
    printer.setColorMode(QPrinter.Color if colour else QPrinter.GrayScale)
    document = QPdfDocument()
    document.load(str(document_path))
    paper_of_pdf(printer, document)
    return printer


class _Printing(QThread):
    def __init__(self, pdf: Path, printer: QPrinter, colour: bool):
        super().__init__()
        self.pdf, self.printer, self.colour = pdf, printer, colour
        self.result = None

    def run(self) -> None:
        if self.colour:  # the forms are black and grey: pretend otherwise to time the colour road
            import pjdesk.ui.pdf_printing as printing

            kept, printing._has_colour = printing._has_colour, lambda document, sequence: True
            try:
                self.result = print_pdf(self.pdf, self.printer)
            finally:
                printing._has_colour = kept
        else:
            self.result = print_pdf(self.pdf, self.printer)


def print_in_background(app: QApplication, pdf: Path, pages: int, target: Path, colour: bool = False) -> dict:
    """Print on a background thread while the event loop turns with a 10 ms timer, as the window's does."""
    printer = pdf_printer(pdf, target, pages, colour)
    thread = _Printing(pdf, printer, colour)
    ticks: list[float] = []
    loop = QEventLoop()
    timer = QTimer(interval=10, timeout=lambda: ticks.append(time.perf_counter()))
    thread.finished.connect(loop.quit)
    start = time.perf_counter()
    timer.start()
    thread.start()
    loop.exec()
    seconds = time.perf_counter() - start
    timer.stop()
    thread.wait()
    if thread.result is None or thread.result.printed != pages:
        sys.exit(f"printing failed: {thread.result}")
    marks = [start, *ticks, start + seconds]
    return {"seconds": seconds, "bytes": target.stat().st_size,
            "longest_pause": max(b - a for a, b in zip(marks, marks[1:], strict=False))}


def print_as_before(pdf: Path, pages: int, target: Path) -> dict:
    """The old print_document: each page as one image at the printer's resolution, on this thread."""
    from PySide6.QtCore import QPointF, QRectF, QSizeF
    from PySide6.QtGui import QPainter

    document = QPdfDocument()
    document.load(str(pdf))
    printer = pdf_printer(pdf, target, pages, colour=True)
    start = time.perf_counter()
    painter = QPainter()
    painter.begin(printer)
    for number in range(pages):
        if number:
            printer.newPage()
        paper = printer.pageLayout().fullRectPixels(printer.resolution())
        page = document.pagePointSize(number)
        scale = min(paper.width() / page.width(), paper.height() / page.height())
        size = QSize(int(page.width() * scale), int(page.height() * scale))
        painter.drawImage(QRectF(QPointF(0, 0), QSizeF(size)), document.render(number, size))
    painter.end()
    return {"seconds": time.perf_counter() - start, "bytes": target.stat().st_size}


if __name__ == "__main__":
    sys.exit(main())
