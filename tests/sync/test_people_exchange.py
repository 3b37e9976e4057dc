"""People, a training with its attendees and a certificate travel township → county like any record: the county
holds them as the township's, the training's state (参训人数, 考核合格) derived again there, and the county's
list of them is masked as the township's is."""

from __future__ import annotations

from pjdesk.core.person import CERTIFICATE, PERSON, TRAINING
from pjdesk.services import sync
from pjdesk.services.records import list_records, save_record

from .conftest import accept, add_unit

ZHANG, LI = "430626199001011236", "430626198507150028"


def test_people_training_and_certificates_reach_the_county(pc, county, outbox):
    unit = add_unit(pc, "安定化工厂", sector="危化", is_high_risk=1)
    zhang = save_record(pc, PERSON, {"name": "张三", "id_number": ZHANG, "unit_id": unit, "role_class": "专职安全管理人员",
                                     "employment": "正式", "hired": "2020-03-01"}).id
    li = save_record(pc, PERSON, {"name": "李四", "id_number": LI, "unit_id": unit, "role_class": "特种作业人员",
                                  "employment": "劳务派遣"}).id
    training = save_record(pc, TRAINING, {"date": "2026-03-10", "training_type": "年度再培训", "hours": 8,
                                          "organiser": "县应急管理局", "unit_id": unit,
                                          "attendees": [{"person_id": zhang, "result": "合格"},
                                                        {"person_id": li, "result": "不合格"}]}).id
    cert = save_record(pc, CERTIFICATE, {"person_id": li, "cert_type": "特种作业操作证", "work_class": "低压电工作业",
                                         "cert_no": "T1", "issued": "2024-05-10"}).id
    accept(county, sync.export_bundle(pc, outbox))

    db = county.store.db
    assert db.execute("SELECT township, id_number, role_class FROM person WHERE id = ?", [zhang]).fetchone() == \
        (pc.station.code, ZHANG, "专职安全管理人员"), "the county holds the whole number"
    assert db.execute("SELECT attendee_count, passed_count, hours FROM training WHERE id = ?", [training]).fetchone() \
        == (2, 1, 8)
    assert sorted(db.execute("SELECT person_id, result FROM training_attendee WHERE training_id = ?", [training])) \
        == sorted([(zhang, "合格"), (li, "不合格")])
    assert db.execute("SELECT person_id, valid_until, review_due FROM certificate WHERE id = ?", [cert]).fetchone() \
        == (li, "2030-05-10", "2027-05-10")
    assert {r["id_number"] for r in list_records(county, PERSON)} == {"430626********1236", "430626********0028"}


def test_a_townships_people_never_travel_to_another_township(pc, county, stations, outbox, tmp_path):
    """The whole 身份证号 goes up to the county and stays within the township's own devices: what the county
    sends another township (its documents, 交办, that township's own rows) holds none of these people."""
    unit = add_unit(pc, "安定化工厂", sector="危化")
    save_record(pc, PERSON, {"name": "张三", "id_number": ZHANG, "unit_id": unit, "role_class": "班组长",
                             "employment": "正式"})
    accept(county, sync.export_bundle(pc, outbox))
    sanshi = stations("sanshi", "430626102", device_name="三市镇电脑", operator="王五")
    accept(sanshi, sync.export_bundle(county, tmp_path, to="430626102"))
    assert sanshi.store.db.execute("SELECT COUNT(*) FROM person").fetchone()[0] == 0
    for path in sync.export_for_townships(county, tmp_path / "all"):
        if "430626101" not in path.name:
            assert ZHANG.encode() not in _bundle_bytes(path), path.name


def _bundle_bytes(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist())
