"""A list page for any record kind, built from its declaration (pjdesk.core.records).

Columns: the assigned numbers, the fields shown in lists (``Field.in_list``; a reference shows the title of
what it refers to) and the derived columns the kind names (``derived_labels``); on the county a 乡镇 column
first. Filters: each listed CHOICE, REF and BOOL field, each listed DATE field as a from–to range, and on the
county the township. A search box (words of one or two characters too), sorting by a header click, a detail
panel with the record's fields, child rows, history and attachments, 新增 / 编辑 / 删除, and 从 Excel 导入 / 导出
Excel through the record import and export. Every query runs in SQL through the record service, a page of rows
at a time: nothing loads the whole list.

A kind adds its own actions without touching this file, in either of two ways:

- a subclass (``UnitsPage`` adds 查看隐患), which may override ``prepare_dialog(dialog)``;
- a module ``pjdesk/ui/<kind name>_extras.py`` with ``extend_page(page)``, called once the page is built.
  There it may call ``page.add_action(...)`` (a button beside 编辑/删除 that gets the selected row),
  ``page.add_title_button(button)`` (beside 新增), append to ``page.dialog_hooks`` (each is called with every
  entry dialog the page opens, see record_dialog.py), set ``page.value_text[field]`` (how the detail panel says
  a value stored as a key), and connect to ``page.record_selected`` (the selected list row, or None) or
  ``page.changed``.
"""

from __future__ import annotations

import functools
import html
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import (
    BOOL,
    CHILDREN,
    CHOICE,
    DATE,
    DECIMAL,
    INT,
    LONGTEXT,
    MONEY,
    REF,
    TAGS,
    TEXT,
    Field,
    RecordKind,
    split_tags,
)
from pjdesk.core.townships import station_name, townships
from pjdesk.services import records as record_service
from pjdesk.services.records import RecordQuery

from . import column_layout as layouts
from .attachments_panel import AttachmentsPanel
from .hazard_dialogs import ask_delete_reason
from .record_dialog import RecordDialog
from .record_form import DateField
from .saving import ask_open_paths, ask_save_path, say_saved
from .table_model import Column, PagedTableModel, elide_columns
from .widgets import ListDetailSplitter

FILTERED = (CHOICE, REF, BOOL, DATE)
SEARCHED = (TEXT, LONGTEXT, TAGS)
INCOMPLETE_FG = QColor("#8c1d18")
# The filter bar is packed into rows of this width: the page's share of a 1366-pixel laptop screen.
BAR_WIDTH = 1366 - 150 - 60
DETAIL_WIDTH = 350  # the detail panel's share of the width: on a 1366-pixel screen, 850 are left to the list


ACTIONS_PER_ROW = 4  # the detail panel is narrow: more buttons than this wrap to another row


@dataclass
class PageAction:
    button: QPushButton
    needs_selection: bool
    own_only: bool
    # Whether the action applies to the selected row (a hazard's lifecycle step by its status); None: always.
    enabled_when: Callable[[dict], bool] | None = None


