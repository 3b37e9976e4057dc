"""The records that refer to a record, from the declarations alone: a person's certificates, and the trainings
they attended through the attendee rows (each with the row's own 考核结果); a unit's people and inspections;
deleted records left out; personal data masked as in any list."""

from __future__ import annotations

from pjdesk.core.inspection import INSPECTION
from pjdesk.services.records import delete_record, kind_named, save_record
from pjdesk.services.referring import referring_records

PEOPLE, TRAININGS, CERTIFICATES = kind_named("people"), kind_named("trainings"), kind_named("certificates")


def test_what_refers_to_a_person_and_to_a_unit(session, unit):
    zhang = save_record(session, PEOPLE, {"name": "张三", "id_number": "430626199001011236", "unit_id": unit,
                                          "employment": "正式", "role_class": "班组长"}).id
    early = save_record(session, TRAININGS, {"date": "2025-06-22", "training_type": "年度再培训", "hours": 8,
                                             "attendees": [{"person_id": zhang, "result": "不合格"}]}).id
    late = save_record(session, TRAININGS, {"date": "2026-10-09", "training_type": "三类人员培训", "hours": 16,
                                            "unit_id": unit, "attendees": [{"person_id": zhang}]}).id
    gone = save_record(session, CERTIFICATES, {"person_id": zhang, "cert_type": "特种作业操作证", "cert_no": "T0",
                                               "issued": "2020-01-01"}).id
    delete_record(session, CERTIFICATES, gone, "录错了")
    kept = save_record(session, CERTIFICATES, {"person_id": zhang, "cert_type": "特种作业操作证", "cert_no": "T1",
                                               "issued": "2024-05-10"}).id
    save_record(session, INSPECTION, {"unit_id": unit, "date": "2026-10-05", "mode": "日常巡查",
                                      "officers": [{"name": "赵六"}]})

    found = {(r.kind.name, r.via.name if r.via else None): r for r in referring_records(session, PEOPLE, zhang)}
    assert set(found) == {("certificate", None), ("training", "training_attendee")}
    assert found["certificate", None].total == 1 and [r["id"] for r in found["certificate", None].rows] == [kept]
    trainings = found["training", "training_attendee"]
    assert trainings.total == 2
    assert [(r["id"], r["via"]["result"]) for r in trainings.rows] == [(late, "合格"), (early, "不合格")]

    by_unit = {r.kind.name: r for r in referring_records(session, kind_named("units"), unit)}
    assert {name: r.total for name, r in by_unit.items()} == {"person": 1, "training": 1, "inspection": 1}
    assert by_unit["person"].rows[0]["id_number"] == "430626********1236"
