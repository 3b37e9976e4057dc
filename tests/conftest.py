"""Shared fixtures: a fresh station in a temporary data directory, with a fixed 'today'."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = dt.date(2026, 11, 29)
TOWNSHIP = "430626101"  # 安定镇


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "station"


@pytest.fixture
def session(data_dir):
    from pjdesk.services.session import init_station

    s = init_station(data_dir, code=TOWNSHIP, operator="张三", today=lambda: TODAY)
    yield s
    s.close()


@pytest.fixture
def unit(session):
    from pjdesk.services.units import save_unit

    return save_unit(session, {"name": "平江县安定化工有限公司", "uscc": "91310110666007217T", "sector": "危化",
                               "is_high_risk": 1, "village": "安定村", "principal": "王五", "phone": "13800000000"}).id