class RecordPage(QWidget):
    changed = Signal(dict)  # what changed (kind → ids), for the other pages
    record_selected = Signal(object)  # the selected list row (a dict with ``id``), or None
    count_unit = "条"  # 共 N 条

    def __init__(self, session, kind: RecordKind, parent=None):
        super().__init__(parent)
        self.session, self.kind = session, kind
        self.county = session.station.is_county
        self.actions: dict[str, PageAction] = {}
        self.dialog_hooks: list[Callable[[RecordDialog], None]] = []
        # For an extension: how the detail panel says a field stored as a key (field name → value → words).
        self.value_text: dict[str, Callable[[object], str]] = {}
        self.setObjectName(f"{kind.name}_page")
        self._build_filters()
        self.model = PagedTableModel(self._columns(), self._count, self._fetch, self, load=False)  # loaded last
        self.model.row_style = self._row_style
        self.table = QTableView()
        self.table.setObjectName(f"{kind.name}_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        elide_columns(self.table, self.model.columns)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        for i, c in enumerate(self.model.columns):
            header.resizeSection(i, c.width)
        header.setSectionResizeMode(self._stretch_column(), QHeaderView.Stretch)
        self._install_column_menu()
        self._set_default_sort()
        self.table.setSortingEnabled(True)
        # A header click sorts in the query (the model is reset): the selected record stays selected.
        self._kept: str | None = None
        self._reloading = False
        self.model.modelAboutToBeReset.connect(lambda: setattr(self, "_kept", self.selected_id()))
        self.model.modelReset.connect(lambda: None if self._reloading else self._reselect())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda *_: self.edit_selected())

        self.detail = QTextBrowser()
        self.detail.setObjectName(f"{kind.name}_detail")
        self.detail.setOpenLinks(False)
        # Text wraps to the panel; a scroll bar for the last few pixels of a table would only hide a line.
        self.detail.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.actions_bar = QGridLayout()
        self.actions_bar.setContentsMargins(0, 0, 0, 0)
        self.actions_bar.setSpacing(4)
        self.edit_button = self.add_action("编辑", f"edit_{kind.name}", lambda _row: self.edit_selected())
        self.delete_button = self.add_action("删除", f"delete_{kind.name}", lambda _row: self.delete_selected())
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(self.actions_bar)
        self.attachments = AttachmentsPanel(session, kind)  # 附件 of the selected record
        self.attachments.changed.connect(self.changed.emit)
        # The detail above the attachments, two thirds of the height to it until the officer drags the divider.
        stacked = QSplitter(Qt.Vertical)
        stacked.setChildrenCollapsible(False)
        stacked.addWidget(self.detail)
        stacked.addWidget(self.attachments)
        stacked.setStretchFactor(0, 2)
        stacked.setStretchFactor(1, 1)
        right_layout.addWidget(stacked, 1)
        self.splitter = ListDetailSplitter(self.table, right, DETAIL_WIDTH)

        self.heading = QLabel(kind.label)
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.count_label = QLabel()
        self.count_label.setObjectName(f"{kind.name}_count")
        self.new_button = QPushButton(f"新增{kind.label}")
        self.new_button.setObjectName(f"new_{kind.name}")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_record())
        # The county reads the townships' records; it adds only the kinds it records itself.
        self.recorded_here = not self.county or kind.county_writes
        self.new_button.setVisible(self.recorded_here)
        self.title_bar = QHBoxLayout()
        self.title_bar.addWidget(self.heading)
        self.title_bar.addStretch(1)
        self.title_bar.addWidget(self.count_label)
        self.title_bar.addWidget(self.columns_button)
        self.title_bar.addWidget(self.new_button)
        self._add_import_export()

        layout = QVBoxLayout(self)
        layout.addLayout(self.title_bar)
        layout.addLayout(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        for keys, slot in (("Ctrl+F", self.search.setFocus), ("Ctrl+N", self._new_by_key)):
            QShortcut(QKeySequence(keys), self, activated=slot, context=Qt.WidgetWithChildrenShortcut)
        self._load_extension()
        self.reload()

    # --- extension points ----------------------------------------------------------------------------------
    def add_action(self, text: str, name: str, handler: Callable[[dict | None], None], *,
                   needs_selection: bool = True, own_only: bool = True, tooltip: str = "",
                   enabled_when: Callable[[dict], bool] | None = None) -> QPushButton:
        """A button beside 编辑/删除. ``handler`` gets the selected list row (None if none). It is enabled only
        with a row selected (``needs_selection``) that this station may change (``own_only``: not another
        township's record, as every record is on the county) and for which ``enabled_when`` holds."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tooltip)
        button.clicked.connect(lambda: handler(self.selected_row()))
        n = len(self.actions)
        self.actions_bar.addWidget(button, n // ACTIONS_PER_ROW, n % ACTIONS_PER_ROW)
        self.actions[name] = PageAction(button, needs_selection, own_only, enabled_when)
        self._enable_actions()
        return button

    def add_title_button(self, button: QAbstractButton) -> None:
        """A button in the title row, before 新增 (an import, an export, a printed list)."""
        self.title_bar.insertWidget(self.title_bar.indexOf(self.new_button), button)

    @functools.cached_property
    def spec(self):
        """The kind's import spec, whose words the import and export use (the sheet-import machinery loads with
        it: ~15 ms that a county's page of the townships' records never needs)."""
        from pjdesk.services.record_import import spec_for

        return spec_for(self.kind)

    def _add_import_export(self) -> None:
        self.import_button = QPushButton("从 Excel 导入…")
        self.import_button.setObjectName(f"import_{self.kind.name}")
        self.import_button.clicked.connect(lambda: self.import_excel())
        # The county takes the townships' records from their exchange files, not from spreadsheets (but for
        # the kinds it records itself).
        self.import_button.setVisible(self.recorded_here and self.spec.refused is None)
        if self.recorded_here:
            self.import_button.setToolTip(f"从 Excel 表格导入{self.spec.noun}：先预览，有问题的行逐行列出，确认后一次导入")
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setObjectName(f"export_{self.kind.name}")
        self.export_button.setToolTip("按当前的搜索和筛选导出，可直接打印")
        self.export_button.clicked.connect(lambda: self.export_excel())
        self.add_title_button(self.import_button)
        self.add_title_button(self.export_button)

    def prepare_dialog(self, dialog: RecordDialog) -> None:
        """Called with every entry dialog this page opens, before the extension's hooks (for subclasses)."""

    def _load_extension(self) -> None:
        name = f"{__package__}.{self.kind.name}_extras"
        if importlib.util.find_spec(name) is not None:
            extend = getattr(importlib.import_module(name), "extend_page", None)
            if extend is not None:
                extend(self)

    # --- filters ----------------------------------------------------------------------------------------
    def filter_fields(self) -> list[Field]:
        """The fields the bar filters by: those shown in the list that are choices, references, flags, dates."""
        return [f for f in self.kind.fields if f.in_list and f.type in FILTERED]

    def _build_filters(self) -> None:
        self.search = QLineEdit(placeholderText=self._search_hint())
        self.search.setObjectName(f"{self.kind.name}_search")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.setToolTip(self.search.placeholderText())
        self.filters: dict[str, object] = {}
        widgets: list[QWidget | tuple[QWidget, ...]] = []
        self.township_box = None
        if self.county:
            self.township_box = self._combo("filter_township", [("全部乡镇", None)]
                                            + [(t.name, t.code) for t in townships()])
            widgets.append(self.township_box)
        for f in self.filter_fields():
            if f.type == DATE:
                low, high = DateField(), DateField()
                low.setObjectName(f"filter_{f.name}_from")
                high.setObjectName(f"filter_{f.name}_to")
                low.edit.setPlaceholderText(f"{f.label}从")
                high.edit.setPlaceholderText("到")
                low.setToolTip(f"{f.label}范围，如 2026-01-01 到 2026-06-30")
                for w in (low, high):
                    w.edit.setMinimumWidth(96)
                    w.edit.setMaximumWidth(110)
                    w.edit.editingFinished.connect(self.reload)
                self.filters[f.name] = (low, high)
                widgets.append((low, high))
            elif f.type == BOOL:
                box = QCheckBox(f.label)
                box.setObjectName(f"filter_{f.name}")
                box.setToolTip(f"只看{f.label}")
                box.toggled.connect(self.reload)
                self.filters[f.name] = box
                widgets.append(box)
            else:
                box = self._combo(f"filter_{f.name}", [(f"全部{f.label}", None)])
                if f.type == CHOICE:
                    for choice in f.choices():
                        box.addItem(choice, choice)
                else:
                    self._searchable(box, f)
                self.filters[f.name] = box
                widgets.append(box)
        for box in [self.township_box, *self.filters.values()]:
            if isinstance(box, QComboBox):
                box.currentIndexChanged.connect(self.reload)
        self.clear_button = QToolButton(text="清除筛选")
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.clicked.connect(self.clear_filters)
        widgets.append(self.clear_button)
        self._debounce = QTimer(self, singleShot=True, interval=250, timeout=self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.filter_bar = self._pack([self.search, *widgets])

    @staticmethod
    def _pack(widgets: list[QWidget | tuple[QWidget, ...]]) -> QVBoxLayout:
        """As many rows as the bar needs to fit a 1366-pixel screen (the search box first, and wide). A tuple
        of widgets (a date range's two ends) stays on one row."""
        bar = QVBoxLayout()
        bar.setSpacing(4)
        row, used = QHBoxLayout(), 0
        bar.addLayout(row)
        for group in widgets:
            group = group if isinstance(group, tuple) else (group,)
            width = sum(max(w.sizeHint().width(), w.minimumWidth()) + 6 for w in group)
            if used and used + width > BAR_WIDTH:
                row.addStretch(1)
                row, used = QHBoxLayout(), 0
                bar.addLayout(row)
            for w in group:
                row.addWidget(w, 1 if isinstance(w, QLineEdit) else 0)
            used += width
        if bar.count() > 1:
            row.addStretch(1)
        return bar

    @staticmethod
    def _combo(name: str, items) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        # Long choices must not stretch the bar: about 7 characters show, the full text in the list.
        box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        for text, data in items:
            box.addItem(text, data)
        # The whole of 全部… shows (a Chinese character takes two of the lengths Qt counts).
        first = box.itemText(0)
        box.setMinimumContentsLength(max(7, sum(2 if ord(ch) > 0x2E80 else 1 for ch in first)))
        return box

    def _searchable(self, box: QComboBox, f: Field) -> None:
        """A reference filter: the records referred to, found by typing part of a name."""
        box.setMinimumContentsLength(max(box.minimumContentsLength(), 16))
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.NoInsert)
        box.completer().setFilterMode(Qt.MatchContains)
        box.completer().setCompletionMode(QCompleter.PopupCompletion)
        box.lineEdit().setPlaceholderText(f"全部{f.label}")
        self._fill_choices(box, f)

    def _fill_choices(self, box: QComboBox, f: Field) -> None:
        target = KINDS[f.ref]
        chosen = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for row in record_service.record_choices(self.session, target):
            box.addItem(str(row.get(target.title_field) or ""), row["id"])
        box.setCurrentIndex(max(box.findData(chosen), 0))
        box.blockSignals(False)

    def _search_hint(self) -> str:
        kind = self.kind
        names = [f.label for f in kind.fields if f.in_list and f.type in (*SEARCHED, REF)]
        names += [kind.derived_labels.get(c, "") for c in (*kind.assigned, *kind.searched)]
        if kind.initials_fields():
            names.append("拼音首字母")
        listed = "、".join(dict.fromkeys(n for n in names if n))
        return f"搜索{listed}（Ctrl+F）" if listed else "搜索（Ctrl+F）"

    def current_query(self) -> RecordQuery:
        filters: dict[str, object] = {}
        for name, widget in self.filters.items():
            if isinstance(widget, tuple):
                low, high = (w.value() if w.value() and len(w.value()) == 10 else None for w in widget)
                if low or high:
                    filters[name] = (low, high)
            elif isinstance(widget, QCheckBox):
                if widget.isChecked():
                    filters[name] = 1
            else:
                value = _combo_value(widget)
                if value is not None:
                    filters[name] = value
        township = self.township_box.currentData() if self.township_box is not None else None
        return RecordQuery(self.search.text().strip(), filters, township)

    def clear_filters(self) -> None:
        widgets = [self.search, *(w for w in self.filters.values() if not isinstance(w, tuple))]
        widgets += [w for pair in self.filters.values() if isinstance(pair, tuple) for w in pair]
        if self.township_box is not None:
            widgets.append(self.township_box)
        for w in widgets:
            w.blockSignals(True)
            if isinstance(w, QComboBox):
                w.setCurrentIndex(0)
            elif isinstance(w, QCheckBox):
                w.setChecked(False)
            elif isinstance(w, DateField):
                w.set_value(None)
            else:
                w.clear()
            w.blockSignals(False)
        self.reload()

    # --- the table ---------------------------------------------------------------------------------------
    def _columns(self) -> list[Column]:
        kind = self.kind
        widths = _Widths(self.fontMetrics())
        columns = [Column("township", "乡镇", widths.text("某某某某街道"), format=lambda v, _r: station_name(v))
                   ] if self.county else []
        for name in kind.assigned:
            columns.append(Column(name, kind.derived_labels.get(name, "编号"), widths.text("430626101-2026-A0001")))
        for f in kind.fields:
            if f.in_list:
                column = replace(_field_column(f, widths), shown=not f.list_hidden)
                if f.name == kind.title_field and f.type == TEXT:
                    # The name a clerk reads a row by (a unit's, a person's): room for a whole usual one.
                    column = replace(column, width=max(column.width, widths.text("某" * 11)))
                columns.append(column)
        for name, label in kind.derived_labels.items():
            if name not in kind.assigned:
                columns.append(_derived_column(name, label, widths, text=name in kind.searched))
        return columns

    # --- columns the officer hides, shows and moves (remembered on this PC) ------------------------------
    @property
    def view_name(self) -> str:
        return f"{self.kind.name}.{'county' if self.county else 'township'}"

    def _install_column_menu(self) -> None:
        """A right click on the headings (or the 列 button) lists the columns to show; a heading dragged
        moves its column. What the officer chose is kept and comes back next time."""
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.column_menu().exec(header.mapToGlobal(pos)))
        header.setToolTip("右键点列标题可选择显示哪些列，拖动列标题可调整次序")
        self.columns_button = QToolButton(text="列")
        self.columns_button.setObjectName("choose_columns")
        self.columns_button.setToolTip("选择显示哪些列（拖动列标题可调整次序）")
        self.columns_button.clicked.connect(
            lambda: self.column_menu().exec(self.columns_button.mapToGlobal(self.columns_button.rect().bottomLeft())))
        self._apply_layout(layouts.column_layout(self.session, self.view_name))
        header.sectionMoved.connect(lambda *_: self._save_layout())

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("column_menu")
        header = self.table.horizontalHeader()
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        for visual in range(header.count()):
            i = header.logicalIndex(visual)
            action = menu.addAction(self.model.columns[i].label)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(shown != [i])  # the last column shown stays
            action.toggled.connect(lambda on, i=i: self.show_column(i, on))
        menu.addSeparator()
        menu.addAction("恢复默认列", self.reset_columns)
        return menu

    def show_column(self, index: int, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(index, not shown)
        self._save_layout()

    def reset_columns(self) -> None:
        layouts.save_column_layout(self.session, self.view_name, None)
        self._apply_layout(layouts.ColumnLayout())

    def column_layout(self) -> layouts.ColumnLayout:
        header = self.table.horizontalHeader()
        keys = [c.key for c in self.model.columns]
        return layouts.ColumnLayout(tuple(keys[header.logicalIndex(v)] for v in range(header.count())),
                                        frozenset(keys[i] for i in range(header.count()) if header.isSectionHidden(i)))

    def _apply_layout(self, layout: layouts.ColumnLayout) -> None:
        """The officer's arrangement; with none kept (or a reset), the program's: every column in its place,
        those declared ``shown=False`` hidden."""
        header = self.table.horizontalHeader()
        columns = self.model.columns
        keys = [c.key for c in columns]
        kept = layout.order or layout.hidden
        header.blockSignals(True)
        order = [k for k in layout.order if k in keys] if kept else keys
        for target, key in enumerate(order):
            header.moveSection(header.visualIndex(keys.index(key)), target)
        hidden = {i for i, c in enumerate(columns) if (c.key in layout.hidden if kept else not c.shown)}
        if len(hidden) == len(keys):
            hidden = set()
        for i in range(len(keys)):
            header.setSectionHidden(i, i in hidden)
        header.blockSignals(False)

    def _save_layout(self) -> None:
        layouts.save_column_layout(self.session, self.view_name, self.column_layout())

    def _stretch_column(self) -> int:
        """The column that takes the width left: the first long text, else the title, else the first; a date
        that titles the record leaves the width to the first text (a 地点) instead."""
        keys = [c.key for c in self.model.columns]
        wide = next((f.name for f in self.kind.fields if f.in_list and f.type == LONGTEXT), None)
        title = self.kind.title_field
        if any(f.name == title and f.type == DATE for f in self.kind.fields):
            wide = wide or next((f.name for f in self.kind.fields if f.in_list and f.type == TEXT), None)
        for key in (wide, title):
            if key in keys:
                return keys.index(key)
        return 0

    def _set_default_sort(self) -> None:
        """The storage's order (the title field), newest first when the title is a date (检查日期)."""
        title = self.kind.title_field
        keys = [c.key for c in self.model.columns]
        descending = any(f.name == title and f.type == DATE for f in self.kind.fields)
        self.model.sort_key = (title, descending)
        if title in keys:
            self.table.horizontalHeader().setSortIndicator(
                keys.index(title), Qt.DescendingOrder if descending else Qt.AscendingOrder)

    def _count(self) -> int:
        return record_service.count_records(self.session, self.kind, self.current_query())

    def _fetch(self, offset: int, limit: int, sort) -> list[dict]:
        return record_service.list_records(self.session, self.kind, self.current_query(), sort=sort,
                                           offset=offset, limit=limit)

    def _row_style(self, record: dict):
        return (INCOMPLETE_FG, None) if record.get("incomplete") else (None, None)

    def reload(self) -> None:
        """Query again, keeping the selected record selected (and in view) when it still matches."""
        self._debounce.stop()  # a search typed a moment ago is in this query already
        selected = self.selected_id()
        old_row = self.table.currentIndex().row()
        self._reloading = True
        try:
            self.model.reload()
        finally:
            self._reloading = False
        self.count_label.setText(f"共 {self.model.rowCount():,} {self.count_unit}")
        if selected:
            row = old_row if (r := self.model.row(old_row)) and r["id"] == selected else None
            if row is None:
                row = self.position_of(selected)
            if row is not None:
                self.select_row(row)
        self._show_selected()

    def refresh_for(self, changed: dict) -> None:
        """Another page changed records: reload if they are this kind's or what its list shows of others."""
        shown = {self.kind.name} | {f.ref for f in self.kind.refs() if f.in_list}
        shown |= {f.ref for f in self.kind.children_fields()}
        if shown & set(changed):
            for f in self.filter_fields():
                if f.type == REF and f.ref in changed:
                    self._fill_choices(self.filters[f.name], f)
            self.reload()

    def _reselect(self) -> None:
        if not (self._kept and self.select_record(self._kept)):
            self._show_selected()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)

    def position_of(self, record_id: str) -> int | None:
        """The record's row in the list as filtered and sorted now, or None if the filters hide it."""
        return record_service.record_position(self.session, self.kind, self.current_query(), record_id,
                                              sort=self.model.sort_key)

    def select_record(self, record_id: str) -> bool:
        row = self.position_of(record_id)
        if row is not None:
            self.select_row(row)
        return row is not None

    def selected_row(self) -> dict | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def selected_id(self) -> str | None:
        row = self.selected_row()
        return row["id"] if row else None

    def _own(self, row: dict | None) -> bool:
        return bool(row) and row["township"] == self.session.station.code

    # --- detail and actions ------------------------------------------------------------------------------
    def _enable_actions(self) -> None:
        row = self.selected_row() if hasattr(self, "model") else None
        for action in self.actions.values():
            enabled = True
            if action.needs_selection and row is None:
                enabled = False
            if action.own_only and not self._own(row):
                enabled = False
            if enabled and row is not None and action.enabled_when is not None:
                enabled = bool(action.enabled_when(row))
            action.button.setEnabled(enabled)

    def _show_selected(self) -> None:
        self._enable_actions()
        row = self.selected_row()
        self.attachments.show_record(row["id"] if row else None)
        if row is None:
            self.detail.setHtml(f"<p style='color:#666'>在左侧选择一条{self.kind.label}，"
                                "这里显示它的详情和修改记录。</p>")
        else:
            try:
                self.detail.setHtml(self.detail_text(row))
            except PjdeskError as e:
                self.detail.setHtml(f"<p style='color:#b3261e'>{html.escape(str(e))}</p>")
        self.record_selected.emit(row)

    def detail_text(self, row: dict) -> str:
        """The detail panel's HTML for the selected list row (a subclass may say more)."""
        detail = record_service.record_detail(self.session, self.kind, row["id"])
        return detail_html(self.kind, detail, county=self.county, value_text=self.value_text)

    def _new_by_key(self) -> None:
        if self.new_button.isVisible():
            self.new_record()

    def open_dialog(self, record_id: str | None = None, preset: dict | None = None) -> RecordDialog:
        """The entry dialog of a new record (with ``preset`` values) or of the one given, extended by the
        subclass and the kind's extension, not yet shown."""
        kind = self.kind
        if record_id:
            values = record_service.get_record(self.session, kind, record_id)
            title = f"编辑{kind.label}"
        else:
            today = self.session.today().isoformat()
            # A new record is usually made the day it happens: its required dates start as today.
            values = {**{f.name: today for f in kind.fields if f.type == DATE and f.required},
                      **kind.defaults, **(preset or {})}
            title = f"新增{kind.label}"

        def save(v):
            return record_service.save_record(self.session, kind, v, record_id)

        def choices(name: str) -> list[tuple[str, str]]:
            target = KINDS[name]
            return [(str(r.get(target.title_field) or ""), r["id"])
                    for r in record_service.record_choices(self.session, target)]

        dialog = RecordDialog(self.session, kind, title, values=values, save=save,
                              check=lambda v: record_service.check_record(self.session, kind, v, record_id),
                              ref_choices=choices, draft_key=f"{kind.name}-{record_id or 'new'}",
                              intro="带＊为必填。", record_id=record_id, parent=self)
        dialog.setObjectName(f"{kind.name}_dialog")
        self.prepare_dialog(dialog)
        for hook in self.dialog_hooks:
            hook(dialog)
        return dialog

    def new_record(self, preset: dict | None = None) -> None:
        dialog = self.open_dialog(None, preset)
        if self._run(dialog):
            self._done(dialog.result_value, select=dialog.result_value.id)

    def edit_selected(self) -> None:
        row = self.selected_row()
        if not self._own(row):
            return
        dialog = self.open_dialog(row["id"])
        if self._run(dialog):
            self._done(dialog.result_value)

    @staticmethod
    def _run(dialog: RecordDialog) -> bool:
        # Gone once answered: a closed dialog left among the page's children would be asked for its draft
        # when the program closes (MainWindow.closeEvent) and offer it again next time.
        try:
            return bool(dialog.exec())
        finally:
            dialog.deleteLater()

    def delete_selected(self) -> None:
        row = self.selected_row()
        if not self._own(row):
            return
        reason = ask_delete_reason(self, self.kind.label)
        if not reason:
            return
        try:
            outcome = record_service.delete_record(self.session, self.kind, row["id"], reason)
        except PjdeskError as e:
            QMessageBox.warning(self, "未删除", str(e))
            return
        self._done(outcome)

    def _done(self, outcome, select: str | None = None) -> None:
        if outcome is None:
            return
        for warning in outcome.warnings:
            QMessageBox.information(self, "已保存", warning)
        self.reload()
        if select and not self.select_record(select):
            # Saved, but the filters hide it: say so rather than seem to have lost it.
            self.count_label.setText(self.count_label.text() + "（刚保存的记录不在当前筛选中）")
        self.changed.emit(dict(outcome.changed))

    # --- import and export ------------------------------------------------------------------------------
    def import_excel(self, path: str | None = None) -> None:
        from .import_dialog import ImportDialog

        if path is None:
            chosen = ask_open_paths(self, self.session, f"选择要导入的{self.spec.sheet_noun}", "Excel 表格 (*.xlsx *.xls)")
            path = str(chosen[0]) if chosen else None
        if not path:
            return
        dialog = ImportDialog(self.session, path, self, kind=self.kind)
        if dialog.exec() and dialog.outcome is not None:
            self.reload()
            self.changed.emit(dict(dialog.outcome.changed))

    def export_excel(self, path: str | None = None) -> None:
        from pjdesk.services.record_export import export_records

        from .tasks import run_task

        if path is None:
            default = f"{self.session.station.name}{self.spec.sheet_noun}-{self.session.today():%Y%m%d}.xlsx"
            path = ask_save_path(self, self.session, f"导出{self.spec.sheet_noun}", default, "Excel 表格 (*.xlsx)")
        if not path:
            return
        query = self.current_query()
        self.export_thread = run_task(
            self, self.session, f"正在导出{self.spec.sheet_noun}",
            lambda s, progress, cancelled: export_records(s, self.kind, path, query, progress=progress,
                                                          cancelled=cancelled),
            lambda rows: say_saved(self, path, f"{rows} 条{self.spec.noun}"))


