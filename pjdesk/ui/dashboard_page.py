"""工作台: what needs attention today. Each card opens the ledger filtered to its hazards."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.hazard import MAJOR, HazardFilter
from pjdesk.services import hazards as hazard_service
from pjdesk.services import reminders as reminder_service

from .small_table import fill_rows, small_table
from .tasks import Rereading
from .widgets import make_button

CARDS = (
    # key, title, colour, filter (a function of today)
    ("overdue", "逾期未整改", "#b3261e", lambda today: HazardFilter(overdue=True)),
    ("due_this_week", "7 天内到期", "#b26a00", lambda today: HazardFilter(due_within_days=7)),
    ("open_major", "未销号重大隐患", "#8c1d18", lambda today: HazardFilter(open_only=True, level=MAJOR)),
    ("incomplete", "重大隐患待补充", "#6d4c9f", lambda today: HazardFilter(open_only=True, incomplete=True)),
    ("new_this_month", "本月新增", "#1a5fb4", lambda today: HazardFilter(found_from=today.replace(day=1).isoformat(),
                                                                    found_to=today.isoformat())),
    ("closed_this_month", "本月销号", "#26734d", lambda today: HazardFilter(closed_from=today.replace(day=1).isoformat(),
                                                                       closed_to=today.isoformat())),
)
TARGETS_PER_ROW = 6


class Card(QFrame):
    clicked = Signal()

    def __init__(self, key: str, title: str, colour: str, parent=None):
        super().__init__(parent)
        self.setObjectName(f"card_{key}")
        self.setCursor(Qt.PointingHandCursor)
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet(f"#card_{key} {{ background: white; border: 1px solid #d0d0d0; border-left: 5px solid {colour};"
                           " border-radius: 6px; } #card_" + key + ":hover { background: #f3f6fb; }")
        self.number = QLabel("0")
        self.number.setStyleSheet(f"font-size: 34px; font-weight: 600; color: {colour}; border: none;")
        label = QLabel(title)
        label.setStyleSheet("font-size: 14px; color: #333; border: none;")
        hint = QLabel("点击查看 ›")
        hint.setStyleSheet("color: #888; border: none;")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.number)
        layout.addWidget(hint)
        self.setMinimumSize(180, 110)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class DashboardPage(QWidget):
    open_ledger = Signal(object)  # a HazardFilter
    open_hazard = Signal(object, str)  # a HazardFilter and the hazard to select in it
    load_demo = Signal()
    open_page = Signal(str)  # a page of the window by its name (the 待办 card opens 待办)

    def __init__(self, session, parent=None, *, read_now: bool = True):
        super().__init__(parent)
        self.session = session
        self._figures = Rereading(self, session, read_facts, self._fill)  # refresh_soon
        self._read_at_paint = False  # read_once_painted
        self._read_after_paint = QTimer(self, singleShot=True, interval=0, timeout=self.refresh_soon)
        # In a scroll area: however many cards, notices and targets there are, the page never makes the window
        # taller or wider than a 1366×768 screen.
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 18, 24, 18)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.subheading = QLabel()
        self.subheading.setStyleSheet("color: #555;")
        self.notice = QLabel()
        self.notice.setObjectName("county_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #eef3fb; border: 1px solid #c9d7ee; border-radius: 4px; padding: 6px 10px;")
        # Two devices that gave one hazard number (set up with one letter): said until it is sorted out.
        self.number_warning = QLabel()
        self.number_warning.setObjectName("number_clashes")
        self.number_warning.setWordWrap(True)
        self.number_warning.setTextFormat(Qt.PlainText)
        self.number_warning.setStyleSheet("background: #fdecea; border: 1px solid #e8b4ae; border-radius: 4px;"
                                          " padding: 6px 10px; color: #8c1d18;")
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.notice)
        layout.addWidget(self.number_warning)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.cards: dict[str, Card] = {}
        for i, (key, title, colour, make_filter) in enumerate(CARDS):
            card = Card(key, title, colour)
            card.clicked.connect(lambda f=make_filter: self.open_ledger.emit(f(self.session.today())))
            grid.addWidget(card, i // 3, i % 3)
            self.cards[key] = card
        # What falls due besides hazards (certificates, and what other kinds declare): opens the 待办 page.
        self.todo_card = Card("todo", "待办事项", "#00695c")
        self.todo_card.clicked.connect(lambda: self.open_page.emit("待办"))
        grid.addWidget(self.todo_card, len(CARDS) // 3, len(CARDS) % 3)
        layout.addLayout(grid)
        self.empty = QWidget()
        empty_layout = QHBoxLayout(self.empty)
        empty_layout.setContentsMargins(0, 12, 0, 0)
        note = QLabel("本机还没有隐患记录。可以先载入一套演示数据，熟悉各项功能（演示数据可随时换一个数据目录重新开始）。")
        note.setWordWrap(True)
        self.demo_button = make_button("载入演示数据", "load_demo", self.load_demo)
        empty_layout.addWidget(note, 1)
        empty_layout.addWidget(self.demo_button)
        layout.addWidget(self.empty)
        targets_title = QLabel("工作方案指标（本年 1 月 1 日至今，鼠标停留看分子分母）")
        targets_title.setStyleSheet("font-size: 15px; font-weight: 600; margin-top: 10px;")
        layout.addWidget(targets_title)
        # On rows of at most TARGETS_PER_ROW: one row of every target is wider than a 1366-pixel screen.
        self.targets_grid = QGridLayout()
        self.targets_grid.setSpacing(10)
        layout.addLayout(self.targets_grid)
        self.target_labels: dict[str, QLabel] = {}
        self.evaluations: dict = {}  # the last evaluation of each target, for the lists its card links to
        # The targets read a year of hazards (a second or two for a whole county): off the GUI thread, so the
        # cards show at once and the targets follow.
        self._targets = Rereading(self, session, _target_status, self._fill_targets)
        self._targets_timer = QTimer(self, singleShot=True, interval=400, timeout=self._targets.start)
        self.worst_title = QLabel("逾期未整改最久的隐患（双击打开）")
        self.worst_title.setStyleSheet("font-size: 15px; font-weight: 600; margin-top: 10px;")
        # At most a dozen rows: a plain table widget is right here, unlike the ledger.
        self.worst = small_table("most_overdue", ["逾期", "编号", "单位", "隐患描述", "整改期限"], stretch=3,
                                 widths={0: 80, 1: 150, 2: 220, 4: 100})
        self.worst.cellDoubleClicked.connect(self._open_worst)
        layout.addWidget(self.worst_title)
        layout.addWidget(self.worst, 1)
        # With no overdue list (none, or not read yet) the room left stays below, not between the lines above.
        layout.addStretch(0)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.NoFrame)
        scroll.setObjectName("dashboard_scroll")
        scroll.setWidget(body)
        # What is painted whenever the page is (a card's figure, "…" until read): read_once_painted watches it.
        self._painted_on = self.todo_card.number
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._show_day()
        if read_now:
            self.refresh()
        else:  # the window paints first; the figures follow from refresh_soon
            for card in (*self.cards.values(), self.todo_card):
                card.number.setText("…")
            self.empty.setVisible(False)
            self.notice.setVisible(False)
            self.number_warning.setVisible(False)
            self.worst_title.setVisible(False)
            self.worst.setVisible(False)

    def refresh(self) -> None:
        """Read the figures and show them now (after a change this page must show at once)."""
        self._figures.drop()
        self._fill(read_facts(self.session))

    def refresh_soon(self) -> None:
        """Read the figures off the GUI thread and show them when read: at start-up (the window paints
        first), and when the page is shown again (a county's figures take a few tenths of a second)."""
        self._figures.start()

    def read_once_painted(self) -> None:
        """At start-up: read the figures once the page has painted. A read started beside the first paint holds
        the interpreter for part of it (its connection, its imports), and the window shows later."""
        self._read_at_paint = True
        self._painted_on.installEventFilter(self)
        self._painted_on.update()

    def eventFilter(self, watched, event) -> bool:
        if watched is self._painted_on and event.type() == QEvent.Paint and self._read_at_paint:
            self._painted_on.removeEventFilter(self)
            self._read_at_paint = False
            self._read_after_paint.start()  # once this paint is done
        return super().eventFilter(watched, event)

    def stop_reading(self) -> None:
        """The page was left: a read under way stops where it is, so the page shown has the machine (opening the
        ledger right after the start, beside the figures' first read). Shown again, the page reads again."""
        self._read_at_paint = False
        self._read_after_paint.stop()
        self._targets_timer.stop()
        self._figures.stop()
        self._targets.stop()

    def reading(self) -> bool:
        """Whether a background read is under way (refresh_soon) or waits for the page's first paint."""
        return self._read_at_paint or self._read_after_paint.isActive() or self._figures.busy()

    def _show_day(self) -> None:
        today = self.session.today()
        self.heading.setText(f"{self.session.station.name} 安全生产工作台")
        weekday = "一二三四五六日"[today.weekday()]
        self.subheading.setText(f"{today:%Y年%m月%d日} 星期{weekday}　操作员：{self.session.operator}")

    def _fill(self, facts: DashboardFacts) -> None:
        self._show_day()
        self.notice.setText(facts.notice)
        self.notice.setVisible(bool(facts.notice))
        self.number_warning.setText(facts.warning)
        self.number_warning.setVisible(bool(facts.warning))
        for key, card in self.cards.items():
            card.number.setText(f"{facts.counts.get(key, 0):,}")
        self.todo_card.number.setText(f"{facts.todo:,}")
        self.empty.setVisible(not facts.has_hazards)
        worst = facts.worst
        fill_rows(self.worst, [(f"{(facts.today - dt.date.fromisoformat(h['due_date'])).days} 天", h["hazard_no"],
                                h["unit_name"] or "", h["description"], h["due_date"]) for h in worst],
                  [h["id"] for h in worst])
        self.worst_title.setVisible(bool(worst))
        self.worst.setVisible(bool(worst))
        if self.target_labels:
            self._targets.start()
        else:  # at start-up: let the window paint first, then compute the targets beside it
            self._targets_timer.start()

    def _fill_targets(self, evaluations) -> None:
        from .rate_people_dialog import is_people_rate, numbers_line  # read after the start: imported then

        rows = math.ceil(len(evaluations) / TARGETS_PER_ROW)
        per_row = math.ceil(len(evaluations) / rows) if rows else 1
        for index, evaluation in enumerate(evaluations):
            label = self.target_labels.get(evaluation.target.id)
            if label is None:
                label = QLabel()
                label.setObjectName(f"target_{evaluation.target.id}")
                label.setWordWrap(True)
                label.setMinimumWidth(120)
                self.targets_grid.addWidget(label, index // per_row, index % per_row)
                self.targets_grid.setColumnStretch(index % per_row, 1)
                self.target_labels[evaluation.target.id] = label
                label.linkActivated.connect(lambda link, i=evaluation.target.id: self._open_people(i, link))
            self.evaluations[evaluation.target.id] = evaluation
            colour = {True: "#26734d", False: "#b3261e", None: "#6b6b6b"}[evaluation.met]
            background = {True: "#e6f4ea", False: "#fdecea", None: "#f1f1f1"}[evaluation.met]
            t = evaluation.target
            # The goal as the indicators word it (全县目标 ≥52家 for a county figure counted on a township).
            label.setText(f"<b>{t.id}</b> {t.name}<br><span style='font-size:18px;color:{colour}'>"
                          f"<b>{evaluation.shown}</b></span>　{evaluation.goal}")
            label.setStyleSheet(f"background: {background}; border-left: 4px solid {colour};"
                                " border-radius: 4px; padding: 6px;")
            if is_people_rate(t.id):  # its two numbers open the people behind them
                label.setText(label.text() + numbers_line(evaluation))
            label.setToolTip(evaluation.explained)

    def _open_people(self, target_id: str, link: str) -> None:
        from .rate_people_dialog import open_rate_people

        self.people_dialog = open_rate_people(self, self.session, self.evaluations[target_id], link)

    def _open_worst(self, row: int, _column: int) -> None:
        self.open_hazard.emit(HazardFilter(overdue=True), self.worst.item(row, 0).data(Qt.UserRole))

    def counts(self) -> dict[str, int]:
        return {k: int(c.number.text().replace(",", "")) for k, c in self.cards.items()}


@dataclass(frozen=True)
class DashboardFacts:
    """What the page shows, read in one go (on the GUI thread, or on a background one with its own
    connection)."""

    today: dt.date
    notice: str
    warning: str
    counts: dict
    todo: int
    has_hazards: bool
    worst: list


def _target_status(session):
    from pjdesk.services.targets import target_status  # not at start-up: the targets follow the first paint

    return target_status(session)


def read_facts(session) -> DashboardFacts:
    return DashboardFacts(
        today=session.today(),
        notice=county_notice(session),
        warning=number_clash_text(session),
        counts=hazard_service.dashboard(session),
        todo=reminder_service.reminder_total(session),
        has_hazards=hazard_service.has_hazards(session),
        worst=hazard_service.list_hazards(session, HazardFilter(overdue=True), sort=("due_date", False), limit=12),
    )


def number_clash_text(session) -> str:
    """What the 工作台 says of hazard numbers more than one hazard carries ("" when none)."""
    clashes = hazard_service.number_clashes(session)
    if not clashes:
        return ""
    shown = "、".join(c["hazard_no"] for c in clashes[:5]) + (" 等" if len(clashes) > 5 else "")
    devices = "、".join(dict.fromkeys(name for c in clashes for name in c["devices"]))
    return (f"隐患编号重复 {len(clashes)} 个：{shown}（{devices} 用了同一个编号字母）。已编的号不变，打印的台账在编号后"
            "注明“重号”和设备；先用该字母的设备继续使用，另一台下次登记时自动改用空闲字母。")


def county_notice(session) -> str:
    """One line between the county and this station: on the county, who has reported last month; on a
    township, its place in the newest ranking the county sent (rich text)."""
    if session.station.is_county:
        import html

        from pjdesk.services.reporting import last_month_summary

        s = last_month_summary(session)
        if not s["reported"] and not s["missing"]:
            return "报送情况：尚未收到乡镇的交换文件。在“数据交换”页导入乡镇报来的文件。"
        text = (f"报送情况（{s['month'].label}，截止 {s['deadline']:%m月%d日}）：已报 {s['reported']} / {s['townships']}"
                f"，其中逾期 {s['late']}、不完整 {s['partial']}")
        if s["missing"]:
            text += f"；<span style='color:#b3261e'>未报送 {len(s['missing'])}：{html.escape('、'.join(s['missing']))}</span>"
        return text
    from pjdesk.services.county_data import own_standing

    s = own_standing(session)
    if s is None:
        return ""
    year, month = s["month"].split("-")
    if s["score"] is None:  # no score: the county had no data, or not this township's file of the month
        place = f"第 {s['rank']} 名 / {s['ranked']}（未报送本月交换文件）" if s["rank"] else "未参加排名（无数据或未报送）"
    else:
        place = f"第 {s['rank']} 名 / {s['ranked']}，得分 {s['score']:.1f}"
    if s.get("unreported"):
        place += f"（其中 {s['unreported']} 个乡镇未报送，并列末位）"
    text = f"县级排名（{year}年{int(month)}月）：{place}"
    if s["interview"]:
        text += "　<span style='color:#b3261e;font-weight:600'>列入约谈</span>"
    return text

