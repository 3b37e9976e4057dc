"""Printing a PDF that pjdesk wrote, with the window free while it prints.

A printer takes pictures of pages from Qt (QPainter on QPrinter), so each page is rendered with QtPdf and
drawn on the printer, in the page's own size and orientation (A4 landscape for most returns), centred on the
paper the dialog chose. What keeps it quick and small:

- 300 dpi, what a laser printer prints text at, not the printer's own resolution (1200 dpi made one page of
  表3 a 5 MB PDF); grey levels when the pages have no colour (pjdesk's forms are black and grey), which the
  print engine compresses losslessly instead of as a colour JPEG;
- printing to a PDF file, all of it, copies the PDF itself: text that stays text, in a fraction of a second.

The work runs on a background thread: rendering and painting on a QPrinter are both supported off the GUI
thread (Qt, "Thread-Support in Qt Modules: painting in threads"), and nothing else touches the printer
until it is done. Drawing on the printer keeps Python's interpreter lock for the whole call, and the window's
own Python code waits meanwhile, so each page is rendered and drawn in bands of BAND_ROWS rows, and after each
band the thread pauses long enough for the GUI thread to take the lock: every wait is short and the window
answers between them. Progress goes to the progress dialog, which can cancel between bands. Page range (one range or several, 1-3,5), current page, copies (when the printer does not make them
itself), collation, page order and duplex come from the print dialog.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from pjdesk.core.errors import PjdeskError, os_reason

from .tasks import run_task

PRINT_DPI = 300
BAND_ROWS = 256  # rows of a band at PRINT_DPI: about 10 ms to render or draw on a two-core office PC
COLOUR_CHECK_DPI = 18  # enough to see a coloured mark; a few milliseconds a page
HAND_OVER_S = 0.001  # after each band, the GUI thread's turn with the interpreter (see _draw_page)


@dataclass(frozen=True)
class PrintResult:
    """What a print run did: ``printed`` sheets' sides sent out of ``total`` (copies counted, the blank side
    between duplex copies not), whether it was ``cancelled``, and whether the PDF itself was ``copied``."""

    printed: int
    total: int
    cancelled: bool = False
    copied: bool = False
    grey: bool = False


def page_layout_of(document: QPdfDocument) -> QPageLayout:
    size = document.pagePointSize(0)
    landscape = size.width() > size.height()
    page = QPageSize(QSizeF(min(size.width(), size.height()), max(size.width(), size.height())), QPageSize.Point)
    orientation = QPageLayout.Landscape if landscape else QPageLayout.Portrait
    return QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0))


def prepare_printer(printer: QPrinter, document: QPdfDocument) -> None:
    """The paper of the PDF's first page, edge to edge, and its pages as the range the dialog offers."""
    printer.setPageLayout(page_layout_of(document))
    printer.setFullPage(True)
    printer.setFromTo(1, document.pageCount())


def print_dialog_for(printer: QPrinter, document: QPdfDocument, title: str, parent: QWidget) -> QPrintDialog:
    """The print dialog for ``document``: its paper set, its pages the range, the page in view offered."""
    prepare_printer(printer, document)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, document.pageCount())
    dialog.setOption(QAbstractPrintDialog.PrintCurrentPage, True)
    return dialog


def paper_of_pdf(printer: QPrinter, document: QPdfDocument) -> None:
    """A printer no dialog set up (printing to a file from a script or a test): the PDF's own paper, edge to
    edge, keeping the range it was given."""
    printer.setPageLayout(page_layout_of(document))
    printer.setFullPage(True)


def print_sequence(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int | None]:
    """The pages to draw, in order, from 0, as the dialog set ``printer`` up (see page_sequence)."""
    if printer.printRange() == QPrinter.PageRange:
        ranges = printer.pageRanges()
        spans = ([(r.from_, r.to) for r in ranges.toRangeList()] if not ranges.isEmpty()
                 else [(printer.fromPage() or 1, printer.toPage() or page_count)])
        pages = [n - 1 for first, last in spans for n in range(first, last + 1) if 1 <= n <= page_count]
    elif printer.printRange() == QPrinter.CurrentPage:
        pages = [min(max(current_page, 0), page_count - 1)] if page_count else []
    else:
        pages = list(range(page_count))
    pages = list(dict.fromkeys(pages))
    if printer.pageOrder() == QPrinter.LastPageFirst:
        pages.reverse()
    # A printer that makes copies itself is sent one; for one that does not, they are drawn here.
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    return page_sequence(pages, copies, printer.collateCopies(), printer.duplex() != QPrinter.DuplexNone)


