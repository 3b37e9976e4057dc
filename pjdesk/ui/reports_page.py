"""报表: build a month's return in the background, preview it, print it, save it, freeze it, and compare a
frozen return with what the ledger says today."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.periods import Month
from pjdesk.services import returns as return_service

from .pdf_preview import PdfPreview
from .pdf_printing import print_dialog_for, print_from
from .saving import ask_save_path, say_saved
from .small_table import fill_rows, small_table
from .tasks import run_task
from .widgets import ask_to_confirm, make_button


class ReportsPage(QWidget):
    changed = Signal(dict)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.built = None  # the BuiltReturn shown in the preview
        self.shown_pdf: Path | None = None  # the file in the preview, built or frozen
        self.printing = None  # the background print run, while there is one
        self.last_print = None  # what the last print run did (PrintResult), None if it failed
        self.document = QPdfDocument(self)
        self.preview = PdfPreview(self.document)
        self.preview.setObjectName("report_preview")
        self.caption = QLabel("选择报告期和报表，点“生成”。")
        self.caption.setObjectName("report_caption")
        self.caption.setStyleSheet("font-weight: 600;")

        self.month_box = QComboBox()
        self.month_box.setObjectName("report_month")
        for month in return_service.recent_months(session):
            self.month_box.addItem(month.label, month.key)
        self.month_box.setCurrentIndex(1 if self.month_box.count() > 1 else 0)  # last month: the one to report
        self.form_buttons = QButtonGroup(self)
        # Two columns: the work plan's returns (表1 … 表9, 台账, 排名) one under another would make the page
        # taller than a 1366×768 screen leaves. The whole title is in the tip; the button says the short one.
        forms_box = QGridLayout()
        forms_box.setHorizontalSpacing(12)
        available = return_service.available_forms(session)
        rows = (len(available) + 1) // 2
        for i, (code, title) in enumerate(available.items()):
            button = QRadioButton(f"{code}　{_short(title)}")
            button.setToolTip(f"{code}　{title}")
            button.setObjectName(f"form_{code}")
            button.setProperty("form", code)
            button.setChecked(i == 0)
            self.form_buttons.addButton(button)
            forms_box.addWidget(button, i % rows, i // rows)
        self.reviewer = QLineEdit(return_service.reviewer(session))
        self.reviewer.setObjectName("reviewer")
        self.reviewer.setPlaceholderText("分管领导姓名")
        self.build_button = QPushButton("生成")
        self.build_button.setObjectName("build_return")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        self.print_button = make_button("打印…", "print_return", self.print_dialog)
        self.save_pdf_button = QPushButton("另存 PDF…")
        self.save_pdf_button.clicked.connect(lambda: self.save_as("pdf"))
        self.save_xlsx_button = QPushButton("另存 Excel…")
        self.save_xlsx_button.clicked.connect(lambda: self.save_as("xlsx"))
        self.freeze_button = make_button("冻结（签字报送的版本）", "freeze_return", self.freeze)

        choose = QGroupBox("生成报表")
        form = QFormLayout(choose)
        form.addRow("报告期", self.month_box)
        form.addRow("报表", forms_box)
        form.addRow("审核人", self.reviewer)
        form.addRow(self.build_button)
        actions = QGroupBox("当前报表")
        # Two by two: each form added to the list above makes the page taller, and it must fit 1366×768.
        actions_layout = QGridLayout(actions)
        for i, b in enumerate((self.print_button, self.save_pdf_button, self.save_xlsx_button, self.freeze_button)):
            actions_layout.addWidget(b, i // 2, i % 2)

        frozen = QGroupBox("已冻结的报表")
        frozen_layout = QVBoxLayout(frozen)
        self.frozen = small_table("frozen_returns", ["报告期", "报表", "冻结于"], stretch=2, widths={0: 88, 1: 48})
        self.frozen.cellDoubleClicked.connect(lambda *_: self.open_frozen())
        open_button = QPushButton("打开")
        open_button.clicked.connect(self.open_frozen)
        compare_button = make_button("与当前台账比较", "compare_frozen", self.compare_frozen)
        row = QHBoxLayout()
        row.addWidget(open_button)
        row.addWidget(compare_button)
        frozen_layout.addWidget(self.frozen)
        frozen_layout.addLayout(row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("报表")
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        left_layout.addWidget(heading)
        left_layout.addWidget(choose)
        left_layout.addWidget(actions)
        left_layout.addWidget(frozen, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.caption)
        right_layout.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._enable_actions(False)
        self.refresh_frozen()

    # --- building ---------------------------------------------------------------------------------------
    def chosen_form(self) -> str:
        return self.form_buttons.checkedButton().property("form")

    def build(self) -> None:
        try:
            month = return_service.parse_month(self.session, self.month_box.currentData())
        except PjdeskError as e:
            QMessageBox.warning(self, "不能生成", str(e))
            return
        return_service.set_reviewer(self.session, self.reviewer.text())
        form = self.chosen_form()
        folder = return_service.scratch_folder(self.session)
        self.build_button.setEnabled(False)

        def work(session, progress, cancelled):
            return return_service.build_returns(session, month, [form], folder, progress=progress,
                                                cancelled=cancelled)[0]

        def failed(message):
            self.build_button.setEnabled(True)
            QMessageBox.warning(self, "未生成", message)

        self.build_thread = run_task(self, self.session, f"正在生成{form}", work, self.show_built, failed)

    def show_built(self, built) -> None:
        self.build_button.setEnabled(True)
        self.built = built
        self.show_pdf(built.pdf, f"{built.form}　{built.title}　{built.month.label}")
        self._enable_actions(True)

    def show_pdf(self, path, caption: str) -> None:
        self.document.close()
        self.document.load(str(path))
        self.shown_pdf = Path(path)
        self.caption.setText(f"{caption}　共 {self.document.pageCount()} 页")

    def _enable_actions(self, enabled: bool) -> None:
        for b in (self.print_button, self.save_pdf_button, self.save_xlsx_button, self.freeze_button):
            b.setEnabled(enabled)
        self.print_button.setEnabled(enabled and self.printing is None)  # one print run at a time

    # --- printing and saving -------------------------------------------------------------------------------
    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.HighResolution)
        dialog = print_dialog_for(printer, self.document, "打印报表", self)
        if dialog.exec() == QDialog.Accepted:
            self.print_to(printer, configured=True)

    def print_to(self, printer: QPrinter, *, configured: bool = False):
        """Print the previewed return on ``printer`` in the background (see pdf_printing); returns the thread.
        A printer no dialog ``configured`` gets the PDF's own page size and orientation."""
        if self.shown_pdf is None or self.printing is not None:
            return None
        return print_from(self, self.shown_pdf, printer, self.caption.text().split("　共")[0], self.document,
                          configured=configured, current_page=self.preview.current_page(),
                          can_print_again=lambda: self.shown_pdf is not None)

    def save_as(self, kind: str) -> None:
        if not self.built:
            return
        source = self.built.pdf if kind == "pdf" else self.built.xlsx
        filters = "PDF 文件 (*.pdf)" if kind == "pdf" else "Excel 表格 (*.xlsx)"
        path = ask_save_path(self, self.session, "另存为", source.name, filters)
        if path is None:
            return
        try:
            shutil.copyfile(source, path)
        except OSError as e:
            QMessageBox.warning(self, "未保存", f"不能写入 {path}：{os_reason(e)}。请换一个文件夹。")
            return
        say_saved(self, path, "报表")

    # --- freezing ------------------------------------------------------------------------------------------
    def freeze(self) -> None:
        if not self.built or not self.confirm_freezing():
            return
        try:
            outcome = return_service.freeze_return(self.session, self.built)
        except PjdeskError as e:
            QMessageBox.warning(self, "未冻结", str(e))
            return
        self.refresh_frozen()
        self.changed.emit(dict(outcome.changed))

    def confirm_freezing(self) -> bool:
        built = self.built
        earlier = [r for r in return_service.list_frozen(self.session)
                   if r["period"] == built.month.key and r["form"] == built.form]
        again = (f"这张报表已于 {return_service.frozen_time(earlier[0])} 冻结过；再冻结会另存一个新版本，原版本不变。\n"
                 if earlier else "")
        return ask_to_confirm(
            self, "确认冻结", f"冻结 {built.form}　{built.title}　{built.month.label}？", "冻结",
            again + "冻结即把这张报表现在的数字、填报人和审核人，连同 PDF 和 Excel 文件原样保存，作为签字报送的版本，"
            "以后不能修改，可随时打开、重印，并与当前台账比较。请在核对无误、签字报送时冻结。")

    def refresh_frozen(self) -> None:
        rows = return_service.list_frozen(self.session)
        today = self.session.today()
        fill_rows(self.frozen, [(Month.parse(r["period"]).label, r["form"], frozen_when(r, today)) for r in rows],
                  [r["id"] for r in rows])
        for i, r in enumerate(rows):  # who froze it, and when to the minute, for whoever asks
            self.frozen.item(i, 2).setToolTip(f"{return_service.frozen_time(r)} 由 {r['preparer']} 冻结")

    def _selected_frozen(self) -> str | None:
        row = self.frozen.currentRow()
        return self.frozen.item(row, 0).data(Qt.UserRole) if row >= 0 else None

    def open_frozen(self) -> None:
        snapshot_id = self._selected_frozen()
        if not snapshot_id:
            return
        frozen = return_service.frozen_return(self.session, snapshot_id)
        pdf = frozen["files"]["pdf"]
        if not pdf["intact"]:
            QMessageBox.warning(self, "文件不符", "冻结时保存的 PDF 已丢失或被改动，无法原样打开。")
            return
        self.built = None
        self._enable_actions(False)
        self.print_button.setEnabled(self.printing is None)
        self.show_pdf(pdf["path"], f"已冻结：{frozen['form']}　{frozen['title']}　{frozen['period']}")

    def compare_frozen(self) -> None:
        snapshot_id = self._selected_frozen()
        if not snapshot_id:
            return
        differences = return_service.compare_with_today(self.session, snapshot_id)
        DifferencesDialog(differences, self).exec()


