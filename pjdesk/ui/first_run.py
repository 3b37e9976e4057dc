"""First run: which station this PC is, and who is working. One page, three questions, and whether to try the
program on the demo data first (a township's own, or on the county the 25 townships')."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
)

from pjdesk.core.errors import PjdeskError
from pjdesk.core.townships import COUNTY_CODE, county_name, townships
from pjdesk.services.session import init_station


def demo_hint(county: bool) -> str:
    """What the demo box loads, for the station type chosen."""
    if county:
        places = sum(1 for t in townships() if t.kind != "园区")
        return (f"全县 {places} 个乡镇（街道）的单位、五年的隐患台账、近一年的检查记录（含文书和照片）"
                "和近六个月的报送情况；打开主窗口后在后台载入，可看进度，约需十秒。")
    return ("本乡镇几百家单位、五年的隐患台账和近一年的检查记录（含文书和照片）；"
            "打开主窗口后在后台载入，可看进度，约需十秒。")


class FirstRunDialog(QDialog):
    """Sets the data directory up as a township station or the county; ``session`` holds the result, and
    ``wants_demo()`` whether the demo data is to be loaded into it (for either kind of station)."""

    def __init__(self, data_dir, parent=None, today=None):
        super().__init__(parent)
        self.setObjectName("first_run")
        self.setWindowTitle("欢迎使用 pjdesk — 首次设置")
        self.data_dir, self._today = data_dir, today
        self.session = None
        intro = QLabel("<h2>平江县安全生产台账</h2>"
                       "<p>请设置本机所属站点和操作员。设置后，本机录入的每条数据都会记下站点和操作员。</p>")
        intro.setWordWrap(True)
        self.township_role = QRadioButton("乡镇（街道）安监站/应急站")
        self.county_role = QRadioButton(f"县级（{county_name()}安委办/应急管理局，汇总各乡镇）")
        self.township_role.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.township_role)
        group.addButton(self.county_role)
        self.township_box = QComboBox()
        self.township_box.setObjectName("township")
        self.township_box.addItem("请选择乡镇（街道）…", None)
        for t in townships():
            self.township_box.addItem(f"{t.name}（{t.code}）", t.code)
        self.operator = QLineEdit(placeholderText="您的姓名")
        self.operator.setObjectName("operator")
        self.demo = QCheckBox("载入演示数据（先熟悉功能；正式使用请勿勾选）")
        self.demo.setObjectName("demo")
        self.demo_hint = QLabel(demo_hint(False), wordWrap=True, styleSheet="color: #666;")
        self.demo_hint.setObjectName("demo_hint")
        self.error = QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("站点类型", self.township_role)
        form.addRow("", self.county_role)
        form.addRow("所属乡镇", self.township_box)
        form.addRow("操作员", self.operator)
        form.addRow("", self.demo)
        form.addRow("", self.demo_hint)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("开始使用")
        buttons.button(QDialogButtonBox.Cancel).setText("退出")
        buttons.accepted.connect(self.finish)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(QLabel(f"<small style='color:#666'>数据目录：{data_dir}</small>", wordWrap=True))
        layout.addWidget(buttons)
        self.county_role.toggled.connect(self._role_chosen)
        # What was wrong is no longer said once the person has changed what it was about.
        self.township_box.currentIndexChanged.connect(self.error.hide)
        self.county_role.toggled.connect(self.error.hide)
        self.operator.textEdited.connect(self.error.hide)
        self.resize(560, 0)

    def _role_chosen(self, county: bool) -> None:
        self.township_box.setEnabled(not county)
        self.demo_hint.setText(demo_hint(county))

    def finish(self) -> None:
        county = self.county_role.isChecked()
        code = COUNTY_CODE if county else self.township_box.currentData()
        if not county and not code:
            self._fail("请选择所属乡镇（街道）")
            return
        try:
            self.session = init_station(self.data_dir, code=code, operator=self.operator.text(), county=county,
                                        today=self._today)
        except PjdeskError as e:
            self._fail(str(e))
            return
        self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def wants_demo(self) -> bool:
        """The box ticked: the main window loads the demo in the background (the county's, on the county)."""
        return self.demo.isChecked()


def show_error(parent, message: str) -> None:
    QMessageBox.critical(parent, "pjdesk", message)
