"""事故、森林火灾、道路交通抽查、有奖举报、曝光、会议 through the record engine: sheets as offices keep them imported
(hectares with decimals, losses in 万元), a bad row refused by its sheet row, and the records travelling to the
county with their derived 等级."""

from __future__ import annotations

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.plan_records import ACCIDENT, EXPOSURE, FIRE, MEETING, REWARD, ROAD_CHECK
from pjdesk.services import sync
from pjdesk.services.record_export import export_records
from pjdesk.services.record_import import import_records, preview_records
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from tests.conftest import TODAY


def sheet(path, title, header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append([f"安定镇{title}（2026年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
    ws.append(["填表人：张三", None, "审核人：李四"])
    wb.save(path)
    return path


def rows(session, table, order):
    return session.store._rows(f"SELECT * FROM {table} WHERE deleted = 0 ORDER BY {order}")


def test_an_accident_sheet_imports_with_its_loss_in_wanyuan_and_its_level(session, unit):
    path = sheet(session.data_dir / "事故.xlsx", "事故统计", [
        "序号", "发生日期", "事故单位", "行业", "地点", "事故类别", "死亡", "失踪", "重伤", "直接经济损失（万元）", "事故简况",
        "生产安全事故"], [
        ["2026-03-05", "平江县安定化工有限公司", "制造业", "安定村储罐区", "中毒和窒息", 2, 1, 0, 150.5,
         "清罐作业三人中毒窒息", "是"],
        ["2026/7/19", "安定镇华丰建材店", "批发和零售业", "安定镇集镇", "高处坠落", 1, 0, 0, 30, "装卸货物坠落", "是"],
    ])

    result = import_records(session, "accidents", path)

    got = [(r["occurred"], r["category"], r["deaths"], r["missing"], r["loss"], r["level"], r["is_production"])
           for r in rows(session, "accident", "occurred")]
    assert got == [("2026-03-05", "中毒和窒息", 2, 1, 150_500_000, "较大", 1),
                   ("2026-07-19", "高处坠落", 1, 0, 30_000_000, "一般", 1)]
    assert rows(session, "accident", "occurred")[0]["unit_id"] == unit
    assert len(result.record_ids) == 2


def test_a_fire_sheet_keeps_hectares_to_the_hundredth_and_refuses_a_bad_area_by_its_row(session):
    header = ["序号", "起火日期", "村", "过火面积（公顷）", "受害森林面积（公顷）", "起火原因", "死亡", "重伤"]
    good = [["2026-02-14", "栗山村", 1.35, "1.2公顷", "祭祀用火", 0, 0],
            ["2026-03-02", "安定村", 0.4, 0, "农事用火", 0, 0]]
    path = sheet(session.data_dir / "火灾.xlsx", "森林火灾", header, good)

    import_records(session, "fires", path)

    assert [(r["village"], r["burned_ha100"], r["forest_ha100"], r["level"]) for r in rows(session, "fire", "date")] == [
        ("栗山村", 135, 120, "较大"), ("安定村", 40, 0, "一般")]

    bad = sheet(session.data_dir / "火灾2.xlsx", "森林火灾", header, [
        ["2026-04-02", "洪家村", "约两亩", 0, "烧荒", 0, 0],
        ["2026-04-03", "洪家村", 0.5, 0.8, "烧荒", 0, 0]])
    with pytest.raises(PjdeskError) as refused:
        import_records(session, "fires", bad)
    message = str(refused.value)
    assert "第 3 行" in message and "过火面积（公顷）“约两亩”应为数字（可带两位小数）" in message
    assert "第 4 行" in message and "受害森林面积不能大于过火面积" in message
    assert len(rows(session, "fire", "date")) == 2  # nothing of the bad sheet was written


def test_road_checks_rewards_exposures_and_meetings_import_from_their_sheets(session, unit):
    import_records(session, "road_checks", sheet(session.data_dir / "抽查.xlsx", "道路交通抽查", [
        "序号", "日期", "地点", "观测人数", "戴头盔人数", "检查车辆", "非法改装"], [
        ["2026-11-03", "106国道安定路口", 120, 103, 15, 2], ["2026-11-17", "安定中学门口", 80, 77, 0, 0]]))
    import_records(session, "rewards", sheet(session.data_dir / "举报.xlsx", "有奖举报", [
        "序号", "受理日期", "举报事项", "核实结果", "奖励金额", "兑现日期"], [
        ["2026-10-08", "无证加油点", "属实", 500, "2026-10-30"], ["2026-11-02", "仓库堵塞通道", "核查中", None, None]]))
    import_records(session, "exposures", sheet(session.data_dir / "曝光.xlsx", "曝光", [
        "序号", "日期", "单位", "违法事实", "渠道", "批次"], [
        ["2026-09-30", "平江县安定化工有限公司", "未按规定开展动火作业审批", "平江县融媒体中心", "第3批"]]))
    import_records(session, "meetings", sheet(session.data_dir / "会议.xlsx", "会议", [
        "序号", "会议日期", "会议类型", "主持人", "参会人数", "议题"], [
        ["2026-11-06", "安委办分析研判会", "李镇长", 18, "分析 10 月安全形势，部署冬季森林防火"]]))

    assert [(r["riders"], r["helmeted"], r["vehicles"], r["modified"]) for r in rows(session, "road_check", "date")] == [
        (120, 103, 15, 2), (80, 77, 0, 0)]
    assert [(r["verified"], r["amount"], r["paid_on"]) for r in rows(session, "reward", "received")] == [
        ("属实", 50_000, "2026-10-30"), ("核查中", None, None)]
    [exposure] = rows(session, "exposure", "date")
    assert (exposure["unit_id"], exposure["batch"]) == (unit, "第3批")
    [meeting] = rows(session, "meeting", "date")
    assert (meeting["meeting_type"], meeting["attendees"]) == ("安委办分析研判会", 18)


def test_exported_fires_and_accidents_read_back_with_their_decimals(session, unit, tmp_path):
    save_record(session, FIRE, {"date": "2026-03-01", "village": "栗山村", "burned_ha100": 1235, "forest_ha100": 1001})
    save_record(session, ACCIDENT, {"occurred": "2026-06-02", "unit_id": unit, "category": "灼烫", "deaths": 1,
                                    "summary": "反应釜泄漏灼烫", "is_production": 1, "loss": 123_456})
    fires, accidents = tmp_path / "火灾.xlsx", tmp_path / "事故.xlsx"
    export_records(session, "fires", fires)
    export_records(session, "accidents", accidents)

    ws = openpyxl.load_workbook(fires).active
    header = [c.value for c in ws[3]]
    assert ws.cell(row=4, column=header.index("受害森林面积（公顷）") + 1).value == 10.01
    assert ws.cell(row=4, column=header.index("等级") + 1).value == "较大"
    other = init_station(tmp_path / "other", code="430626102", operator="李四", today=lambda: TODAY)
    try:
        [fire] = preview_records(other, "fires", fires).rows
        assert (fire.values["burned_ha100"], fire.values["forest_ha100"]) == (1235, 1001)
        preview = preview_records(other, "accidents", accidents)
        assert not preview.refused and preview.new_units == 1
        assert preview.rows[0].values["loss"] == 123_456
    finally:
        other.close()


@pytest.fixture
def county(tmp_path):
    """The county after 安定镇 sent its accident, fire, road check, reward, exposure and meeting."""
    county = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    town = init_station(tmp_path / "town", code="430626101", operator="站长", today=lambda: TODAY)
    unit = save_unit(town, {"name": "安定化工", "sector": "危化", "is_high_risk": 1}).id
    save_record(town, ACCIDENT, {"occurred": "2026-06-02", "unit_id": unit, "category": "灼烫", "deaths": 3,
                                 "summary": "反应釜泄漏灼烫", "is_production": 1, "loss": 2_000_000_00})
    save_record(town, FIRE, {"date": "2026-03-01", "village": "栗山村", "burned_ha100": 250, "forest_ha100": 99})
    save_record(town, ROAD_CHECK, {"date": "2026-11-03", "place": "安定路口", "riders": 50, "helmeted": 41})
    save_record(town, REWARD, {"received": "2026-10-08", "matter": "无证加油点", "verified": "属实", "amount": 50_000,
                               "paid_on": "2026-10-30"})
    save_record(town, EXPOSURE, {"date": "2026-09-30", "party_name": "李某无证加工点", "facts": "无证生产"})
    save_record(town, MEETING, {"date": "2026-11-06", "meeting_type": "专班联席会议", "topics": "冬季防火"})
    [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
    assert result.status == "accepted", result.message
    return county


def test_the_six_kinds_travel_to_the_county_with_their_levels(county):
    [accident] = rows(county, "accident", "occurred")
    assert (accident["township"], accident["deaths"], accident["level"]) == ("430626101", 3, "较大")
    [fire] = rows(county, "fire", "date")
    assert (fire["forest_ha100"], fire["level"]) == (99, "一般")
    assert [len(rows(county, t, "id")) for t in ("road_check", "reward", "exposure", "meeting")] == [1, 1, 1, 1]
