"""事故 and 森林火灾 pages through the real window: a fire typed with hectares to the hundredth is listed with
its decimals and its 等级, an accident's 等级 follows its casualties, and a refused accident says why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from pjdesk.core.plan_records import FIRE
from pjdesk.services.records import get_record
from tests.ui.conftest import type_into
from tests.ui.test_ledger_flow import choose


def save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Save).click()


def test_a_fire_is_typed_in_hectares_and_listed_with_its_level(qtbot, window, session, answer_dialog):
    window.show_page("森林火灾")
    page = window.page("森林火灾")
    seen = {}

    def enter(dialog):
        form = dialog.form
        assert dialog.height() <= 680
        form.editor("date").set_value("2026-11-02")
        type_into(form.editor("village"), "栗山村")
        type_into(form.editor("burned_ha100"), "1.35")
        type_into(form.editor("forest_ha100"), "1.5")
        save(dialog)
        seen["refused"] = form.errors["forest_ha100"].text()
        form.editor("forest_ha100").clear()
        type_into(form.editor("forest_ha100"), "1.2")
        save(dialog)

    answer_dialog(enter)
    qtbot.mouseClick(page.new_button, Qt.LeftButton)

    assert seen["refused"] == "受害森林面积不能大于过火面积"
    assert page.count_label.text() == "共 1 条"
    row = page.selected_row()
    stored = get_record(session, FIRE, row["id"])
    assert (stored["burned_ha100"], stored["forest_ha100"], stored["level"]) == (135, 120, "较大")
    model = page.model
    keys = [c.key for c in model.columns]
    texts = [model.index(0, keys.index(k)).data() for k in ("burned_ha100", "forest_ha100", "level")]
    assert texts == ["1.35", "1.20", "较大"]
    assert "受害森林面积（公顷）\n1.20\n" in page.detail.toPlainText()


def test_an_accidents_level_follows_its_casualties(qtbot, window, session, answer_dialog):
    window.show_page("事故")
    page = window.page("事故")

    def enter(dialog):
        form = dialog.form
        form.editor("occurred").set_value("2026-11-05")
        choose(form.editor("category"), "中毒和窒息")
        type_into(form.editor("deaths"), "2")
        type_into(form.editor("missing"), "1")
        type_into(form.editor("summary"), "清罐作业中毒窒息")
        save(dialog)
        assert dialog.isVisible(), "refused: no unit and no party named"
        assert form.errors["party_name"].text() == "请选择事故单位，或填写未登记的当事单位（个人）名称"
        type_into(form.editor("party_name"), "李某清污队")
        save(dialog)

    answer_dialog(enter)
    qtbot.mouseClick(page.new_button, Qt.LeftButton)

    row = page.selected_row()
    assert (row["party_name"], row["deaths"], row["missing"], row["level"]) == ("李某清污队", 2, 1, "较大")