class DifferencesDialog(QDialog):
    def __init__(self, differences: list[dict], parent=None):
        super().__init__(parent)
        self.setObjectName("differences")
        self.setWindowTitle("冻结报表与当前台账的差异")
        layout = QVBoxLayout(self)
        if not differences:
            layout.addWidget(QLabel("冻结后台账没有改动影响这张报表的数字。"))
        else:
            layout.addWidget(QLabel(f"冻结后有 {len(differences)} 处数字与当前台账不同（多为补录、改动或延后的处理记录）："))
            table = QTableWidget(len(differences), 4)
            table.setObjectName("differences_table")
            table.setHorizontalHeaderLabels(["行", "栏目", "冻结时", "现在"])
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
            for i, d in enumerate(differences):
                for j, value in enumerate((d["row"], d["column"], _shown(d["frozen"]), _shown(d["now"]))):
                    table.setItem(i, j, QTableWidgetItem(value))
            layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def frozen_when(snapshot: dict, today: dt.date) -> str:
    """When a return was frozen, as a clerk writes it: 12月7日 15:40 (with the year when not this year)."""
    moment = dt.datetime.strptime(return_service.frozen_time(snapshot), "%Y-%m-%d %H:%M")
    day = f"{moment.month}月{moment.day}日 {moment:%H:%M}"
    return day if moment.year == today.year else f"{moment.year}年{day}"


def _short(title: str) -> str:
    """A return's title without the words every one of them ends with (…统计表, …月报): what tells it apart."""
    for tail in ("统计表（汇总）", "统计表", "专项表", "月报（综合）", "月报"):
        if title.endswith(tail) and len(title) > len(tail) + 1:
            return title[: -len(tail)]
    return title