def _combo_value(box: QComboBox):
    if box.currentIndex() < 0:
        return None
    if box.isEditable() and box.currentText() != box.itemText(box.currentIndex()):
        return None  # typed text that names nothing: no filter until a record is picked
    return box.currentData()


def _one_line(value, _record) -> str:
    return "" if value is None else " ".join(str(value).split())


def _yes(value, _record) -> str:
    return "是" if value else ""


def _money(value, _record) -> str:
    return "" if value is None else f"{value / 100:,.2f}"


def _tags(value, _record) -> str:
    return "、".join(split_tags(value))


class _Widths:
    """Column widths from the font: room for the heading (and the sort arrow), and for what the field holds."""

    def __init__(self, metrics: QFontMetrics):
        self.metrics = metrics

    def text(self, sample: str) -> int:
        return self.metrics.horizontalAdvance(sample) + 16

    def heading(self, label: str) -> int:
        return self.text(label) + 6  # the sort arrow shows on one column at a time: it may shorten that heading

    def of(self, f: Field) -> int:
        if f.type == REF:
            held = self.text("平江县某某某某有限公司")
        elif f.type == LONGTEXT:
            held = self.text("某" * 16)
        elif f.type == DATE:
            held = self.text("2026-11-29")
        elif f.type == CHOICE:
            held = max((self.text(c) for c in f.choices()), default=0)
        elif f.type in (BOOL, INT, MONEY, DECIMAL):
            held = self.text("1,000,000.00") if f.type in (MONEY, DECIMAL) else 0
        elif f.type == TAGS:
            held = self.text("某" * 10)
        else:  # short text is a code in capitals and digits (a credit code); longer text a few words (a name)
            held = self.text("A" * f.max_length) if f.max_length <= 20 else self.text("某" * 6)
        return min(max(self.heading(f.label), held), 320)


