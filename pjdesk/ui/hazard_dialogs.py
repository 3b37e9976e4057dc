"""The hazard's dialogs: record or edit a hazard, and each step of its lifecycle."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from pjdesk.core.hazard import (
    CLOSE,
    CLOSED,
    EXTEND,
    FAIL,
    HAZARD,
    HAZARD_EVENT,
    LOCKED_AFTER_CLOSURE,
    MAJOR,
    NOTICE,
    PASS,
    RECTIFIED,
    REOPEN,
    REVIEW,
)
from pjdesk.core.records import errors
from pjdesk.core.townships import station_name
from pjdesk.services import hazards as hazard_service
from pjdesk.services import units as unit_service

from .record_dialog import RecordDialog
from .widgets import ask_to_confirm

# For each lifecycle step: the event fields it asks for, with their labels in that step's words.
STEPS = {
    NOTICE: ("下达整改通知", {"date": {"label": "通知日期"}, "note": {"label": "通知文号/整改要求"}}),
    RECTIFIED: ("登记整改完成", {"date": {"label": "整改完成日期"}, "actor": {"label": "整改负责人"},
                            "note": {"label": "整改情况"}}),
    REVIEW: ("复查", {"date": {"label": "复查日期"}, "result": {"label": "复查结论", "required": True,
                                                        "choices": [PASS, FAIL]},
                    "actor": {"label": "复查人", "required": True}, "note": {"label": "复查意见（不合格必填）"}}),
    EXTEND: ("延期", {"date": {"label": "办理日期"}, "new_deadline": {"label": "新整改期限", "required": True},
                    "note": {"label": "延期原因", "required": True}}),
    CLOSE: ("销号", {"date": {"label": "销号日期"}, "note": {"label": "销号依据/说明"}}),
    REOPEN: ("撤销销号", {"date": {"label": "撤销日期"}, "note": {"label": "撤销原因", "required": True}}),
}
CLOSING_MEANS = ("销号表示隐患已整改到位、经复查合格，闭环结束：它不再列入未销号隐患，计入销号当月的报表。\n"
                 "销号后仍可更正记录中的文字（记入办理记录），但发现日期、整改期限和等级不能再改；"
                 "如销号有误，可“撤销销号”，须写明原因。")
LOCKED_NOTE = ("该隐患已销号：发现日期、整改期限和隐患等级不能再改（如确需更改，请先撤销销号）；"
               "其他内容可以更正，更正记入办理记录。")


def unit_choices(session, township: str | None = None):
    def choices(_kind: str) -> list[tuple[str, str]]:
        return [(f"{u['name']}" + (f"（{u['uscc']}）" if u["uscc"] else ""), u["id"])
                for u in unit_service.unit_choices(session, township)]
    return choices


def hazard_dialog(session, parent: QWidget, hazard_id: str | None = None, preset: dict | None = None,
                  assign_to: str | None = None) -> RecordDialog:
    """Record or edit a hazard; on the county, ``assign_to`` (a township code) records a 交办 for it. A 销号
    hazard opens for correction, with what its closure was judged on shown but not editable."""
    closed = False
    if assign_to:
        values = {**hazard_service.hazard_defaults(session), "level": MAJOR, **(preset or {}),
                  "source": hazard_service.ASSIGNED}
        title = f"交办隐患 — {station_name(assign_to)}"

        def save(v):
            return hazard_service.assign_hazard(session, assign_to, v)
    elif hazard_id:
        detail = hazard_service.hazard_detail(session, hazard_id)
        current = detail["hazard"]
        values = {f: current.get(f) for f in HAZARD.field_names()}
        closed = detail["state"].status == CLOSED
        title = f"{'更正已销号的隐患' if closed else '编辑隐患'} {current['hazard_no']}"

        def save(v):
            return hazard_service.edit_hazard(session, hazard_id, v)
    else:
        values = {**hazard_service.hazard_defaults(session), **(preset or {})}
        title = "登记隐患"

        def save(v):
            return hazard_service.record_hazard(session, v)

    dialog = RecordDialog(
        session, HAZARD, title, values=values, save=save,
        check=lambda v: hazard_service.check_hazard(session, v),
        ref_choices=unit_choices(session, assign_to), draft_key=f"hazard-{hazard_id or assign_to or 'new'}",
        parent=parent,
        intro=("交办给乡镇的隐患随下次发给该乡镇的交换文件下发，由乡镇整改；此处只读。" if assign_to else "")
        + (LOCKED_NOTE if closed else
           "带＊为必填。选择“重大”后须填写判定依据和五落实（责任、措施、资金、时限、预案）；未填全时可先保存，标记为待补充。"),
    )
    if closed:  # what the 销号 was judged on stays as it was (the service refuses it too)
        for name in LOCKED_AFTER_CLOSURE:
            dialog.form.editor(name).setEnabled(False)
    dialog.setObjectName("hazard_dialog")
    return dialog


class StepDialog(RecordDialog):
    """One lifecycle step. A step that ends the hazard's lifecycle (销号) asks first, once the values would be
    accepted, and says what it means; declining keeps the dialog open with what was typed."""

    def __init__(self, *args, confirm=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._confirm = confirm

    def try_save(self) -> bool:
        values = self.form.values()
        if self._confirm is not None and not errors(self._check(values)) and not self._confirm(values):
            return False
        return super().try_save()


def step_dialog(session, parent: QWidget, hazard_id: str, kind: str) -> RecordDialog:
    title, overrides = STEPS[kind]
    today = session.today().isoformat()
    detail = hazard_service.hazard_detail(session, hazard_id)
    hazard = detail["hazard"]
    # 整改完成 is done by the unit: its 整改负责人 is the hazard's own, as the officer entered it.
    values = {"date": today, "actor": hazard.get("resp_person") if kind == RECTIFIED else session.operator}
    if kind == REVIEW:
        values["result"] = PASS

    def save(v):
        return hazard_service.add_event(session, hazard_id, kind, v["date"], result=v.get("result"),
                                        actor=v.get("actor"), new_deadline=v.get("new_deadline"), note=v.get("note"))

    def confirm_closing(v) -> bool:
        return ask_to_confirm(dialog, "确认销号", f"将隐患 {hazard['hazard_no']} 于 {v['date']} 销号？",
                              "销号", CLOSING_MEANS)

    dialog = StepDialog(
        session, HAZARD_EVENT, f"{title} — {hazard['hazard_no']}", values=values, save=save,
        check=lambda v: hazard_service.check_step(session, hazard_id, kind, v),
        fields=list(overrides), overrides=overrides, parent=parent,
        intro=f"{hazard['description']}\n当前状态：{detail['state'].status}"
              + (f"，整改期限 {detail['state'].due_date}" if detail["state"].due_date else "")
              + ("\n撤销后隐患回到“复查合格”，销号和撤销都留在办理记录中。" if kind == REOPEN else ""),
        confirm=confirm_closing if kind == CLOSE else None,
    )
    dialog.setObjectName(f"step_{kind}")
    return dialog


def ask_delete_reason(parent: QWidget, what: str) -> str | None:
    reason, ok = QInputDialog.getText(parent, f"删除{what}", f"删除{what}须写明原因（如：重复录入、录入错误）：")
    if not ok:
        return None
    if not reason.strip():
        QMessageBox.warning(parent, "未删除", "删除须写明原因。")
        return None
    return reason.strip()
