"""A navigation entry that holds several kinds' list pages as tabs (人员培训: 人员, 培训, 证书), each page built
the first time its tab is shown, as the window builds its own pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QTabWidget, QWidget


class PageTabs(QTabWidget):
    def __init__(self, names: Sequence[str], build: Callable[[str], QWidget], parent=None):
        super().__init__(parent)
        self.names = tuple(names)
        self._build = build
        self._built: dict[str, QWidget] = {}
        self.setDocumentMode(True)
        for name in self.names:
            self.addTab(QWidget(), name)
        self.currentChanged.connect(lambda index: self.page(self.names[index]) if index >= 0 else None)
        self.page(self.names[0])

    def page(self, name: str) -> QWidget:
        """The page of the tab ``name``, built now if it has not been."""
        if name not in self._built:
            page = self._built[name] = self._build(name)
            index, current = self.names.index(name), self.currentIndex()
            self.blockSignals(True)
            placeholder = self.widget(index)
            self.removeTab(index)
            self.insertTab(index, page, name)
            self.setCurrentIndex(current)
            self.blockSignals(False)
            placeholder.deleteLater()
        return self._built[name]

    def show_page(self, name: str) -> QWidget:
        page = self.page(name)
        self.setCurrentIndex(self.names.index(name))
        return page

    def current_name(self) -> str:
        return self.names[max(self.currentIndex(), 0)]
