"""A drill through the window: the high-risk unit is on the 待办 list, its drill is recorded with the evaluation
and two problems, the 演练评估报告 is printed (saved as PDF and read back), and the unit leaves the 待办 list."""

from __future__ import annotations

import re

from pypdf import PdfReader

from pjdesk.core.emergency import DRILL
from pjdesk.services.records import get_record
from pjdesk.ui.record_page import RecordPage
from pjdesk.ui.todo_page import TodoPage
from tests.ui.conftest import type_into
from tests.ui.test_inspection_flow import modal  # noqa: F401, F811 - fixture


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def listed_units(todo: TodoPage) -> list[str]:
    return [r["unit"] for r in todo.rows if r["source"] == "drill_due"]


def test_a_drill_with_its_evaluation_and_problems_is_printed_and_leaves_the_todo_list(qtbot, session, unit, modal,  # noqa: F811
                                                                                        tmp_path):
    todo = TodoPage(session)
    qtbot.addWidget(todo)
    assert listed_units(todo) == ["平江县安定化工有限公司"]

    page = RecordPage(session, DRILL)
    qtbot.addWidget(page)
    page.show()
    dialog = page.open_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    form.editor("date").set_value("2026-11-25")
    unit_box = form.editor("unit_id")
    unit_box.setCurrentIndex(unit_box.findData(unit))
    form.editor("form").setCurrentText("实战")
    form.editor("content").setCurrentText("综合")
    type_into(form.editor("scenario"), "储罐区甲醇泄漏起火")
    type_into(form.editor("participants"), "46")
    type_into(form.editor("evaluators"), "赵六、钱七")
    type_into(form.editor("exec_status"), "按方案完成报警、疏散、堵漏和洗消")
    type_into(form.editor("command_coordination"), "现场指挥部设立及时")
    form.editor("goals_met").setCurrentText("部分达成")
    problems = form.child_table("problems")
    problems.add_row({"problem": "应急广播音量不足", "measures": "更换大功率广播", "responsible": "李四",
                      "deadline": "2026-12-10", "status": "整改中"})
    problems.add_row({"problem": "警戒区域设置过小", "measures": "扩大警戒范围", "responsible": "王五",
                      "deadline": "2026-12-20", "status": "未完成"})
    assert dialog.try_save()
    drill_id = dialog.result_value.id
    dialog.accept()
    saved = get_record(session, DRILL, drill_id)
    assert (saved["participants"], saved["goals_met"], saved["problem_count"], saved["problems_done"]) == (
        46, "部分达成", 2, 0)
    assert [p["problem"] for p in saved["problems"]] == ["应急广播音量不足", "警戒区域设置过小"]

    # 打印演练文书 → 演练评估报告: the preview, saved as PDF and read back.
    page.reload()
    assert page.select_record(drill_id)
    printed = {}

    def keep(preview):
        printed["path"] = preview.save_as("pdf", str(tmp_path / "评估报告.pdf"))
        printed["caption"] = preview.caption.text()
        preview.accept()

    modal("document_preview", keep)
    next(a for a in page.drill_document_menu.actions() if a.objectName() == "print_drill_report").trigger()
    assert printed["caption"].startswith("演练评估报告　共 1 页")
    text = pdf_text(printed["path"])
    for expected in ("应急演练评估报告", "平江县安定化工有限公司", "储罐区甲醇泄漏起火", "按方案完成报警、疏散、堵漏和洗消",
                     "现场指挥部设立及时", "演练目标部分达成", "应急广播音量不足", "扩大警戒范围", "46人"):
        assert expected in text, expected

    # The drill recorded: the unit is no longer due one.
    todo.reload()
    assert listed_units(todo) == []
