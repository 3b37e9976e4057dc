"""Accepting a new device's key: the person checks its fingerprint with the sender by telephone first.

A key accepted here is trusted for every later file from that device, so the dialog never accepts by
default: each device must be ticked as checked, and Enter or Esc means 暂不接受.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .dialog_room import fit_dialog

INSTRUCTION = (
    "以下设备是第一次向本站发送交换文件，本站还没有登记它的密钥。为防止他人冒名发送，接受前请打电话给发送人，"
    "请对方在 pjdesk“数据交换”页念出“本机密钥指纹”，与下面显示的逐组核对。"
    "完全一致才勾选“已电话核对”；有任何一组不同，请不要接受，并告知县安委办。"
)


def fingerprint_lines(fingerprint: str, per_line: int = 8) -> str:
    """The fingerprint's groups of four on two lines, so a person can read it out group by group."""
    groups = fingerprint.split()
    return "\n".join(" ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line))


class DeviceCard(QFrame):
    """One unknown device: whose it is, how many files came from it, its fingerprint, and the check box."""

    def __init__(self, device: dict, files: int, parent=None):
        super().__init__(parent)
        self.device = device
        self.setObjectName("trust_card")
        self.setStyleSheet("#trust_card { background: white; border: 1px solid #d0d0d0; border-radius: 6px; }")
        station = QLabel(f"{device['station_name']}（{device['station']}）")
        station.setStyleSheet("font-size: 16px; font-weight: 600;")
        detail = QLabel(f"设备：{device['device_name']}　　设备编号：{device['device']}　　文件：{files} 个")
        detail.setStyleSheet("color: #444;")
        caption = QLabel("密钥指纹")
        caption.setStyleSheet("color: #666;")
        self.fingerprint = QLabel(fingerprint_lines(device["fingerprint"]))
        self.fingerprint.setObjectName("trust_fingerprint")
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setPointSize(15)
        font.setBold(True)
        self.fingerprint.setFont(font)
        self.fingerprint.setStyleSheet("color: #1a3d6d; background: #f3f6fb; padding: 8px 10px; border-radius: 4px;")
        self.fingerprint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.checked = QCheckBox("已电话核对，指纹完全一致")
        self.checked.setObjectName("trust_checked")
        layout = QVBoxLayout(self)
        layout.addWidget(station)
        layout.addWidget(detail)
        layout.addWidget(caption)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.checked)


class TrustDialog(QDialog):
    """Lists each unknown device once; ``accepted_devices()`` gives the ids the person ticked and accepted."""

    def __init__(self, devices: Sequence[dict], files: dict[str, int] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("trust_dialog")
        self.setWindowTitle("接受新设备的密钥")
        files = files or {}
        heading = QLabel(f"有 {len(devices)} 台新设备的文件需要确认")
        heading.setStyleSheet("font-size: 17px; font-weight: 600;")
        instruction = QLabel(INSTRUCTION, wordWrap=True)
        instruction.setStyleSheet("color: #8c1d18;")
        self.cards = [DeviceCard(d, files.get(d["device"], 1)) for d in devices]
        body = QWidget()
        body_layout = QVBoxLayout(body)
        for card in self.cards:
            body_layout.addWidget(card)
            card.checked.toggled.connect(self._update)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(body)
        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton("接受并导入", QDialogButtonBox.AcceptRole)
        self.accept_button.setObjectName("trust_accept")
        self.accept_button.setAutoDefault(False)
        self.decline_button = buttons.addButton("暂不接受", QDialogButtonBox.RejectRole)
        self.decline_button.setObjectName("trust_decline")
        self.decline_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(instruction)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        fit_dialog(self, 720, 200 + 200 * len(self.cards))
        self._update()

    def accepted_devices(self) -> list[str]:
        if self.result() != QDialog.Accepted:
            return []
        return [card.device["device"] for card in self.cards if card.checked.isChecked()]

    def _update(self) -> None:
        ticked = sum(card.checked.isChecked() for card in self.cards)
        self.accept_button.setEnabled(ticked > 0)
        if len(self.cards) > 1:
            self.accept_button.setText(f"接受并导入（{ticked} 台）")
