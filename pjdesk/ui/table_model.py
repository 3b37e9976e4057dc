"""A table model over paged queries: rows are fetched a page at a time, sorting is done by the query.

Never a QTableWidget filled with every row, never a QSortFilterProxyModel: with 200,000 hazards the
model holds only the pages the view has shown, and opens at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate

PAGE = 200
_ROLES = frozenset({Qt.DisplayRole, Qt.ToolTipRole, Qt.TextAlignmentRole, Qt.ForegroundRole, Qt.BackgroundRole,
                    Qt.UserRole})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 100
    sortable: bool = True
    align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter
    format: Callable[[object, dict], str] | None = None
    # What the query sorts by when this column's header is clicked, if not ``key`` (a shown title sorts by
    # the column it is read from).
    sort_key: str | None = None
    # Shown until the officer chooses otherwise (a column of less use starts hidden, offered in the 列 menu).
    shown: bool = True
    # Where text too long for the column is cut: at the left for a number whose end tells rows apart
    # (430626101-2026-A0778 shows …2026-A0778). The whole text is in the tooltip either way.
    elide: Qt.TextElideMode = Qt.ElideRight


class PagedTableModel(QAbstractTableModel):
    """``count()`` gives the number of rows; ``fetch(offset, limit, sort)`` a window of them as dicts with an id."""

    def __init__(self, columns: list[Column], count: Callable[[], int],
                 fetch: Callable[[int, int, tuple[str, bool] | None], list[dict]], parent=None, *, load: bool = True):
        """``load=False``: empty until the first ``reload`` (a page that sets its sort and filters first, and
        would otherwise count a county's rows three times before it shows)."""
        super().__init__(parent)
        self.columns = columns
        self._count, self._fetch = count, fetch
        self._total = 0
        self._loaded = load
        self._pages: dict[int, list[dict]] = {}
        self._brushes: dict[int, tuple[QBrush | None, QBrush | None]] = {}
        self.sort_key: tuple[str, bool] | None = None
        self.row_style: Callable[[dict], tuple[QColor | None, QColor | None]] | None = None
        if load:
            self.reload()

    # --- data ------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._loaded = True
        self.beginResetModel()
        self._pages.clear()
        self._brushes.clear()
        self._total = self._count()
        self.endResetModel()

    def row(self, number: int) -> dict | None:
        if not 0 <= number < self._total:
            return None
        page = number // PAGE
        if page not in self._pages:
            self._pages[page] = self._fetch(page * PAGE, PAGE, self.sort_key)
        rows = self._pages[page]
        offset = number - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def find_loaded(self, record_id: str) -> int | None:
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r["id"] == record_id:
                    return page * PAGE + i
        return None

    # --- Qt ------------------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        # A view asks each painted cell for seven roles: those this model never gives are answered first.
        if role not in _ROLES or not index.isValid():
            return None
        number = index.row()
        record = self.row(number)
        if record is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.DisplayRole or role == Qt.ToolTipRole:
            value = record.get(column.key)
            text = column.format(value, record) if column.format else ("" if value is None else str(value))
            if role == Qt.ToolTipRole:
                return text if len(text) > 12 or column.elide != Qt.ElideRight else None
            return text
        if role == Qt.TextAlignmentRole:
            return int(column.align)
        if role == Qt.UserRole:
            return record
        if self.row_style is None:
            return None
        # A row's colours, worked out once for all its cells while its page is held.
        brushes = self._brushes.get(number)
        if brushes is None:
            brushes = self._brushes[number] = tuple(QBrush(c) if c else None for c in self.row_style(record))
        return brushes[0] if role == Qt.ForegroundRole else brushes[1]

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return self.columns[section].label
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        col = self.columns[column]
        if not col.sortable:
            return
        self.sort_key = (col.sort_key or col.key, order == Qt.DescendingOrder)
        if self._loaded:  # before the first load the new order is simply the one it loads in
            self.reload()


def elide_columns(view: QAbstractItemView, columns: list[Column]) -> None:
    """Cut each column's text where its ``Column.elide`` says. A view has one elide mode for all its columns, and
    a delegate written in Python costs every cell it paints (a 200,000-hazard ledger's first paint: 18 ms of its
    30): only a column cut otherwise than the view's others gets one."""
    for number, column in enumerate(columns):
        if column.elide != view.textElideMode():
            view.setItemDelegateForColumn(number, _ElidingDelegate(column.elide, view))


class _ElidingDelegate(QStyledItemDelegate):
    def __init__(self, elide: Qt.TextElideMode, parent=None):
        super().__init__(parent)
        self.elide = elide

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = self.elide
