"""A sheet exported from the 人员 page, imported again: its 身份证号 are masked (430626********1236), its 联系电话
too. A masked number that fits exactly one registered person of the unit by name and the visible digits is that
person (the row is skipped: the masked value never overwrites the whole number); anything else is refused by row,
saying why. A person registered without a number is not registered twice. Checked by the rows in the database and
the message for each row."""

from __future__ import annotations

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.services.record_export import export_records
from pjdesk.services.record_import import import_records, preview_records
from pjdesk.services.records import kind_named, save_record
from pjdesk.services.units import save_unit
from tests.services.test_people_import import CERTS, CODE, LI, ZHANG, sheet

PEOPLE = kind_named("people")
ZHANG_TWIN = "430626199202091236"  # another 张三's number with the same visible digits (430626********1236)
NEW = "43062620000101001X"


def rows(session, sql):
    return [tuple(r) for r in session.store.db.execute(sql)]


@pytest.fixture
def people(session, unit):
    for values in ({"name": "张三", "id_number": ZHANG, "role_class": "专职安全管理人员", "phone": "13812345678"},
                   {"name": "李四", "id_number": LI, "role_class": "特种作业人员", "hired": "2026-02-01"},
                   {"name": "王五", "role_class": "班组长"}):
        save_record(session, PEOPLE, {"unit_id": unit, "employment": "正式", **values})
    return rows(session, "SELECT id, name, id_number, phone FROM person ORDER BY name")


def exported(session, path):
    export_records(session, "people", path)
    book = openpyxl.load_workbook(path)
    grid = [list(r) for r in book.active.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(grid) if r[:3] == ["序号", "姓名", "身份证号"])
    return book, grid, header


def test_an_export_of_the_people_page_imports_again_changing_nothing(session, people, tmp_path):
    path = tmp_path / "花名册.xlsx"
    _, grid, header = exported(session, path)
    numbers = {r[1]: r[2] for r in grid[header + 1:] if r[1]}
    assert numbers == {"张三": "430626********1236", "李四": "430626********0028", "王五": None}

    preview = preview_records(session, "people", path)
    assert preview.refused == [] and preview.rows == []
    skipped = {issue.row: issue.reason for issue in preview.skipped}
    first = header + 2  # the sheet's row numbers, as Excel shows them
    assert skipped[first] == ("与已登记的人员 张三 相同（身份证号隐去了部分数字，按单位名称、姓名和可见的数字核对为同一人员），"
                              "已跳过，不重复导入")
    assert "与已登记的人员 李四 相同" in skipped[first + 1]
    assert skipped[first + 2] == "与已登记的人员 王五 相同（同一单位名称、姓名，均未填身份证号），已跳过，不重复导入"
    assert "中没有新的人员信息可导入" in preview.refusal()
    with pytest.raises(PjdeskError, match="没有新的人员信息可导入"):
        import_records(session, "people", path)
    assert rows(session, "SELECT id, name, id_number, phone FROM person ORDER BY name") == people


def test_an_export_with_new_people_added_imports_only_them(session, people, unit, tmp_path):
    path = tmp_path / "花名册.xlsx"
    book, grid, header = exported(session, path)
    sheet_ = book.active
    # A new hire typed under the exported rows, his phone copied from a masked cell by mistake.
    sheet_.append([4, "赵六", NEW, None, "平江县安定化工有限公司", CODE, "一般从业人员", "正式", "2026-11-02", None, None,
                   "139****0000", None])
    book.save(path)
    result = import_records(session, "people", path)
    assert len(result.record_ids) == 1
    assert [w for w in result.warnings if "联系电话" in w] == [
        f"第 {header + 5} 行：联系电话“139****0000”隐去了部分数字（从 pjdesk 导出的表），未导入该项；请填写完整的联系电话"]
    assert rows(session, "SELECT name, id_number, phone, unit_id FROM person WHERE name = '赵六'") == [
        ("赵六", NEW, None, unit)]
    assert rows(session, "SELECT id, name, id_number, phone FROM person WHERE name != '赵六' ORDER BY name") == people