def _field_column(f: Field, widths: _Widths) -> Column:
    width = widths.of(f)
    right = Qt.AlignRight | Qt.AlignVCenter
    if f.type == REF:
        # Shown by the title of what it refers to; a header click sorts by the reference (its records together).
        return Column(f"{f.name}__title", f.label, width, sort_key=f.name)
    if f.type in (LONGTEXT, TEXT):
        return Column(f.name, f.label, width, format=_one_line)
    if f.type == BOOL:
        return Column(f.name, f.label, width, align=Qt.AlignCenter, format=_yes)
    if f.type == INT:
        return Column(f.name, f.label, width, align=right)
    if f.type in (MONEY, DECIMAL):
        return Column(f.name, f.label, width, align=right, format=_money)
    if f.type == TAGS:
        return Column(f.name, f.label, width, format=_tags)
    return Column(f.name, f.label, width)


def _derived_column(name: str, label: str, widths: _Widths, *, text: bool) -> Column:
    """A derived column: text the search looks in (the inspectors' names) gets room for a few words; others
    are short (a count) and centred under their heading."""
    if name == "incomplete":
        # The engine's 待补充 mark (saved with problems to complete later): its heading says what it means.
        return Column(name, label, widths.heading(label), align=Qt.AlignCenter, format=lambda v, _r: label if v else "")
    if text:
        return Column(name, label, max(widths.heading(label), widths.text("某某某、某某某")), format=_one_line)
    return Column(name, label, widths.heading(label), align=Qt.AlignCenter, format=_one_line)


