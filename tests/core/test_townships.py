"""The 25 townships and streets of 平江县 plus the high-tech park, and what a wrong code is told."""

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.townships import COUNTY_CODE, county_name, station_name, township, townships

NBS_2023 = {
    "430626001": "汉昌街道", "430626002": "天岳街道", "430626101": "安定镇", "430626102": "三市镇",
    "430626103": "加义镇", "430626104": "长寿镇", "430626105": "龙门镇", "430626106": "虹桥镇",
    "430626107": "南江镇", "430626108": "梅仙镇", "430626109": "浯口镇", "430626110": "瓮江镇",
    "430626111": "伍市镇", "430626112": "向家镇", "430626113": "童市镇", "430626114": "岑川镇",
    "430626115": "福寿山镇", "430626116": "余坪镇", "430626117": "石牛寨镇", "430626118": "上塔市镇",
    "430626200": "三阳乡", "430626205": "木金乡", "430626208": "板江乡", "430626209": "大洲乡",
    "430626210": "三墩乡",
}


def test_the_25_townships_and_the_park():
    listed = {t.code: t.name for t in townships()}
    parks = {code: name for code, name in listed.items() if code not in NBS_2023}
    assert {code: listed[code] for code in NBS_2023} == NBS_2023
    assert list(parks.values()) == ["平江高新区"]
    assert township(next(iter(parks))).kind == "园区"


@pytest.mark.parametrize("code, kind", [("430626001", "街道"), ("430626118", "镇"), ("430626210", "乡")])
def test_kind_follows_the_code_band(code, kind):
    assert township(code).kind == kind


def test_code_lookup_trims_spaces():
    assert township(" 430626101 ").name == "安定镇"


def test_twelve_digit_form_is_accepted():
    assert township("430626101000").code == "430626101"


def test_retired_code_names_its_successors():
    with pytest.raises(PjdeskError) as e:
        township("430626100")
    message = str(e.value)
    assert "汉昌镇" in message and "撤销" in message
    assert "430626001 汉昌街道" in message and "430626002 天岳街道" in message


@pytest.mark.parametrize("code", ["430626199", "43062610", "430626101001", "", "abc"])
def test_unknown_code_is_refused_with_an_example(code):
    with pytest.raises(PjdeskError) as e:
        township(code)
    assert "不是平江县的乡镇街道代码" in str(e.value)
    assert "430626101 安定镇" in str(e.value)


def test_station_names():
    assert station_name("430626101") == "安定镇"
    assert station_name(COUNTY_CODE) == county_name() == "平江县"
