"""The three sheets a unit keeps about its people, imported as an officer does it: 从 Excel 导入… on the 人员, 培训
and 证书 pages, the file chosen, the real import dialog's preview read (a refused row shown with its sheet row
number and reason, nothing written), the sheet corrected and imported; then the rows in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.services.test_people_import import CERTS, CODE, LI, ROSTER, SIGN_IN, WANG, WRONG, ZHANG, sheet

UNIT = "平江县安定化工有限公司"
ZHAO = "430626198808080019"


@pytest.fixture
def said(monkeypatch):
    """What the program tells the officer in message boxes (导入完成 and the like)."""
    texts = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a, **k: texts.append(text))
    return texts


def rows(session, sql):
    return [tuple(r) for r in session.store.db.execute(sql)]


def import_from_page(qtbot, window, page_name, path, answer_dialog, monkeypatch, fill):
    """Show the page, click its 从 Excel 导入…, choose ``path`` and let ``fill(dialog)`` answer the dialog."""
    window.show_page(page_name)
    page = window.page(page_name)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    assert page.import_button.isVisible() and page.import_button.text() == "从 Excel 导入…"
    answer_dialog(fill)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    return page


def refused_rows(dialog) -> dict[str, str]:
    table = dialog.refused
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


def looked_at_and_cancelled(seen):
    def fill(dialog):
        seen.update(title=dialog.windowTitle(), refused=refused_rows(dialog), summary=dialog.summary.text(),
                    can_import=dialog.import_button.isEnabled(), tab=dialog.issues.tabText(dialog.issues.currentIndex()))
        dialog.reject()
    return fill


def imported(qtbot, seen):
    def fill(dialog):
        seen.update(title=dialog.windowTitle(), summary=dialog.summary.text(), button=dialog.import_button.text())
        qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    return fill


def test_a_roster_a_sign_in_sheet_and_a_certificate_list_imported_from_their_pages(
        qtbot, window, session, unit, tmp_path, answer_dialog, monkeypatch, said):
    # 人员: a number with a wrong check digit refuses its row (the 4th of the sheet, under a title and the header).
    bad = sheet(tmp_path / "花名册.xlsx", ROSTER, [
        ["张三", ZHANG, UNIT, CODE, "专职安全管理人员", "正式", "2020-03-01", None],
        ["赵六", WRONG, UNIT, CODE, "一般从业人员", "正式", "2021-04-01", None],
        ["李四", LI, UNIT, None, "特种作业人员（电工）", "劳务派遣", "2026-02-01", None],
    ])
    seen = {}
    import_from_page(qtbot, window, "人员", bad, answer_dialog, monkeypatch, looked_at_and_cancelled(seen))
    assert seen["title"] == "从 Excel 导入人员"
    assert list(seen["refused"]) == ["第 4 行"]
    assert "身份证号校验位错误（应为 6）" in seen["refused"]["第 4 行"]
    assert not seen["can_import"] and "有 1 行不能导入" in seen["summary"] and seen["tab"] == "不能导入（1）"
    assert rows(session, "SELECT COUNT(*) FROM person") == [(0,)]

    good = sheet(tmp_path / "花名册（改）.xlsx", ROSTER, [
        ["张三", ZHANG, UNIT, CODE, "专职安全管理人员", "正式", "2020-03-01", None],
        ["赵六", ZHAO, UNIT, CODE, "一般从业人员", "正式", "2021-04-01", None],
        ["李四", LI, UNIT, None, "特种作业人员（电工）", "劳务派遣", "2026-02-01", None],
        ["王五", WANG, UNIT, CODE, "班组长", "灵活用工", "2019-05-01", "2026-06-30"],
    ])
    seen = {}
    page = import_from_page(qtbot, window, "人员", good, answer_dialog, monkeypatch, imported(qtbot, seen))
    assert seen["button"] == "导入 4 条" and "可导入人员 4 条" in seen["summary"]
    qtbot.waitUntil(lambda: any(t.startswith("已导入人员 4 条") for t in said), timeout=15000)
    assert sorted(rows(session, "SELECT name, id_number, unit_id, role_class, employment, left_on FROM person")) == [
        ("张三", ZHANG, unit, "专职安全管理人员", "正式", None),
        ("李四", LI, unit, "特种作业人员", "劳务派遣", None),
        ("王五", WANG, unit, "班组长", "灵活用工", "2026-06-30"),
        ("赵六", ZHAO, unit, "一般从业人员", "正式", None),
    ]
    qtbot.waitUntil(lambda: page.count_label.text() == "共 4 条", timeout=5000)

    # 培训: a sign-in sheet naming someone nobody registered refuses that row; he is not invented.
    sign_in = [
        ["张三", ZHANG, UNIT, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["李四", LI, UNIT, "年度再培训", 8, "2026-03-10", "不合格", "县应急管理局"],
        ["陈十", "430626199912120011", UNIT, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["王五", None, UNIT, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["赵六", ZHAO, UNIT, "岗前培训", 24, "2026-04-02", "合格", "安定化工"],
    ]
    bad = sheet(tmp_path / "签到表.xlsx", SIGN_IN, sign_in, title="安全培训签到表")
    seen = {}
    import_from_page(qtbot, window, "培训", bad, answer_dialog, monkeypatch, looked_at_and_cancelled(seen))
    assert seen["title"] == "从 Excel 导入培训"
    assert list(seen["refused"]) == ["第 5 行"]
    assert "陈十" in seen["refused"]["第 5 行"] and "430626********0011" in seen["refused"]["第 5 行"]
    assert "未登记，不能导入" in seen["refused"]["第 5 行"] and not seen["can_import"]
    assert rows(session, "SELECT COUNT(*) FROM training") == [(0,)]
    assert rows(session, "SELECT COUNT(*) FROM person") == [(4,)]

    good = sheet(tmp_path / "签到表（改）.xlsx", SIGN_IN, sign_in[:2] + sign_in[3:], title="安全培训签到表")
    seen = {}
    import_from_page(qtbot, window, "培训", good, answer_dialog, monkeypatch, imported(qtbot, seen))
    assert seen["button"] == "导入 2 条" and "参训人员 4 人次" in seen["summary"]
    qtbot.waitUntil(lambda: any(t.startswith("已导入培训 2 条") for t in said), timeout=15000)
    assert rows(session, "SELECT date, training_type, hours, organiser, attendee_count, passed_count FROM training"
                         " ORDER BY date") == [("2026-03-10", "年度再培训", 8, "县应急管理局", 3, 2),
                                               ("2026-04-02", "岗前培训", 24, "安定化工", 1, 1)]
    assert sorted(rows(session, "SELECT p.name, t.date, a.result FROM training_attendee a JOIN person p"
                                " ON p.id = a.person_id JOIN training t ON t.id = a.training_id")) == [
        ("张三", "2026-03-10", "合格"), ("李四", "2026-03-10", "不合格"), ("王五", "2026-03-10", "合格"),
        ("赵六", "2026-04-02", "合格")]

    # 证书: a holder found by name alone is taken with a hint to check it; a certificate type nobody issues is
    # refused by row.
    certs = [
        ["李四", LI, "特种作业操作证", "低压电工作业", "T430626198507150028", "2024-05-10", None, None, "岳阳市应急管理局"],
        ["王五", None, "特种设备作业人员证", "叉车司机", "TS-0099", "2022-01-01", "2026-12-31", None, "岳阳市市场监管局"],
        ["张三", ZHANG, "驾驶证", "C1", "B-1", "2024-05-10", "2030-01-01", None, "公安"],
    ]
    bad = sheet(tmp_path / "持证名单.xlsx", CERTS, certs, title="持证人员名单")
    seen = {}
    import_from_page(qtbot, window, "证书", bad, answer_dialog, monkeypatch, looked_at_and_cancelled(seen))
    assert seen["title"] == "从 Excel 导入证书"
    assert list(seen["refused"]) == ["第 5 行"] and "证书类别“驾驶证”无法识别" in seen["refused"]["第 5 行"]
    assert rows(session, "SELECT COUNT(*) FROM certificate") == [(0,)]

    good = sheet(tmp_path / "持证名单（改）.xlsx", CERTS, certs[:2], title="持证人员名单")
    seen = {}

    def check_the_hint_then_import(dialog):
        hints = {dialog.warnings.item(r, 0).text(): dialog.warnings.item(r, 1).text()
                 for r in range(dialog.warnings.rowCount())}
        seen["hints"] = hints
        imported(qtbot, seen)(dialog)

    import_from_page(qtbot, window, "证书", good, answer_dialog, monkeypatch, check_the_hint_then_import)
    assert "按姓名匹配到已登记的人员“王五”，请核对是否同一人员" in seen["hints"]["第 4 行"]
    qtbot.waitUntil(lambda: any(t.startswith("已导入证书 2 条") for t in said), timeout=15000)
    assert sorted(rows(session, "SELECT p.name, c.cert_type, c.cert_no, c.valid_until, c.review_due FROM certificate c"
                                " JOIN person p ON p.id = c.person_id")) == [
        ("李四", "特种作业操作证", "T430626198507150028", "2030-05-10", "2027-05-10"),
        ("王五", "特种设备作业人员证", "TS-0099", "2026-12-31", None)]