def test_a_masked_number_that_fits_nobody_or_two_people_is_refused(session, people, unit, tmp_path):
    save_record(session, PEOPLE, {"name": "张三", "id_number": ZHANG_TWIN, "unit_id": unit, "employment": "正式",
                                  "role_class": "一般从业人员"})
    elsewhere = save_unit(session, {"name": "平江县安定建材厂", "sector": "工贸其他"}).id
    save_record(session, PEOPLE, {"name": "孙八", "id_number": "430626197707070028", "unit_id": elsewhere,
                                  "employment": "正式", "role_class": "一般从业人员"})
    path = tmp_path / "花名册.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["序号", "姓名", "身份证号", "单位", "岗位类别", "用工形式"])
    book.active.append([1, "张三", "430626********1236", "平江县安定化工有限公司", "一般从业人员", "正式"])  # two fit
    book.active.append([2, "李四", "430626********9999", "平江县安定化工有限公司", "一般从业人员", "正式"])  # digits differ
    book.active.append([3, "孙八", "430626********0028", "平江县安定化工有限公司", "一般从业人员", "正式"])  # another unit
    book.active.append([4, "周九", "430626********0011", "平江县新开酒楼", "一般从业人员", "正式"])  # an unknown unit
    book.save(path)
    preview = preview_records(session, "people", path)
    refused = {issue.row: issue.reason for issue in preview.refused}
    assert refused[2] == ("身份证号 430626********1236，姓名 张三，单位名称 平江县安定化工有限公司：单位名称、姓名相同、"
                          "身份证号可见数字也相符的人员有 2 个，无法确定是哪一个；请填写完整的身份证号")
    assert refused[3] == ("身份证号 430626********9999，姓名 李四，单位名称 平江县安定化工有限公司：身份证号隐去了部分数字"
                          "（从 pjdesk 导出的表），没有单位名称、姓名相同、身份证号可见数字相符的已登记人员；请填写完整的身份证号")
    assert "没有单位名称、姓名相同、身份证号可见数字相符的已登记人员" in refused[4]
    assert refused[5] == ("身份证号 430626********0011隐去了部分数字（从 pjdesk 导出的表），单位“平江县新开酒楼”又未登记，"
                          "无法核对是哪一位人员；请填写完整的身份证号")
    assert set(refused) == {2, 3, 4, 5} and preview.new_units == 0
    with pytest.raises(PjdeskError, match="第 2 行"):
        import_records(session, "people", path)
    assert rows(session, "SELECT COUNT(*) FROM person") == [(5,)]
    assert rows(session, "SELECT COUNT(*) FROM person WHERE id_number LIKE '%*%'") == [(0,)]


def test_a_certificate_list_naming_holders_by_a_masked_number(session, people, tmp_path):
    path = sheet(tmp_path / "证书.xlsx", CERTS, [
        ["李四", "430626********0028", "特种作业操作证", "低压电工作业", "T1", "2024-05-10", None, None, "岳阳市应急管理局"],
        ["张三", "430626********0000", "特种作业操作证", "焊接与热切割作业", "T2", "2024-05-10", None, None, "岳阳市应急管理局"],
    ], title="持证人员名单")
    preview = preview_records(session, "certificates", path)
    assert [issue.row for issue in preview.refused] == [4]
    assert preview.refused[0].reason == ("姓名 张三，身份证号 430626********0000：身份证号隐去了部分数字（从 pjdesk 导出的表），"
                                         "没有姓名相同、身份证号可见数字相符的已登记人员；请填写完整的身份证号")
    assert preview.warnings == [], "the visible digits bear the name out: no hint to check it"
    [li] = [p for p in people if p[1] == "李四"]
    assert [r.values["person_id"] for r in preview.rows] == [li[0]]


def test_a_certificate_export_imports_again(session, people, tmp_path):
    [zhang] = [p for p in people if p[1] == "张三"]
    save_record(session, kind_named("certificates"), {"person_id": zhang[0], "cert_type": "特种作业操作证",
                                                      "cert_no": "T1", "issued": "2024-05-10"})
    path = tmp_path / "证书名单.xlsx"
    export_records(session, "certificates", path)
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book.active[3]][:2] == ["序号", "人员"]  # the holder by name, under the field's label
    book.active.append([2, "张三", "特种设备作业人员证", "叉车司机", "TS-9", "2025-01-01", "2029-01-01", None, "市场监管局"])
    book.save(path)
    preview = preview_records(session, "certificates", path)
    assert preview.refused == []
    assert [issue.reason for issue in preview.skipped] == [
        "与已登记的证书 T1 相同（同一证书类别和证书编号），已跳过，不重复导入"]
    assert [(r.values["person_id"], r.values["cert_no"]) for r in preview.rows] == [(zhang[0], "TS-9")]
