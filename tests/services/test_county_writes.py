"""The county reads what the townships send; it does not add their records, by hand or from a sheet (the
window hides 新增 and 导入 there; the service and the command line refuse the same, with a message), but for
the kinds it records itself (the bureau's own inspections). Nothing is written when refused."""

from __future__ import annotations

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.inspection import INSPECTION
from pjdesk.core.kinds import KINDS
from pjdesk.core.unit import UNIT
from pjdesk.services.record_import import preview_records
from pjdesk.services.records import require_recorded_here, save_record
from pjdesk.services.session import init_station
from tests.conftest import TODAY


@pytest.fixture
def county(tmp_path):
    made = init_station(tmp_path / "county", code="430626", operator="县局", county=True, today=lambda: TODAY)
    yield made
    made.close()


def rows_of(session) -> int:
    return sum(session.store.db.execute(f"SELECT COUNT(*) FROM {k.table}").fetchone()[0] for k in KINDS.values())


def test_a_townships_record_is_not_added_at_the_county(county):
    before = rows_of(county)
    with pytest.raises(PjdeskError, match="县级站点汇总各乡镇报送的单位"):
        save_record(county, UNIT, {"name": "平江县恒昌化工有限公司", "sector": "危化"})
    assert rows_of(county) == before


def test_a_townships_sheet_is_not_imported_at_the_county(county, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["单位名称", "行业领域"])
    book.active.append(["平江县恒昌化工有限公司", "危化"])
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(PjdeskError, match="请由乡镇录入"):
        preview_records(county, UNIT, tmp_path / "units.xlsx")


def test_the_county_records_its_own_inspections(county):
    """The bureau's own checks (of the townships' units, which it holds from their files) are its records."""
    assert INSPECTION.county_writes
    require_recorded_here(county, INSPECTION)  # not refused (test_documents_service issues one's documents)
    with pytest.raises(PjdeskError, match="被检查单位"):  # refused only for what the record lacks
        save_record(county, INSPECTION, {"date": TODAY.isoformat(), "mode": "日常巡查"})
