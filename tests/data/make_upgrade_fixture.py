"""Make the upgrade fixture: a township station as the released pjdesk leaves it, and what it holds.

    python tests/data/make_upgrade_fixture.py          (from the top of a checkout of the release)

Writes ``station-schema<N>.db`` (N: the schema version of the code that ran it) and ``station-schema<N>.json``
beside this file. Run it once per release whose schema changed, with that release's code, and keep both files
forever: tests/test_upgrade.py opens every kept station with the current code and checks that nothing was lost.
Never regenerate a kept one with newer code: it would no longer be what that release wrote.

The station is small (a few hundred hazards, so the file stays well under 1 MB) and the same on every run:
a fixed seed and a fixed day. Only stamps taken from the time of day differ between runs.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pjdesk import __version__  # noqa: E402
from pjdesk.core.periods import Month  # noqa: E402
from pjdesk.services import hazards as svc  # noqa: E402
from pjdesk.services import returns  # noqa: E402
from pjdesk.services.demo import load_demo  # noqa: E402
from pjdesk.services.session import init_station  # noqa: E402
from pjdesk.services.status import station_status  # noqa: E402
from pjdesk.services.sync import export_bundle  # noqa: E402
from pjdesk.services.units import save_unit  # noqa: E402
from pjdesk.storage.migrations import SCHEMA_VERSION  # noqa: E402

DAY = dt.date(2026, 11, 29)
TOWNSHIP = "430626101"  # 安定镇
SEED = 7
HAZARDS = 60
MONTH = "2026-11"  # the 表2 recorded: the month of DAY, with the hazards of hand_made() in it
MAJOR_ITEMS = {"level": "重大", "major_basis": "《工贸企业重大事故隐患判定标准》第四条", "resp_person": "王五",
               "measures": "停产整改", "funds": 50000, "emergency_plan": "现场处置方案"}


def hand_made(session) -> None:
    """What the demo's five quiet years lack: hazards open this month (one late, one 重大, one under review),
    an edited unit, a corrected hazard and a deleted one."""
    unit = save_unit(session, {"name": "平江县安定升级测试化工有限公司", "uscc": "91310110666007217T", "sector": "危化",
                               "is_high_risk": 1, "village": "安定村", "principal": "王五",
                               "phone": "13800000000"}).id
    save_unit(session, {"phone": "13900000000"}, unit)

    def hazard(text, found, deadline, **values):
        return svc.record_hazard(session, {"unit_id": unit, "description": text, "found_date": found,
                                           "deadline": deadline, **values}).id

    late = hazard("配电箱电线老化", "2026-11-02", "2026-11-09")
    svc.edit_hazard(session, late, {"location": "二号车间"})
    reviewed = hazard("安全出口被锁闭", "2026-11-03", "2026-11-20")
    svc.complete_rectification(session, reviewed, "2026-11-10")
    svc.review_hazard(session, reviewed, "2026-11-12", passed=True, reviewer="李四")
    rectified = hazard("储罐区无防火堤", "2026-11-05", "2026-12-20", **MAJOR_ITEMS)
    svc.complete_rectification(session, rectified, "2026-11-25")
    hazard("灭火器过期未更换", "2026-11-20", "2026-12-05")
    mistaken = hazard("重复录入的隐患", "2026-11-21", "2026-12-05")
    svc.delete_hazard(session, mistaken, "重复录入")


def table_counts(path: Path) -> dict[str, int]:
    """Rows of every table (FTS shadow tables included: a lost search index is lost data too)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "station"
        session = init_station(data_dir, code=TOWNSHIP, operator="张三", device_name="安定镇安监站-1",
                               today=lambda: DAY)
        load_demo(session, seed=SEED, hazards=HAZARDS)
        hand_made(session)
        returns.set_reviewer(session, "李四")
        month = Month.parse(MONTH)
        built = returns.build_return(session, "表2", month, Path(tmp) / "out")
        returns.freeze_return(session, built, note="升级测试")
        export_bundle(session, Path(tmp) / "exchange")  # the exchange tables hold what a real station's do
        table2 = returns.figures_of(returns.fill_form(session, "表2", month))
        counts = station_status(session)["counts"]
        session.close()

        target = HERE / f"station-schema{SCHEMA_VERSION}.db"
        target.unlink(missing_ok=True)
        conn = sqlite3.connect(data_dir / "pjdesk.db")
        try:
            conn.execute("VACUUM INTO ?", [str(target)])  # compact, and one file without a -wal beside it
        finally:
            conn.close()

    expected = {
        "made_by": {"version": __version__, "schema_version": SCHEMA_VERSION},
        "station": {"code": TOWNSHIP, "day": DAY.isoformat(), "seed": SEED, "demo_hazards": HAZARDS},
        "tables": table_counts(target),
        "status_counts": counts,
        "table2": {"month": MONTH, "figures": table2},
    }
    (HERE / f"station-schema{SCHEMA_VERSION}.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{target.name}: {target.stat().st_size:,} bytes, schema {SCHEMA_VERSION}, pjdesk {__version__}")


if __name__ == "__main__":
    main()
