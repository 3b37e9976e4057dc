"""The three sheets units keep about their people, imported with the engine's preview: a roster (花名册), a
training sign-in sheet (one attendee a row; rows of one day, type, 学时 and 培训机构 are one training) and a
certificate list. People are found by 身份证号, else by name within the unit; a person nobody registered is
refused by row, never invented. Checked by the rows in the database and the message for each bad row."""

from __future__ import annotations

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.services.record_import import import_records, preview_records
from pjdesk.services.units import save_unit

CODE = "91310110666007217T"
ZHANG = "430626199001011236"  # check digits right
LI = "430626198507150028"
WANG = "430626197203300010"
WRONG = "430626199001011231"  # ZHANG with a wrong check digit (应为 6)
ROSTER = ["序号", "姓名", "身份证号", "单位名称", "统一社会信用代码", "岗位类别", "用工形式", "入职日期", "离岗日期"]
SIGN_IN = ["序号", "姓名", "身份证号", "单位名称", "培训类型", "学时", "培训日期", "考核结果", "培训机构"]
CERTS = ["序号", "姓名", "身份证号", "证书类别", "作业类别", "证书编号", "初领日期", "有效期至", "下次复审日期", "发证机关"]


def sheet(path, header, rows, title="花名册"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
    ws.append([])
    ws.append(["填表人：张三"])
    wb.save(path)
    return path


def rows(session, sql):
    return [tuple(r) for r in session.store.db.execute(sql)]


@pytest.fixture
def unit(session):
    return save_unit(session, {"name": "平江县安定化工有限公司", "uscc": CODE, "sector": "危化", "is_high_risk": 1}).id


@pytest.fixture
def roster(session, unit, tmp_path):
    path = sheet(tmp_path / "花名册.xlsx", ROSTER, [
        ["张三", ZHANG, "平江县安定化工有限公司", CODE, "专职安全管理人员", "正式", "2020-03-01", None],
        ["李四", LI, "平江县安定化工有限公司", None, "特种作业人员（电工）", "劳务派遣", "2026-02-01", None],
        ["王五", None, "平江县安定化工有限公司", CODE, "班组长", "灵活用工", "2019-05-01", "2026-06-30"],
    ])
    import_records(session, "people", path)
    return {name: pid for name, pid in rows(session, "SELECT name, id FROM person")}


def test_a_roster_is_imported(session, roster, unit):
    assert sorted(rows(session, "SELECT name, id_number, unit_id, role_class, employment, hired, left_on FROM person")) == [
        ("张三", ZHANG, unit, "专职安全管理人员", "正式", "2020-03-01", None),
        ("李四", LI, unit, "特种作业人员", "劳务派遣", "2026-02-01", None),
        ("王五", None, unit, "班组长", "灵活用工", "2019-05-01", "2026-06-30"),
    ]
    assert rows(session, "SELECT COUNT(*) FROM unit") == [(1,)], "the unit is found by its code and name"


def test_a_roster_with_bad_rows_writes_nothing_and_names_them(session, unit, tmp_path):
    path = sheet(tmp_path / "花名册.xlsx", ROSTER, [
        ["张三", WRONG, "平江县安定化工有限公司", CODE, "专职安全管理人员", "正式", "2020-03-01", None],
        ["李四", LI, "平江县安定化工有限公司", None, "一般从业人员", "正式", "2026-02-01", "2026-01-01"],
        ["赵六", "110105491231002", "平江县安定化工有限公司", None, "岗位", "正式", None, None],
        ["钱七", LI, "平江县安定化工有限公司", None, "一般从业人员", "正式", None, None],
        ["孙八", None, "平江县安定化工有限公司", None, "一般从业人员", "临时工", None, None],
    ])
    preview = preview_records(session, "people", path)
    refused = {issue.row: issue.reason for issue in preview.refused}
    assert "校验位错误（应为 6）" in refused[3]
    assert "离岗日期不能早于入职日期" in refused[4]
    assert "15 位旧身份证号" in refused[5] and "证件说明" in refused[5]
    assert f"身份证号 {LI} 与第 4 行相同" in refused[6]
    assert set(refused) == {3, 4, 5, 6}
    assert [r.values["employment"] for r in preview.rows] == ["灵活用工"]  # 临时工: 灵活用工
    with pytest.raises(PjdeskError, match="第 3 行"):
        import_records(session, "people", path)
    assert rows(session, "SELECT COUNT(*) FROM person") == [(0,)]


def test_a_roster_read_again_skips_who_is_registered(session, roster, unit, tmp_path):
    path = sheet(tmp_path / "花名册2.xlsx", ROSTER, [
        ["张三", ZHANG, "平江县安定化工有限公司", CODE, "专职安全管理人员", "正式", "2020-03-01", None],
        ["周九", "43062620000101001X", "平江县安定化工有限公司", CODE, "一般从业人员", "正式", "2026-08-01", None],
    ])
    preview = preview_records(session, "people", path)
    assert [r.values["name"] for r in preview.rows] == ["周九"]
    [again] = [issue for issue in preview.skipped if issue.row == 3]
    assert "与已登记的人员 张三 相同" in again.reason


def test_a_sign_in_sheet_makes_one_training_per_session(session, roster, tmp_path):
    unit_name = "平江县安定化工有限公司"
    path = sheet(tmp_path / "签到表.xlsx", SIGN_IN, [
        ["张三", ZHANG, unit_name, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["李四", LI, unit_name, "年度再培训", 8, "2026-03-10", "不合格", "县应急管理局"],
        ["王五", None, unit_name, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],  # by name in the unit
        ["张三", ZHANG, unit_name, "特种作业培训", "16", "2026-04-02", "通过", "岳阳市安全培训中心"],
    ], title="安全培训签到表")
    result = import_records(session, "trainings", path)
    assert "参训人员 4 人次" in result.summary()
    got = rows(session, "SELECT t.date, t.training_type, t.hours, t.organiser, t.attendee_count, t.passed_count"
                        " FROM training t ORDER BY t.date")
    assert got == [("2026-03-10", "年度再培训", 8, "县应急管理局", 3, 2),
                   ("2026-04-02", "特种作业培训", 16, "岳阳市安全培训中心", 1, 1)]
    attended = rows(session, "SELECT p.name, t.date, a.result FROM training_attendee a JOIN person p ON p.id = a.person_id"
                             " JOIN training t ON t.id = a.training_id ORDER BY t.date, p.name")
    assert sorted(attended) == sorted([("张三", "2026-03-10", "合格"), ("李四", "2026-03-10", "不合格"),
                                       ("王五", "2026-03-10", "合格"), ("张三", "2026-04-02", "合格")])


def test_a_sign_in_sheet_refuses_who_is_not_registered(session, roster, tmp_path):
    unit_name = "平江县安定化工有限公司"
    path = sheet(tmp_path / "签到表.xlsx", SIGN_IN, [
        ["张三", ZHANG, unit_name, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["陈十", "430626199912120011", unit_name, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["张三", ZHANG, unit_name, "年度再培训", 8, "2026-03-10", "合格", "县应急管理局"],
        ["李四", LI, unit_name, "年度再培训", "半天", "2026-03-10", "合格", "县应急管理局"],
        ["李四", LI, unit_name, "消防演练", 8, "2026-03-10", "合格", "县应急管理局"],
    ], title="安全培训签到表")
    preview = preview_records(session, "trainings", path)
    refused = {issue.row: issue.reason for issue in preview.refused}
    assert "未登记" in refused[4] and "430626********0011" in refused[4] and "陈十" in refused[4]
    assert "与第 3 行是同一次培训的同一参训人员" in refused[5]
    assert "学时“半天”应为整数" in refused[6]
    assert "培训类型“消防演练”无法识别" in refused[7]
    assert set(refused) == {4, 5, 6, 7}
    with pytest.raises(PjdeskError):
        import_records(session, "trainings", path)
    assert rows(session, "SELECT COUNT(*) FROM training") == [(0,)]
    assert rows(session, "SELECT COUNT(*) FROM person") == [(3,)], "nobody invented"


def test_a_certificate_list(session, roster, tmp_path):
    path = sheet(tmp_path / "证书.xlsx", CERTS, [
        ["李四", LI, "特种作业操作证", "低压电工作业", "T430626198507150028", "2024-05-10", None, None, "岳阳市应急管理局"],
        ["张三", ZHANG, "安全生产知识和管理能力考核合格证", "危险化学品生产单位安全生产管理人员", "HN2023-0001",
         "2023-06-01", "2026-05-31", None, "湖南省应急管理厅"],
        ["王五", None, "特种设备作业人员证", "叉车司机", "TS-0099", "2022-01-01", "2026-12-31", None, "岳阳市市场监管局"],
    ], title="持证人员名单")
    import_records(session, "certificates", path)
    got = rows(session, "SELECT p.name, c.cert_type, c.valid_until, c.review_due FROM certificate c"
                        " JOIN person p ON p.id = c.person_id ORDER BY p.name")
    assert sorted(got) == sorted([("李四", "特种作业操作证", "2030-05-10", "2027-05-10"),
                                  ("张三", "安全生产知识和管理能力考核合格证", "2026-05-31", None),
                                  ("王五", "特种设备作业人员证", "2026-12-31", None)])


def test_a_certificate_list_with_bad_rows(session, roster, tmp_path):
    path = sheet(tmp_path / "证书.xlsx", CERTS, [
        ["李四", LI, "特种作业操作证", "低压电工作业", "T1", "2024-05-10", None, None, "岳阳市应急管理局"],
        ["吴十一", None, "特种作业操作证", "焊接与热切割作业", "T2", "2024-05-10", None, None, "岳阳市应急管理局"],
        ["张三", ZHANG, "特种设备作业人员证", "叉车司机", "T3", "2024-05-10", None, None, "岳阳市市场监管局"],
        ["张三", ZHANG, "驾驶证", "C1", "T4", "2024-05-10", "2030-01-01", None, "公安"],
        ["张三", ZHANG, "特种设备作业人员证", "叉车司机", "T5", "2024-05-10", "2020-01-01", None, "岳阳市市场监管局"],
    ], title="持证人员名单")
    preview = preview_records(session, "certificates", path)
    refused = {issue.row: issue.reason for issue in preview.refused}
    assert "人员（姓名 吴十一）未登记" in refused[4]
    assert "有效期至" in refused[5]
    assert "证书类别“驾驶证”无法识别" in refused[6]
    assert "有效期至不能早于初领日期" in refused[7]
    assert set(refused) == {4, 5, 6, 7}
    assert rows(session, "SELECT COUNT(*) FROM certificate") == [(0,)]


def test_a_name_alone_matching_two_people_is_refused(session, roster, unit, tmp_path):
    other = save_unit(session, {"name": "平江县安定建材厂", "sector": "工贸其他"}).id
    from pjdesk.services.records import kind_named, save_record

    save_record(session, kind_named("people"), {"name": "王五", "unit_id": other, "role_class": "一般从业人员",
                                               "employment": "正式"})
    path = sheet(tmp_path / "证书.xlsx", CERTS, [
        ["王五", None, "特种设备作业人员证", "叉车司机", "TS-1", "2022-01-01", "2026-12-31", None, "市场监管局"],
    ])
    [issue] = preview_records(session, "certificates", path).refused
    assert issue.row == 3 and "有 2 个" in issue.reason and "请填写身份证号" in issue.reason