def page_sequence(pages: list[int], copies: int, collate: bool, duplex: bool) -> list[int | None]:
    """``pages`` ``copies`` times, collated (1 2 3 1 2 3) or not (1 1 2 2 3 3). None is a blank side: printed on
    both sides, a copy of an odd number of pages is followed by one, so that each copy starts a new sheet."""
    if copies <= 1 or not pages:
        return list(pages)
    if not collate:
        return [page for page in pages for _ in range(copies)]
    blank = [None] if duplex and len(pages) % 2 else []
    sequence: list[int | None] = []
    for copy in range(copies):
        sequence += pages + (blank if copy < copies - 1 else [])
    return sequence


def print_pdf(path: Path, printer: QPrinter, *, current_page: int = 0,
              progress: Callable[[int, int], None] = lambda done, total: None,
              cancelled: Callable[[], bool] = lambda: False, dpi: int = PRINT_DPI) -> PrintResult:
    """Print the PDF at ``path`` on ``printer`` as its dialog set it up. Runs on any one thread, which must be
    the only one using ``printer`` meanwhile. Raises PjdeskError with what to do when it cannot print."""
    # Read whole at the start: the program may write a new file of the same name (the form made again)
    # while this prints, and QtPdf reads a file it was given by name as it goes.
    try:
        data = QByteArray(Path(path).read_bytes())
    except OSError as e:
        raise PjdeskError(f"要打印的文件读不出来（{os_reason(e)}），请重新生成后再打印") from e
    source = QBuffer(data)
    source.open(QIODevice.ReadOnly)
    document = QPdfDocument()
    document.load(source)
    count = document.pageCount()
    if document.status() != QPdfDocument.Status.Ready or not count:
        raise PjdeskError("要打印的文件读不出来，请重新生成后再打印")
    sequence = print_sequence(printer, count, current_page)
    pages = sum(page is not None for page in sequence)
    if not pages:
        raise PjdeskError(f"所选页码不在 1–{count} 之内，请重新选择打印范围")
    target = printer.outputFileName() if printer.outputFormat() == QPrinter.PdfFormat else ""
    if target and printer.printRange() == QPrinter.AllPages and sequence == list(range(count)):
        return _copy_pdf(path, Path(target), count)
    grey = printer.colorMode() == QPrinter.GrayScale or not _has_colour(document, sequence)
    if grey:
        printer.setColorMode(QPrinter.GrayScale)
    painter = QPainter()
    if not painter.begin(printer):
        raise PjdeskError("打印机没有开始打印。请检查打印机是否已连接、已开机、有纸，或在打印对话框中换一台打印机。")
    printed, stopped = 0, False
    try:
        for index, page in enumerate(sequence):
            if index:
                printer.newPage()
            if page is not None:
                if not _draw_page(painter, printer, document, page, dpi, cancelled):
                    stopped = True
                    break
                printed += 1
                progress(printed, pages)
            if cancelled():
                stopped = index < len(sequence) - 1
                break
    finally:
        if stopped:
            printer.abort()  # a printer that can will drop the job; the PDF engine cannot
        painter.end()
        document.close()
    if stopped and target:
        Path(target).unlink(missing_ok=True)  # half a file is worse than none
    return PrintResult(printed, pages, cancelled=stopped, grey=grey)


def _copy_pdf(source: Path, target: Path, count: int) -> PrintResult:
    try:
        shutil.copyfile(source, target)
    except OSError as e:
        raise PjdeskError(f"不能写入 {target}：{os_reason(e)}。请换一个文件夹或文件名。") from e
    return PrintResult(count, count, copied=True)


