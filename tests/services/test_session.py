"""Setting a station up, opening it, and the station at a glance."""

import datetime as dt
import json

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.kinds import KINDS
from pjdesk.core.unit import UNIT
from pjdesk.services.hazards import close_hazard, complete_rectification, record_hazard, review_hazard
from pjdesk.services.session import (
    COUNTY,
    DB_NAME,
    TOWNSHIP,
    init_station,
    open_session,
    resolve_data_dir,
    set_operator,
)
from pjdesk.services.status import station_status
from pjdesk.services.units import save_unit
from pjdesk.storage.migrations import SCHEMA_VERSION

TODAY = dt.date(2026, 11, 29)


# status --json counts every kind by its command-line name; a new kind joins with 0.
EVERY_KIND = {**{k.command: 0 for k in KINDS.values() if k.command},
              **dict.fromkeys(("hazards_open", "hazards_overdue", "hazards_major", "hazards_closed"), 0)}


def test_township_station(data_dir):
    session = init_station(data_dir, code=" 430626101 ", operator=" 张三 ", device_name="站里的电脑", today=lambda: TODAY)
    station = session.station
    assert (station.role, station.code, station.name, station.label) == (TOWNSHIP, "430626101", "安定镇",
                                                                          "安定镇（430626101）")
    assert not station.is_county and station.device_name == "站里的电脑" and len(station.device) == 10
    assert session.operator == "张三" and session.ready and session.today() == TODAY
    assert (data_dir / DB_NAME).exists()
    session.close()


def test_twelve_digit_code_is_stored_as_nine(data_dir):
    session = init_station(data_dir, code="430626002000", operator="张三")
    assert (session.station.code, session.station.name) == ("430626002", "天岳街道")
    session.close()


def test_county_station(data_dir):
    session = init_station(data_dir, code="430626", operator="赵六", county=True)
    assert session.station.role == COUNTY and session.station.is_county
    assert session.station.name == "平江县"
    session.close()


def test_county_needs_the_county_code(data_dir):
    with pytest.raises(PjdeskError, match="县级站点代码应为 430626（平江县），现为“430626101”"):
        init_station(data_dir, code="430626101", operator="赵六", county=True)


@pytest.mark.parametrize("code, words", [
    ("430626100", "已于 2019 年后撤销"),
    ("430626999", "不是平江县的乡镇街道代码"),
    ("430626", "不是平江县的乡镇街道代码"),  # the county code without --county
    ("", "不是平江县的乡镇街道代码"),
])
def test_wrong_township_code_is_refused_and_nothing_is_made(data_dir, code, words):
    with pytest.raises(PjdeskError, match=words):
        init_station(data_dir, code=code, operator="张三")
    assert not data_dir.exists()


@pytest.mark.parametrize("operator", ["", "   ", None])
def test_operator_is_required(data_dir, operator):
    with pytest.raises(PjdeskError, match="请填写操作员姓名"):
        init_station(data_dir, code="430626101", operator=operator)
    assert not data_dir.exists()


def test_init_again_with_the_same_code_keeps_the_device_and_the_data(session, unit, data_dir):
    device = session.station.device
    session.close()
    again = init_station(data_dir, code="430626101", operator="李四")
    assert again.station.device == device and again.operator == "李四"
    assert again.store.get(UNIT, unit)["name"] == "平江县安定化工有限公司"
    again.close()


def test_init_again_with_another_code_is_refused(session, data_dir):
    session.close()
    with pytest.raises(PjdeskError) as e:
        init_station(data_dir, code="430626102", operator="李四")
    assert "已设置为 安定镇（430626101）" in str(e.value) and "--data-dir" in str(e.value)
    reopened = open_session(data_dir)
    assert reopened.station.code == "430626101" and reopened.operator == "张三"
    reopened.close()


def test_open_session_on_a_fresh_directory_is_not_ready(tmp_path):
    session = open_session(tmp_path / "new")
    assert session.station is None and not session.ready
    with pytest.raises(PjdeskError, match="本机尚未设置站点"):
        session.require_station()
    with pytest.raises(PjdeskError, match="本机尚未设置站点"):
        save_unit(session, {"name": "安定化工", "sector": "危化"})
    session.close()


def test_open_session_finds_the_station_and_its_operator(session, data_dir):
    session.close()
    reopened = open_session(data_dir)
    assert reopened.station == session.station and reopened.operator == "张三"
    assert reopened.store.clock is not None and reopened.store.device == session.station.device
    reopened.close()
    other = open_session(data_dir, operator="王五")
    assert other.operator == "王五"
    other.close()


def test_set_operator(session, data_dir):
    with pytest.raises(PjdeskError, match="请填写操作员姓名"):
        set_operator(session, "  ")
    set_operator(session, "李四")
    assert session.operator == "李四"
    session.close()
    reopened = open_session(data_dir)
    assert reopened.operator == "李四"
    reopened.close()


def test_data_dir_from_argument_environment_or_default(tmp_path, monkeypatch):
    monkeypatch.setenv("PJDESK_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("PJDESK_DATA_DIR")
    assert resolve_data_dir().name == "pjdesk"


def test_reopen_gives_an_independent_connection(session, unit):
    other = session.reopen()
    assert other.store.db.conn is not session.store.db.conn
    assert other.station == session.station and other.operator == session.operator and other.today() == TODAY
    assert other.store.get(UNIT, unit)["name"] == "平江县安定化工有限公司"
    other.close()


def test_status_json(session, unit):
    first = record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞", "deadline": "2026-11-20",
                                    "found_date": "2026-11-01"}).id
    record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接", "level": "重大"})
    complete_rectification(session, first, "2026-11-10")  # before its deadline: rectified, not overdue
    status = station_status(session)
    assert json.loads(json.dumps(status, ensure_ascii=False)) == {
        "station": {"role": "township", "code": "430626101", "name": "安定镇"},
        "schema_version": SCHEMA_VERSION,
        "counts": {**EVERY_KIND, "units": 1, "hazards": 2, "hazards_open": 2, "hazards_overdue": 0,
                 "hazards_major": 1, "hazards_closed": 0},
        "held_back": {},
        "hazard_numbers": {"letter": "A", "clashes": []},
    }
    review_hazard(session, first, "2026-11-12", passed=True, reviewer="李四")
    close_hazard(session, first, "2026-11-13")
    counts = station_status(session)["counts"]
    assert (counts["hazards_open"], counts["hazards_overdue"], counts["hazards_closed"]) == (1, 0, 1)


def test_status_of_a_fresh_directory(tmp_path):
    session = open_session(tmp_path / "new")
    status = station_status(session)
    assert status["station"] is None
    assert status["counts"] == {**EVERY_KIND, "units": 0, "hazards": 0, "hazards_open": 0, "hazards_overdue": 0,
                 "hazards_major": 0, "hazards_closed": 0}
    session.close()
