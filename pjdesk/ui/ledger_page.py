"""隐患台账: the ledger list (paged, filtered and sorted in SQL), the hazard's history, and its actions."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QToolButton,
)

from pjdesk.core.hazard import (
    AWAITING_REVIEW,
    CLOSE,
    CLOSED,
    EXTEND,
    FOUND,
    HAZARD,
    MAJOR,
    NOTICE,
    RECTIFIED,
    RECTIFYING,
    REOPEN,
    REVIEW,
    REVIEWED,
    STATUSES,
    HazardFilter,
    overdue,
)
from pjdesk.core.records import vocabulary
from pjdesk.core.townships import station_name, townships
from pjdesk.services import hazards as hazard_service

from .hazard_dialogs import ask_delete_reason, hazard_dialog, step_dialog
from .record_form import DateField
from .record_page import RecordPage, _Widths
from .saving import ask_save_path, say_saved
from .table_model import Column

STATUS_CHOICES = [("全部状态", {}), ("未销号", {"open_only": True}), ("逾期未整改", {"overdue": True}),
                  *((s, {"statuses": (s,)}) for s in STATUSES)]
DUE_CHOICES = [("不限期限", None), ("3 天内到期", 3), ("7 天内到期", 7), ("30 天内到期", 30)]
# Which steps a status allows (the service checks again; this only greys the buttons).
ALLOWED = {
    FOUND: {NOTICE, RECTIFIED, EXTEND}, RECTIFYING: {RECTIFIED, EXTEND}, AWAITING_REVIEW: {REVIEW, EXTEND},
    REVIEWED: {CLOSE}, CLOSED: {REOPEN},
}
OVERDUE_FG, MAJOR_FG, CLOSED_FG = QColor("#b3261e"), QColor("#8c1d18"), QColor("#6b6b6b")


class LedgerPage(RecordPage):
    """The generic list page of the hazard kind, with what the ledger adds: its own filter bar (status, due
    within days, the unit's sector, a filter set from the 工作台 or a unit), the lifecycle steps as actions
    enabled by the hazard's status, the overdue colouring, and its import, export and 交办 on the county."""

    def __init__(self, session, parent=None):
        self.base_filter = HazardFilter()  # set from outside (dashboard card, unit page)
        super().__init__(session, HAZARD, parent)
        self.heading.setText("隐患台账")
        self.table.setObjectName("ledger_table")
        self.detail.setObjectName("hazard_detail")
        self.count_label.setObjectName("ledger_count")
        self.filter_label = QLabel()
        self.title_bar.insertWidget(self.title_bar.indexOf(self.heading) + 1, self.filter_label)
        # The county reads the townships' rows; it adds a hazard only as a 交办 to a township.
        self.new_button.setText("交办隐患…" if self.county else "登记隐患")
        self.new_button.setObjectName("new_hazard")
        self.new_button.setToolTip("交办给乡镇的重大隐患，随发给该乡镇的交换文件下发" if self.county else "Ctrl+N")
        self.new_button.setVisible(True)
        self.import_button.setObjectName("import_ledger")
        self.export_button.setObjectName("export_ledger")
        self.buttons = {"edit": self.edit_button, "delete": self.delete_button}
        for key in (NOTICE, RECTIFIED, REVIEW, EXTEND, CLOSE, REOPEN):
            self.buttons[key] = self.add_action(
                key, f"action_{key}", lambda _row, k=key: self.act(k),
                enabled_when=lambda row, k=key: k in ALLOWED[row["status"]])
        self.actions[f"delete_{HAZARD.name}"].enabled_when = lambda row: row["status"] != CLOSED
        # A 销号 hazard's record may still be corrected (what the closure stands on stays).
        self.record_selected.connect(
            lambda row: self.edit_button.setText("更正" if row and row["status"] == CLOSED else "编辑"))
        self._show_selected()
        self._refresh_labels()

    # --- filters ----------------------------------------------------------------------------------------
    def filter_fields(self):
        return []  # the ledger's bar is its own (below)

    def _build_filters(self) -> None:
        self.filters = {}
        self.search = QLineEdit(placeholderText="搜索隐患描述、部位、单位名称、拼音首字母或编号（Ctrl+F）")
        self.search.setObjectName("ledger_search")
        self.search.setClearButtonEnabled(True)
        self.status_box = self._combo("status_filter", [(t, v) for t, v in STATUS_CHOICES])
        self.level_box = self._combo("level_filter", [("全部等级", None)] + [(v, v) for v in vocabulary("hazard_level")])
        self.sector_box = self._combo("sector_filter", [("全部行业", None)] + [(v, v) for v in vocabulary("sector")])
        self.source_box = self._combo("source_filter", [("全部来源", None)] + [(v, v) for v in vocabulary("hazard_source")])
        self.tag_box = self._combo("tag_filter", [("全部专项", None)] + [(v, v) for v in vocabulary("hazard_tag")])
        self.due_box = self._combo("due_filter", DUE_CHOICES)
        self.found_from, self.found_to = DateField(), DateField()
        self.found_from.edit.setPlaceholderText("发现日期从")
        self.found_to.edit.setPlaceholderText("到")
        self.found_from.setToolTip("发现日期范围，如 2026-01-01 到 2026-06-30")
        for w in (self.found_from, self.found_to):
            w.edit.setMinimumWidth(96)
            w.edit.setMaximumWidth(110)
        self.township_box = self._combo("township_filter", [("全部乡镇", None)] + [(t.name, t.code) for t in townships()])
        self.township_box.setVisible(self.county)
        self.incomplete_box = QCheckBox("待补充")
        self.clear_button = QToolButton(text="清除筛选")
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.clicked.connect(self.clear_filters)
        self._debounce = QTimer(self, singleShot=True, interval=250, timeout=self.reload)
        self.search.textChanged.connect(self._debounce.start)
        for box in self._boxes():
            box.currentIndexChanged.connect(self.reload)
        for w in (self.found_from, self.found_to):
            w.edit.editingFinished.connect(self.reload)
        self.incomplete_box.toggled.connect(self.reload)
        self.search.setMinimumWidth(300)
        self.filter_bar = self._pack([self.search, *(w for w in (self.township_box,) if self.county),
                                      self.status_box, self.level_box, self.due_box, self.sector_box,
                                      self.source_box, self.tag_box, (self.found_from, self.found_to),
                                      self.incomplete_box, self.clear_button])

    def _boxes(self) -> tuple[QComboBox, ...]:
        return (self.township_box, self.status_box, self.level_box, self.sector_box, self.source_box,
                self.tag_box, self.due_box)

    def current_query(self) -> HazardFilter:
        status = self.status_box.currentData() or {}
        changes = dict(status)
        for key, box in (("township", self.township_box), ("level", self.level_box), ("sector", self.sector_box),
                         ("source", self.source_box), ("tag", self.tag_box)):
            if box.currentData():
                changes[key] = box.currentData()
        if self.due_box.currentData() is not None:
            changes["due_within_days"] = self.due_box.currentData()
        if self.found_from.value() and len(self.found_from.value()) == 10:
            changes["found_from"] = self.found_from.value()
        if self.found_to.value() and len(self.found_to.value()) == 10:
            changes["found_to"] = self.found_to.value()
        if self.incomplete_box.isChecked():
            changes["incomplete"] = True
        changes["text"] = self.search.text().strip()
        return replace(self.base_filter, **changes)

    current_filter = current_query

    def set_filter(self, f: HazardFilter) -> None:
        """Show the ledger filtered as ``f`` (from a dashboard card or a unit): the bar is reset."""
        widgets = (*self._boxes(), self.found_from, self.found_to, self.incomplete_box, self.search)
        for w in widgets:
            w.blockSignals(True)
        for box in self._boxes():
            box.setCurrentIndex(0)
        self.found_from.set_value(None)
        self.found_to.set_value(None)
        self.incomplete_box.setChecked(False)
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.base_filter = f
        self.reload()

    def clear_filters(self) -> None:
        self.set_filter(HazardFilter())

    # --- the table --------------------------------------------------------------------------------------
    def _columns(self) -> list[Column]:
        today = self.session.today

        def overdue_days(_v, r):
            if overdue(r["status"], r["due_date"], today()):
                return f"逾期 {(today() - dt.date.fromisoformat(r['due_date'])).days} 天"
            return ""

        def level(v, r):
            return f"{v}·待补充" if r.get("incomplete") else (v or "")

        # What a clerk reads first, in the width a 1366-pixel screen leaves beside the detail panel; 部位, 行业
        # and 来源 are in the detail panel and one click away in the 列 menu.
        w = _Widths(self.fontMetrics())
        county = [Column("township", "乡镇", w.text("某某某某街道"), format=lambda v, _r: station_name(v))
                  ] if self.county else []
        return [
            *county, Column("hazard_no", "编号", w.text("…2026-A0001"), elide=Qt.ElideLeft),
            Column("status", "状态", w.text("已整改待复查")), Column("level", "等级", w.heading("等级"), format=level),
            Column("unit_name", "单位", w.text("平江县某某某某公司")), Column("description", "隐患描述", 300),
            Column("due_date", "整改期限", w.text("2026-11-29")),
            Column("overdue", "逾期", w.text("逾期 99 天"), sortable=False, format=overdue_days),
            Column("resp_person", "责任人", w.text("某某某")), Column("found_date", "发现日期", w.text("2026-11-29")),
            Column("location", "部位", 110, shown=False), Column("sector", "行业", 90, shown=False),
            Column("source", "来源", 80, shown=False),
        ]

    def _stretch_column(self) -> int:
        return [c.key for c in self.model.columns].index("description")

    def _set_default_sort(self) -> None:
        self.model.sort_key = ("found_date", True)
        keys = [c.key for c in self.model.columns]
        self.table.horizontalHeader().setSortIndicator(keys.index("found_date"), Qt.DescendingOrder)

    def _count(self) -> int:
        return hazard_service.count_hazards(self.session, self.current_query())

    def _fetch(self, offset: int, limit: int, sort) -> list[dict]:
        return hazard_service.list_hazards(self.session, self.current_query(), sort=sort, offset=offset, limit=limit)

    def position_of(self, record_id: str) -> int | None:
        return hazard_service.hazard_position(self.session, self.current_query(), record_id, sort=self.model.sort_key)

    def _row_style(self, record: dict):
        if record["status"] == CLOSED:
            return CLOSED_FG, None
        if overdue(record["status"], record["due_date"], self.session.today()):
            return OVERDUE_FG, QColor("#fdecea")
        if record["level"] == MAJOR:
            return MAJOR_FG, None
        return None, None

    def reload(self) -> None:
        super().reload()
        if hasattr(self, "filter_label"):
            self._refresh_labels()

    def select_hazard(self, hazard_id: str) -> None:
        self.select_record(hazard_id)

    def _refresh_labels(self) -> None:
        self.count_label.setText(f"共 {self.model.rowCount():,} 条")
        described = self.base_filter.describe()
        self.filter_label.setText("" if described == "全部" else f"　筛选：{described}")

    # --- detail and actions ----------------------------------------------------------------------------
    def detail_text(self, row: dict) -> str:
        return detail_html(hazard_service.hazard_detail(self.session, row["id"]))

    def act(self, key: str) -> None:
        """A lifecycle step (整改通知 … 撤销销号) of the selected hazard, in its dialog."""
        hazard_id = self.selected_id()
        if hazard_id:
            dialog = step_dialog(self.session, self, hazard_id, key)
            if self._run(dialog):
                self._done(dialog.result_value)

    def new_record(self, preset: dict | None = None) -> None:
        self.new_hazard(preset)

    def new_hazard(self, preset: dict | None = None, township: str | None = None) -> None:
        """Record a hazard; on the county, assign one (交办) to a township, asked for unless given."""
        if self.county:
            township = township or self.township_box.currentData() or self._ask_township()
            if not township:
                return
        dialog = hazard_dialog(self.session, self, preset=preset, assign_to=township)
        if self._run(dialog):
            self._done(dialog.result_value, select=dialog.result_value.id)

    def _ask_township(self) -> str | None:
        roster = townships()
        name, ok = QInputDialog.getItem(self, "交办隐患", "交办给哪个乡镇（街道）：", [t.name for t in roster], 0, False)
        return next((t.code for t in roster if t.name == name), None) if ok else None

    def edit_selected(self) -> None:
        row = self.selected_row()
        if self._own(row):
            dialog = hazard_dialog(self.session, self, row["id"])
            if self._run(dialog):
                self._done(dialog.result_value)

    def delete_selected(self) -> None:
        row = self.selected_row()
        if self._own(row) and row["status"] != CLOSED and (reason := ask_delete_reason(self, "隐患")):
            self._done(hazard_service.delete_hazard(self.session, row["id"], reason))

    def export_excel(self, path: str | None = None) -> None:
        from pjdesk.services.ledger_export import export_ledger

        from .tasks import run_task

        if path is None:
            default = f"{self.session.station.name}隐患台账-{self.session.today():%Y%m%d}.xlsx"
            path = ask_save_path(self, self.session, "导出隐患台账", default, "Excel 表格 (*.xlsx)")
        if not path:
            return
        f, sort = self.current_query(), self.model.sort_key
        self.export_thread = run_task(
            self, self.session, "正在导出台账",
            lambda s, progress, cancelled: export_ledger(s, path, f, sort=sort, progress=progress, cancelled=cancelled),
            lambda rows: say_saved(self, path, f"{rows} 条隐患"))


def detail_html(detail: dict) -> str:
    h, state, unit = detail["hazard"], detail["state"], detail["unit"]
    esc = html.escape

    def row(label, value):
        return f"<tr><td style='color:#555;padding-right:8px' nowrap>{label}</td><td>{esc(str(value))}</td></tr>" if value else ""

    badge = "<span style='color:#b3261e;font-weight:600'>　逾期未整改</span>" if detail["overdue"] else ""
    missing = (f"<p style='color:#8c1d18'>待补充：{esc('、'.join(detail['missing']))}</p>" if detail["missing"] else "")
    funds = f"{h['funds'] / 100:,.2f} 元" if h.get("funds") is not None else ""
    parts = [
        f"<h3 style='margin:0'>{esc(h['hazard_no'] or '')}　{esc(state.status)}{badge}</h3>", missing,
        "<table cellspacing=2>",
        row("单位", unit["name"] if unit else ""), row("隐患描述", h["description"]), row("部位", h["location"]),
        row("等级", h["level"]), row("行业", h["sector"]), row("来源", h["source"]),
        row("发现", f"{h['found_date']} {h.get('found_by') or ''}"), row("整改期限", state.due_date),
        row("责任人", " ".join(x for x in (h.get("resp_unit"), h.get("resp_person")) if x)),
        row("整改措施", h.get("measures")), row("资金", funds), row("临时管控", h.get("interim_controls")),
        row("判定依据", h.get("major_basis")), row("专项", (h.get("tags") or "").replace("|", "、")),
        "</table><h4 style='margin-bottom:2px'>办理记录</h4><table cellspacing=2>",
    ]
    for item in detail["history"]:
        parts.append(f"<tr><td nowrap>{esc(item['when'])}</td><td nowrap><b>{esc(item['what'])}</b></td>"
                     f"<td nowrap>{esc(item['who'] or '')}</td><td>{esc(item['note'] or '')}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
