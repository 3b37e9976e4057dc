"""单位/场所: the registry of units the township supervises, on the generic list page.

What it adds to the page: 查看隐患 (the ledger filtered to the selected unit) and, in the entry dialog, the
高危 flag suggested from the sector.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from pjdesk.core.hazard import HazardFilter
from pjdesk.core.unit import UNIT
from pjdesk.services import units as unit_service

from .record_dialog import RecordDialog
from .record_page import RecordPage


class UnitsPage(RecordPage):
    show_hazards = Signal(object)  # a HazardFilter of one unit
    count_unit = "家"

    def __init__(self, session, parent=None):
        super().__init__(session, UNIT, parent)
        self.heading.setText("单位/场所")
        self.add_action("查看隐患", "unit_hazards", self._show_hazards, own_only=False)

    def prepare_dialog(self, dialog: RecordDialog) -> None:
        dialog.intro.setText("带＊为必填。统一社会信用代码校验不通过但确实如此时（如早期试点代码），请在“代码说明”写明原因。")
        sector, high_risk = dialog.form.editor("sector"), dialog.form.editor("is_high_risk")
        sector.currentIndexChanged.connect(
            lambda: high_risk.setChecked(unit_service.suggested_high_risk(sector.currentData())))

    def new_unit(self) -> None:
        self.new_record()

    def _show_hazards(self, row: dict | None) -> None:
        if row:
            self.show_hazards.emit(HazardFilter(unit_id=row["id"]))
