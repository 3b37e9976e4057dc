"""Shared fixtures: a fresh station in a temporary data directory, with a fixed 'today'."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = dt.date(2026, 11, 29)
TOWNSHIP = "430626101"  # 安定镇


@pytest.fixture
def set_now(monkeypatch):
    """Move every session's wall clock (and so the HLC) to a moment: ``set_now("2026-11-03 08:00:00")``.

    It starts at 2026-01-01 08:00, before any station a test makes, so a test that sets later moments only
    ever moves the clock forward, as a real one goes."""
    from pjdesk.core.clock import Clock

    moment = [dt.datetime(2026, 1, 1, 8, 0)]
    monkeypatch.setattr(Clock, "now", lambda self: moment[0])

    def set_to(text: str) -> None:
        moment[0] = dt.datetime.fromisoformat(text)
    return set_to


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
