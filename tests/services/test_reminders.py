"""待办 on 29 November 2026: certificates falling due within 60 days (有效期 or 复审) or lapsed while their holder
is 在册, special operators without a valid certificate; the registry of sources; ``pjdesk reminders --json``;
the 证书到期提醒 of a unit, read back from its PDF text and its XLSX cells."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from pypdf import PdfReader

from pjdesk.core.person import CERTIFICATE, PERSON
from pjdesk.core.reminders import COLUMNS, ReminderSource, reminder_source, reminder_sources
from pjdesk.services.records import save_record
from pjdesk.services.reminders import build_certificate_notice, notice_units, reminder_counts, reminders_json
from pjdesk.services.units import save_unit

KEYS = {"kind", "record", "unit", "person", "reason", "due"}


def person(session, unit, name, role, hired="2015-01-01", left=None):
    return save_record(session, PERSON, {"name": name, "unit_id": unit, "role_class": role, "employment": "正式",
                                         "hired": hired, "left_on": left}).id


def certify(session, who, cert_type, no, *, until, review=None, work_class=None):
    return save_record(session, CERTIFICATE, {"person_id": who, "cert_type": cert_type, "cert_no": no,
                                              "issued": "2020-01-01", "valid_until": until, "review_due": review,
                                              "work_class": work_class}).id


@pytest.fixture
def due(session):
    """The conftest's township on 29 November 2026 (the 60-day window ends on 28 January 2027)."""
    chem = save_unit(session, {"name": "安定化工厂", "sector": "危化", "is_high_risk": 1, "principal": "王五",
                               "phone": "13800000000"}).id
    works = save_unit(session, {"name": "安定机械厂", "sector": "工贸其他"}).id
    ids = {}
    ids["expiring"] = certify(session, person(session, chem, "甲", "专职安全管理人员"), "安全生产知识和管理能力考核合格证",
                              "A1", until="2026-12-20")
    welder = person(session, chem, "乙", "特种作业人员")
    ids["review"] = certify(session, welder, "特种作业操作证", "T2", until="2030-01-01", review="2027-01-10",
                            work_class="焊接与热切割作业")
    electrician = person(session, works, "丙", "特种作业人员")
    ids["lapsed"] = certify(session, electrician, "特种设备作业人员证", "T3", until="2026-10-01",
                           work_class="电梯作业")
    gone = person(session, works, "丁", "特种作业人员", left="2026-09-30")
    certify(session, gone, "特种设备作业人员证", "T4", until="2026-10-01")  # left before it lapsed: not due
    renewed = person(session, works, "戊", "特种作业人员")
    certify(session, renewed, "特种作业操作证", "T5", until="2026-06-01", review="2026-06-01")  # replaced by T6: not due
    certify(session, renewed, "特种作业操作证", "T6", until="2032-06-01", review="2029-06-01")
    certify(session, person(session, works, "己", "班组长"), "特种作业操作证", "T7", until="2027-03-01", review="2027-03-01")  # later
    ids["new_operator"] = person(session, works, "庚", "特种作业人员", hired="2026-11-02")
    ids["electrician"] = electrician
    ids["chem"], ids["works"] = chem, works
    return ids


def test_what_falls_due_or_has_lapsed(session, due):
    got = [(r["kind"], r["record"], r["unit"], r["person"], r["reason"], r["due"]) for r in reminders_json(session)
           if r["kind"] == "certificates"]  # the high-risk units are also due a drill (drills)
    assert got == [
        ("certificates", due["lapsed"], "安定机械厂", "丙", "特种设备作业人员证（电梯作业）已过期（有效期至 2026-10-01）",
         "2026-10-01"),
        ("certificates", due["electrician"], "安定机械厂", "丙", "特种作业人员未持有效的特种作业证书", "2026-10-02"),
        ("certificates", due["new_operator"], "安定机械厂", "庚", "特种作业人员未持有效的特种作业证书", "2026-11-02"),
        ("certificates", due["expiring"], "安定化工厂", "甲", "安全生产知识和管理能力考核合格证将于 2026-12-20 到期",
         "2026-12-20"),
        ("certificates", due["review"], "安定化工厂", "乙", "特种作业操作证（焊接与热切割作业）应于 2027-01-10 前复审",
         "2027-01-10"),
    ]
    assert all(set(e) == KEYS for e in reminders_json(session))
    counts = reminder_counts(session)
    assert {k: counts[k] for k in ("证书到期、复审", "特种作业人员无有效证书")} == {"证书到期、复审": 3, "特种作业人员无有效证书": 2}


def test_a_source_is_a_declaration(session, due):
    """A kind adds its reminders by declaring a source; the list takes it without another change."""
    before = list(reminder_sources())
    source = reminder_source(ReminderSource(
        name="test_unit_without_phone", label="单位无联系电话", kind="unit", days=0,
        sql="SELECT id AS record, township, id AS unit_id, NULL AS person_id, '单位未登记联系电话' AS reason,"
            " :today AS due FROM unit WHERE deleted = 0 AND (phone IS NULL OR phone = '')"))
    try:
        got = [r for r in reminders_json(session) if r["kind"] == "units" and r["reason"] == "单位未登记联系电话"]
        assert got == [{"kind": "units", "record": due["works"], "unit": "安定机械厂", "person": None,
                        "reason": "单位未登记联系电话", "due": "2026-11-29"}]
        assert set(COLUMNS) <= {"record", "township", "unit_id", "person_id", "reason", "due"}
    finally:
        from pjdesk.core import reminders as registry

        registry._SOURCES.pop(source.name)
    assert reminder_sources() == before


def test_the_notice_to_a_unit(session, due, tmp_path):
    assert [(u["name"], u["count"]) for u in notice_units(session)] == [("安定化工厂", 2), ("安定机械厂", 3)]
    notice = build_certificate_notice(session, due["chem"], tmp_path)
    assert notice.rows == 2 and notice.pdf.name == "证书到期提醒-安定化工厂-2026-11-29.pdf"
    text = "".join(p.extract_text() for p in PdfReader(notice.pdf).pages).replace(" ", "").replace("\n", "")
    for expected in ("特种作业和安全管理人员证书到期提醒", "安定化工厂：", "截至2026年11月29日", "60天内到期",
                     "A1", "2026-12-20", "安全生产知识和管理能力考核合格证将于2026-12-20到期",
                     "T2", "应于2027-01-10前复审", "平江县安定镇人民政府"):
        assert expected in text, expected
    assert "丙" not in text, "another unit's people"
    cells = [str(c) for row in openpyxl.load_workbook(notice.xlsx).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert "A1" in cells and "T2" in cells and "甲" in cells and "乙" in cells


def test_the_command_prints_the_json(session, due, data_dir):
    """The command runs on the wall clock's day: the certificate that lapsed on 1 October is due on any day
    after, with its holder's missing certificate."""
    session.close()
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), "reminders", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert all(set(e) == KEYS for e in entries)
    assert entries[0] == {"kind": "certificates", "record": due["lapsed"], "unit": "安定机械厂", "person": "丙",
                          "reason": "特种设备作业人员证（电梯作业）已过期（有效期至 2026-10-01）", "due": "2026-10-01"}
