"""The county and its 25 townships and streets (plus the high-tech park), from resources/config/townships.json."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .errors import PjdeskError
from .resources import load_config

COUNTY_CODE = "430626"


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    kind: str  # 街道 / 镇 / 乡 / 园区


def county_name() -> str:
    return load_config("townships")["county"]["name"]


def townships() -> list[Township]:
    return list(_townships())


@cache
def _townships() -> tuple[Township, ...]:
    return tuple(Township(t["code"], t["name"], t["kind"]) for t in load_config("townships")["townships"])


@cache
def _by_code() -> dict[str, Township]:
    return {t.code: t for t in _townships()}


def township(code: str) -> Township:
    """The township of a 9-digit code; a retired or unknown code is refused with the valid choices named.

    Looked up by a table made once: a county's ledger names a township on every row it paints."""
    code = (code or "").strip()
    found = _by_code().get(code)
    if found is not None:
        return found
    for old in load_config("townships").get("historic", []):
        if old["code"] == code:
            raise PjdeskError(
                f"乡镇代码 {code}（{old['name']}）已于 {old['until']} 年后撤销，请改用："
                + "、".join(f"{s} {township(s).name}" for s in old["successors"])
            )
    if len(code) == 12 and code.endswith("000"):
        return township(code[:9])
    raise PjdeskError(f"乡镇代码“{code}”不是平江县的乡镇街道代码（应为 9 位，如 430626101 安定镇）；运行 pjdesk townships 可查看全部代码")


def station_name(code: str) -> str:
    return county_name() if code == COUNTY_CODE else township(code).name
