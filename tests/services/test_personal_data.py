"""Personal data: a 身份证号 is whole only in the person's own dialog (get_record); the list, the detail panel, its
history, the XLSX export and ``records list --json`` show it masked, and every export of it is logged."""

from __future__ import annotations

import openpyxl

from pjdesk.services.personal_data import export_log
from pjdesk.services.record_export import export_records, records_data
from pjdesk.services.records import get_record, kind_named, list_records, record_detail, save_record
from pjdesk.services.units import save_unit

NUMBER = "430626199001011236"
SHOWN = "430626********1236"


def person(session):
    unit = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"}).id
    people = kind_named("people")
    pid = save_record(session, people, {"name": "张三", "id_number": NUMBER, "unit_id": unit,
                                        "role_class": "班组长", "employment": "正式", "phone": "13812345678"}).id
    save_record(session, people, {"id_number": "430626198507150028"}, pid)
    return people, pid


def test_only_the_dialog_shows_the_whole_number(session):
    people, pid = person(session)
    assert get_record(session, people, pid)["id_number"] == "430626198507150028"
    [row] = list_records(session, people)
    assert row["id_number"] == "430626********0028"
    detail = record_detail(session, people, pid)
    assert detail["record"]["id_number"] == "430626********0028" and detail["record"]["phone"] == "138****5678"
    history = " ".join(e["detail"] for e in detail["history"])
    assert "430626********0028" in history and NUMBER not in history and "430626198507150028" not in history
    assert list_records(session, people, sort=("id_number", False))  # sorting still works on the stored value


def test_exports_mask_it_and_are_logged(session, tmp_path):
    people, _ = person(session)
    assert export_log(session) == []
    assert export_records(session, people, tmp_path / "人员.xlsx") == 1
    cells = [c for row in openpyxl.load_workbook(tmp_path / "人员.xlsx").active.iter_rows(values_only=True)
             for c in row if c]
    assert "430626********0028" in cells and not any("430626198507150028" in str(c) for c in cells)
    [data] = records_data(session, "people")
    assert data["id_number"] == "430626********0028" and data["phone"] == "138****5678"
    logged = export_log(session)
    assert [(e["operator"], e["rows"], e["target"]) for e in logged] == [("张三", 1, None), ("张三", 1, "人员.xlsx")]
    assert all("身份证号" in e["what"] for e in logged) and logged[1]["at"]
    records_data(session, "units")  # a kind without personal data is not logged
    assert len(export_log(session)) == 2
