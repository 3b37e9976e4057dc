"""The people behind a number of a training or certificate rate (T17, T18a, T18b, T51, T52): those counted, or
those missing and what each lacks. The 工作台's target cards of these rates link their two numbers here."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout

from .small_table import fill_rows, small_table
from .widgets import make_button

HEADERS = ("单位", "姓名", "岗位类别", "用工形式", "缺少什么")
COUNTED, MISSING = "counted", "missing"


def is_people_rate(target_id: str) -> bool:
    from pjdesk.services import people_rates  # not at start-up: it brings the forms with it

    return people_rates.is_people_rate(target_id)


def numbers_line(evaluation) -> str:
    """The line of a rate's card that links its numerator and what is missing to the lists of people."""
    m = evaluation.measure
    if not m.denominator:
        return "<br><span style='color:#555'>在册人员中没有应统计的人</span>"
    missing = m.denominator - m.numerator
    return (f"<br>达标 <a href='{COUNTED}'>{m.numerator:,}</a> / {m.denominator:,} 人　"
            f"<a href='{MISSING}'>未达标 {missing:,}</a>")


class RatePeopleDialog(QDialog):
    def __init__(self, session, target_id: str, counted: bool, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("rate_people_dialog")
        from pjdesk.services import people_rates

        found = people_rates.rate_people(session, target_id, counted=counted)
        which = "达标" if counted else "未达标"
        self.setWindowTitle(f"{target_id} {title}：{which}人员")
        more = f"（列出前 {len(found.people):,} 人）" if found.total > len(found.people) else ""
        self.caption = QLabel(f"截至 {found.day} 在册，{which} {found.total:,} 人{more}")
        self.table = small_table("rate_people", HEADERS, stretch=4, widths={0: 220, 1: 90, 2: 130, 3: 80})
        fill_rows(self.table, [(p["unit_name"] or "", p["name"], p["role_class"] or "", p["employment"] or "",
                                p["lacks"] or "—") for p in found.people])
        if counted:
            self.table.setColumnHidden(4, True)
        close = make_button("关闭", "rate_people_close", self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.resize(820, 560)


def open_rate_people(parent, session, evaluation, link: str) -> RatePeopleDialog:
    dialog = RatePeopleDialog(session, evaluation.target.id, link == COUNTED, evaluation.target.name, parent)
    dialog.setModal(False)
    dialog.show()
    return dialog
