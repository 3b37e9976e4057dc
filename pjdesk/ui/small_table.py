"""A short read-only list (a dozen backups, frozen returns, rows of an import preview): a QTableWidget is
right for these, unlike the ledger, whose rows come from a paged model."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


def small_table(name: str, headers: Sequence[str], *, stretch: int, widths: dict[int, int] | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    for column, width in (widths or {}).items():
        table.setColumnWidth(column, width)
    return table


def fill_rows(table: QTableWidget, rows: Sequence[Sequence[str]], keys: Sequence[object] | None = None) -> None:
    """Replace the rows; ``keys[i]`` (a record id) is kept on every cell of row i for the caller to read."""
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            item = QTableWidgetItem(text)
            if keys is not None:
                item.setData(Qt.UserRole, keys[i])
            table.setItem(i, j, item)
