"""汇总 (county): 表2 for the whole county, a row per township and 合计, for the month chosen; printed and
saved as the township's 表2 is."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from pjdesk.core.periods import Month
from pjdesk.services import returns as return_service
from pjdesk.services.unreported import county_table2

from .form_view import MonthFormPage

FORM = "表2"


class SummaryPage(MonthFormPage):
    making, what = "正在汇总", "隐患排查治理统计表"

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.view.setObjectName("summary_view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.view)
        self.refresh()

    def make(self, session, month: Month):
        return county_table2(session, month)  # a township without the month's file: 未报送, not its old figures

    def show_made(self, month: Month, filled) -> None:
        self.view.show_form(filled, return_service.file_stem(FORM, filled.spec.title, filled.unit_name, month))
