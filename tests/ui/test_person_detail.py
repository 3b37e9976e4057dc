"""人员 page: the detail panel of the chosen person says the trainings they attended (with their own 考核结果) and
the certificates they hold with how each stands today (有效, 即将到期 within the 待办 list's 60 days, 已失效), the
latest first, above the history; a person with none says so."""

from __future__ import annotations

import pytest

from pjdesk.services.records import delete_record, kind_named, save_record

PEOPLE, TRAININGS, CERTIFICATES = kind_named("people"), kind_named("trainings"), kind_named("certificates")


@pytest.fixture
def people(session, unit):
    def person(name, number):
        return save_record(session, PEOPLE, {"name": name, "id_number": number, "unit_id": unit, "employment": "正式",
                                             "role_class": "特种作业人员"}).id
    return person("张三", "430626199001011236"), person("李四", "430626198507150028")


def text_of(window, person_id):
    window.show_page("人员")
    page = window.page("人员")
    assert page.select_record(person_id)
    return page.detail.toPlainText()


def test_the_detail_of_a_person_lists_their_trainings_and_certificates(qtbot, window, session, people):
    zhang, li = people
    save_record(session, TRAININGS, {"date": "2025-06-22", "training_type": "年度再培训", "hours": 8,
                                     "attendees": [{"person_id": zhang, "result": "合格"}, {"person_id": li}]})
    save_record(session, TRAININGS, {"date": "2026-11-19", "training_type": "特种作业培训", "hours": 16,
                                     "attendees": [{"person_id": zhang, "result": "不合格"}]})
    gone = save_record(session, TRAININGS, {"date": "2026-03-01", "training_type": "其他", "hours": 2,
                                            "attendees": [{"person_id": zhang}]}).id
    delete_record(session, TRAININGS, gone, "录重了")
    for values in ({"cert_type": "特种作业操作证", "work_class": "低压电工作业", "cert_no": "T1", "issued": "2024-05-10"},
                   {"cert_type": "特种设备作业人员证", "work_class": "叉车司机", "cert_no": "TS-2", "issued": "2021-01-01",
                    "valid_until": "2027-01-28"},  # 60 days after 2026-11-29: 即将到期, as the 待办 counts it
                   {"cert_type": "建筑施工特种作业操作资格证", "cert_no": "JZ-3", "issued": "2016-01-01",
                    "valid_until": "2026-11-28"}):
        save_record(session, CERTIFICATES, {"person_id": zhang, **values})

    text = text_of(window, zhang)
    lines = [line for line in text.splitlines() if line.strip()]
    trainings, certificates, history = (lines.index("培训记录（2）"), lines.index("持有证书（3）"), lines.index("修改记录"))
    assert trainings < certificates < history
    assert lines[trainings + 1:certificates] == ["日期", "类型", "学时", "考核",
                                                 "2026-11-19", "特种作业培训", "16", "不合格",
                                                 "2025-06-22", "年度再培训", "8", "合格"]
    assert lines[certificates + 1:history] == [  # the latest 初领日期 first
        "类别", "编号", "有效期至", "状态",
        "特种作业操作证（低压电工作业）", "T1", "2030-05-10", "有效",
        "特种设备作业人员证（叉车司机）", "TS-2", "2027-01-28", "即将到期",
        "建筑施工特种作业操作资格证", "JZ-3", "2026-11-28", "已失效",
    ]

    text = text_of(window, li)
    assert "培训记录（1）" in text and "2025-06-22" in text and "2026-11-19" not in text
    assert "持有证书（0）" in text and "T1" not in text