# --- the detail panel ----------------------------------------------------------------------------------
def shown_value(f: Field, row: dict) -> str:
    """A field's value as the detail panel writes it."""
    value = row.get(f.name)
    if f.type == REF:
        return row.get(f"{f.name}__title") or ("（已删除的记录）" if value else "")
    if value is None or value == "":
        return ""
    if f.type == BOOL:
        return "是" if value else "否"
    if f.type == MONEY:
        return f"{value / 100:,.2f} 元"
    if f.type == DECIMAL:
        return f"{value / 100:,.2f}"
    if f.type == TAGS:
        return "、".join(split_tags(value))
    return str(value)


def detail_html(kind: RecordKind, detail: dict, *, county: bool = False,
                value_text: Mapping[str, Callable[[object], str]] | None = None) -> str:
    """The detail panel's text. ``value_text``: for a field stored as a key (a checklist's), how to say it."""
    record, esc = detail["record"], html.escape
    title = record.get(f"{kind.title_field}__title") or record.get(kind.title_field) or ""
    # The first reference the list shows says whose record it is (被检查单位 of an inspection).
    whose = next((record.get(f"{f.name}__title") for f in kind.refs() if f.in_list and f.name != kind.title_field), None)
    title = "　".join(str(t) for t in (title, whose) if t)
    badge = ("<span style='color:#8c1d18;font-weight:600'>　待补充</span>"
             if record.get("incomplete") else "")
    parts = [f"<h3 style='margin:0'>{esc(kind.label)}　{esc(str(title))}{badge}</h3><table cellspacing=2>"]

    def line(label: str, text: str) -> None:
        if text:
            text = esc(text).replace("\n", "<br>")
            parts.append(f"<tr><td style='color:#555;padding-right:8px' nowrap>{esc(label)}</td><td>{text}</td></tr>")

    if county:
        line("乡镇", station_name(record["township"]))
    for name in kind.assigned:
        line(kind.derived_labels.get(name, "编号"), str(record.get(name) or ""))
    for f in kind.fields:
        if f.type != CHILDREN and f.applies(record):
            said = (value_text or {}).get(f.name)
            line(f.label, said(record[f.name]) if said and record.get(f.name) else shown_value(f, record))
    for name, label in kind.derived_labels.items():
        if name not in kind.assigned and name not in ("incomplete",) and record.get(name) not in (None, "", 0):
            line(label, str(record[name]))
    parts.append("</table>")
    for f in kind.children_fields():
        rows = record.get(f.name) or []
        parts.append(f"<h4 style='margin-bottom:2px'>{esc(f.label)}（{len(rows)}）</h4>")
        if not rows:
            continue
        child = KINDS[f.ref]
        link = child.parent[0] if child.parent else None
        shown = [c for c in child.fields if c.name != link and any(shown_value(c, r) for r in rows)]
        if len(shown) <= 3:  # a narrow table (inspectors: 姓名, 执法证号)
            parts.append("<table cellspacing=0 cellpadding=2 border=1 style='border-color:#ccc'><tr>"
                         + "".join(f"<th>{esc(c.label)}</th>" for c in shown) + "</tr>")
            for r in rows:
                parts.append("<tr>" + "".join(f"<td>{esc(shown_value(c, r))}</td>" for c in shown) + "</tr>")
            parts.append("</table>")
            continue
        # Wider rows (checklist items) one under another: the panel is narrow.
        title = next((c for c in shown if c.name == child.title_field), shown[0])
        for n, r in enumerate(rows, 1):
            rest = "；".join(f"{esc(c.label)}：{esc(shown_value(c, r))}" for c in shown
                            if c is not title and shown_value(c, r))
            parts.append(f"<p style='margin:2px 0'>{n}. {esc(shown_value(title, r))}"
                         f"<br><span style='color:#555'>{rest}</span></p>")
    parts.append("<h4 style='margin-bottom:2px'>修改记录</h4><table cellspacing=2>")
    for h in detail["history"]:
        parts.append(f"<tr><td nowrap style='color:#555'>{esc(h['when'])}</td><td>{esc(h['who'])}</td>"
                     f"<td><b>{esc(h['what'])}</b></td><td>{esc(h['detail'])}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
