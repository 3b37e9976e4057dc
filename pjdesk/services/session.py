"""A station session: which station this is, its database, who is working. Passed down, never global."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pjdesk.core.clock import Clock
from pjdesk.core.errors import PjdeskError
from pjdesk.core.ids import new_device_id
from pjdesk.core.townships import COUNTY_CODE, station_name, township
from pjdesk.storage import Store, open_store
from pjdesk.storage.database import inspect_station_file
from pjdesk.storage.migrations import SCHEMA_VERSION

DB_NAME = "pjdesk.db"
TOWNSHIP, COUNTY = "township", "county"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("pjdesk", appauthor=False))


def resolve_data_dir(given: str | Path | None = None) -> Path:
    """--data-dir, else PJDESK_DATA_DIR, else the user's data directory."""
    chosen = given or os.environ.get("PJDESK_DATA_DIR")
    return Path(chosen).expanduser() if chosen else default_data_dir()


@dataclass(frozen=True)
class Station:
    role: str
    code: str
    name: str
    device: str
    device_name: str

    @property
    def is_county(self) -> bool:
        return self.role == COUNTY

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）"


@dataclass(frozen=True)
class Outcome:
    """What a service did: the record it is about, what it changed (kind → ids), and warnings to show."""

    id: str | None = None
    changed: dict[str, frozenset[str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass
class Session:
    data_dir: Path
    store: Store
    station: Station | None
    operator: str = ""
    clock: Clock = field(default_factory=Clock)

    def today(self) -> dt.date:
        return self.clock.today()

    def now(self) -> dt.datetime:
        """The session's wall clock: the only "now" pjdesk uses (see core.clock)."""
        return self.clock.now()

    def now_text(self) -> str:
        """Now, as the program writes it in its own records (导入时间, 吊销时间 …)."""
        return self.clock.stamp()

    @property
    def ready(self) -> bool:
        return self.station is not None

    def require_station(self) -> Station:
        if self.station is None:
            raise PjdeskError("本机尚未设置站点。请先运行 pjdesk init --township 乡镇代码 --operator 姓名，或启动程序按向导设置。")
        return self.station

    def reopen(self) -> Session:
        """The same session on a new connection, for work on another thread."""
        return open_session(self.data_dir, operator=self.operator, clock=self.clock)

    def close(self, *, wait: bool = True) -> None:
        """Close the station (``wait``: see Store.close)."""
        self.store.close(wait=wait)


def open_session(data_dir: str | Path | None = None, *, operator: str | None = None,
                 today: Callable[[], dt.date] | None = None, clock: Clock | None = None) -> Session:
    """Open a data directory. ``today`` fixes the day (tests); ``clock`` hands over a clock already in use."""
    clock = clock or Clock(today)
    folder = resolve_data_dir(data_dir)
    if folder.exists() and not folder.is_dir():
        raise PjdeskError(f"数据目录 {folder} 是一个文件，不是文件夹。请换一个数据目录。")
    store = open_store(folder / DB_NAME, clock=clock)
    station = _read_station(store)
    if station:
        store.attach_device(station.device)
    return Session(folder, store, station, operator or store.setting("operator") or "", clock)


def upgrade_pending(data_dir: str | Path | None = None) -> bool:
    """Whether opening the station will first bring its file up to this pjdesk's structure: a backup, then the
    migrations (a minute or two on a county's five-year file). False for a new or a refused file: opening it
    says what it is."""
    try:
        applied = inspect_station_file(resolve_data_dir(data_dir) / DB_NAME)
    except PjdeskError:
        return False
    return bool(applied) and len(applied) < SCHEMA_VERSION


def _read_station(store: Store) -> Station | None:
    code = store.setting("station_code")
    if not code:
        return None
    return Station(store.setting("station_role"), code, station_name(code), store.setting("device_id"),
                   store.setting("device_name") or "")


def init_station(data_dir: str | Path | None, *, code: str, operator: str, county: bool = False,
                 device_name: str | None = None, today: Callable[[], dt.date] | None = None) -> Session:
    """Set a data directory up as a township station (9-digit code) or the county (430626)."""
    operator = (operator or "").strip()
    if not operator:
        raise PjdeskError("请填写操作员姓名（用于记录谁录入、修改了数据）")
    code = (code or "").strip()
    if county:
        if code != COUNTY_CODE:
            raise PjdeskError(f"县级站点代码应为 {COUNTY_CODE}（平江县），现为“{code}”")
    else:
        code = township(code).code
    session = open_session(data_dir, today=today)
    if session.station and session.station.code != code:
        existing = session.station
        session.close()
        raise PjdeskError(f"此数据目录已设置为 {existing.label}。如需设置另一个站点，请换一个数据目录（--data-dir）。")
    device = session.station.device if session.station else new_device_id()
    session.store.set_settings({
        "station_role": COUNTY if county else TOWNSHIP, "station_code": code, "device_id": device,
        "device_name": device_name or (session.station.device_name if session.station else platform_device_name()),
        "operator": operator,
    })
    session.close()
    session = open_session(data_dir, operator=operator, today=today)
    from .sync import device_key  # the device's signing key is made at setup, as its id is

    device_key(session)
    return session


def set_operator(session: Session, name: str) -> None:
    name = (name or "").strip()
    if not name:
        raise PjdeskError("请填写操作员姓名")
    session.store.set_settings({"operator": name})
    session.operator = name


def platform_device_name() -> str:
    import platform

    return platform.node() or "本机"