def _has_colour(document: QPdfDocument, sequence: list[int | None]) -> bool:
    small = QImage.Format_RGB32
    for page in dict.fromkeys(p for p in sequence if p is not None):
        size = document.pagePointSize(page) * (COLOUR_CHECK_DPI / 72)
        image = document.render(page, QSize(max(int(size.width()), 1), max(int(size.height()), 1)))
        if not image.convertToFormat(small).allGray():
            return True
    return False


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int, dpi: int,
               cancelled: Callable[[], bool]) -> bool:
    """Draw one page, fitted and centred, band by band; False when cancelled before it was whole."""
    paper = printer.pageLayout().fullRectPixels(printer.resolution())
    points = document.pagePointSize(page)
    scale = min(paper.width() / points.width(), paper.height() / points.height())  # device pixels a point
    left = paper.x() + (paper.width() - points.width() * scale) / 2
    top = paper.y() + (paper.height() - points.height() * scale) / 2
    dpi = min(dpi, printer.resolution())
    width, height = round(points.width() * dpi / 72), round(points.height() * dpi / 72)
    step = points.width() * scale / width  # device pixels an image pixel
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(QSize(width, height))
    for row in range(0, height, BAND_ROWS):
        if cancelled():
            return False
        rows = min(BAND_ROWS, height - row)
        options.setScaledClipRect(QRect(0, row, width, rows))
        # Opaque: QtPdf paints on white but answers with an alpha channel, which the PDF engine would keep
        # as a mask (more than ten times the bytes). Grey levels are the engine's to make, from the printer's
        # colour mode: converting here costs twice as much as rendering.
        band = document.render(page, QSize(width, rows), options).convertToFormat(QImage.Format_RGB32)
        painter.drawImage(QRectF(left, top + row * step, width * step, rows * step), band)
        # drawImage keeps the interpreter lock while the engine compresses the band; render and convert let
        # it go but take it straight back, before the GUI thread, woken, gets to it. Left so, the window can
        # wait out a whole print. A millisecond's sleep hands the lock over: about 0.6 s on 60 pages.
        time.sleep(HAND_OVER_S)
    return True


def start_printing(parent: QWidget, path: Path, printer: QPrinter, what: str, *, current_page: int = 0,
                   done: Callable[[PrintResult | None], None] | None = None):
    """Print ``path`` in the background with a progress dialog that can cancel; the window stays usable.

    ``done`` gets the PrintResult (None when printing failed, after the reason was shown). The status bar of
    the window says what was printed or that it was cancelled. Returns the background thread."""
    title = f"正在打印{what}"

    def work(_session, progress, cancelled):
        return print_pdf(path, printer, current_page=current_page, progress=progress, cancelled=cancelled)

    def finished(result: PrintResult) -> None:
        if result.cancelled:
            said = (f"已取消打印{what}：已送出 {result.printed} 页（共 {result.total} 页）。"
                    "已送到打印机的页如不需要，请在打印机上取消。")
        elif result.copied:
            said = f"已保存{what}（{result.total} 页）到 {printer.outputFileName()}"
        else:
            said = f"已送打印机：{what}，{result.printed} 页"
        _tell(parent, said)
        if done:
            done(result)

    def failed(message: str) -> None:
        QMessageBox.warning(parent, "未打印", message)
        if done:
            done(None)

    return run_task(parent, None, title, work, finished, failed)


def _tell(parent: QWidget, message: str) -> None:
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15000)


def print_from(owner: QWidget, path: Path, printer: QPrinter, what: str, document, *, configured: bool,
               current_page: int = 0, can_print_again: Callable[[], bool] = lambda: True):
    """What a preview's 打印 does: ``printer`` given the PDF's own paper unless a dialog ``configured`` it, the
    owner's ``print_button`` off while ``path`` prints in the background, then ``owner.printing`` cleared and
    ``owner.last_print`` the result. Returns the thread (also ``owner.printing``)."""
    if not configured:
        paper_of_pdf(printer, document)
    owner.print_button.setEnabled(False)
    owner.last_print = None

    def done(result) -> None:
        owner.printing, owner.last_print = None, result
        owner.print_button.setEnabled(can_print_again())

    owner.printing = start_printing(owner, path, printer, what, current_page=current_page, done=done)
    return owner.printing
