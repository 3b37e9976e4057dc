"""排名 (county): the month's ranking of the townships, the places marked for 约谈 highlighted, printable; beside
it the weights of the indicators and how many places are marked, which are the county's to set."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.services import ranking as ranking_service
from pjdesk.services import returns as return_service

from .form_view import MonthFormPage
from .widgets import make_button

SIDE_WIDTH = 360


class RankingPage(MonthFormPage):
    what = "排名表"

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.view.setObjectName("ranking_view")
        self.ranking: ranking_service.Ranking | None = None
        self.weights: dict[str, QSpinBox] = {}

        editor = QGroupBox("排名指标与权重")
        editor.setObjectName("ranking_weights")
        # Every rate of the plan may be weighed: the list of them scrolls, what applies to all stays below it.
        listed = QWidget()
        form = QFormLayout(listed)
        form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        form.setLabelAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        scroll = QScrollArea()
        scroll.setObjectName("ranking_indicators")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(listed)
        outer = QVBoxLayout(editor)
        outer.addWidget(scroll, 1)
        for indicator in ranking_service.default_config().indicators:
            box = QSpinBox()
            box.setObjectName(f"weight_{indicator.id}")
            box.setRange(0, 100)
            box.setSpecialValueText("不计入")
            self.weights[indicator.id] = box
            label = QLabel(indicator.name)
            label.setWordWrap(True)
            form.addRow(label, box)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        outer.addLayout(form)
        self.interview = QSpinBox()
        self.interview.setObjectName("interview_places")
        self.interview.setRange(0, 10)
        self.interview.setSpecialValueText("不约谈")
        self.interview.setSuffix(" 名")
        form.addRow("约谈名次数（末位）", self.interview)
        self.unreported = QComboBox()
        self.unreported.setObjectName("unreported_place")
        for key, text in ranking_service.UNREPORTED_PLACES.items():
            self.unreported.addItem(text, key)
        form.addRow("未报送的乡镇", self.unreported)
        hint = QLabel("权重为 0 的指标不计入得分。得分＝有数据的指标按权重加权平均×100。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        form.addRow(hint)
        self.save_button = make_button("保存权重", "save_weights", self.save_weights)
        self.default_button = make_button("恢复默认", "default_weights", self.restore_defaults)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.default_button)
        form.addRow(buttons)
        self.outcome = QLabel()
        self.outcome.setObjectName("ranking_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("padding-top: 6px;")

        # The weights beside the table, no wider than they need: the table is what the page is for.
        side_panel = QWidget()
        side_panel.setObjectName("ranking_side")
        side_panel.setMaximumWidth(SIDE_WIDTH)
        side = QVBoxLayout(side_panel)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(editor, 1)
        side.addWidget(self.outcome)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(16)
        layout.addWidget(self.view, 1)
        layout.addWidget(side_panel)
        self.show_config(ranking_service.ranking_config(session))
        self.refresh()

    # --- the ranking ------------------------------------------------------------------------------------------
    def make(self, session, month: Month):
        ranking = ranking_service.rank_month(session, month)
        return ranking, ranking_service.fill_ranking(session, month, ranking)

    def show_made(self, month: Month, made) -> None:
        self.ranking, filled = made
        marked = [i for i, standing in enumerate(self.ranking.standings) if standing.interview]
        self.view.show_form(filled, return_service.file_stem(return_service.RANKING, filled.spec.title,
                                                             filled.unit_name, month), marked)
        self.outcome.setText(_outcome(self.ranking))

    # --- the weights ------------------------------------------------------------------------------------------
    def show_config(self, config: ranking_service.RankingConfig) -> None:
        for indicator in config.indicators:
            self.weights[indicator.id].setValue(round(indicator.weight))
        self.interview.setValue(config.interview)
        self.unreported.setCurrentIndex(self.unreported.findData(config.unreported))

    def save_weights(self) -> None:
        self._save({key: box.value() for key, box in self.weights.items()}, self.interview.value(),
                   self.unreported.currentData())

    def restore_defaults(self) -> None:
        config = ranking_service.default_config()
        self.show_config(config)
        self._save({i.id: i.weight for i in config.indicators}, config.interview, config.unreported)

    def _save(self, weights: dict[str, float], interview: int, unreported: str) -> None:
        try:
            config = ranking_service.set_ranking_config(self.session, weights, interview, unreported)
        except PjdeskError as e:
            QMessageBox.warning(self, "未保存", str(e))
            return
        self.show_config(config)
        self.refresh()


def _outcome(ranking: ranking_service.Ranking) -> str:
    """What the month's ranking comes to, under the weights: how many were ranked, who is marked for 约谈."""
    scored = sum(s.score is not None for s in ranking.standings)
    silent = [s for s in ranking.standings if s.unreported]
    if not scored and not silent:
        return (f"{ranking.month.label}：没有乡镇（街道）参加排名：尚未收到乡镇的交换文件，"
                "或计入的指标都没有可计算的数据。")
    no_data = len(ranking.standings) - scored - len(silent)
    lines = [f"{ranking.month.label}：{scored} 个乡镇（街道）按得分排名"
             + (f"，{no_data} 个无数据未排名" if no_data else "") + "。"]
    if silent:
        lines.append(ranking_service.unreported_note(ranking))
    config = ranking.config
    if ranking.interviewed:
        lines.append(f"约谈：{'、'.join(s.name for s in ranking.interviewed)}")
    elif config.interview:
        needed = max(config.min_ranked, config.interview + 1)
        lines.append(f"参加排名的不足 {needed} 个，本月不标注约谈。")
    return "\n".join(lines)
