"""文号 and the issuing name of enforcement documents, from resources/config/documents.json.

A 文号 reads like 平应急（安定）责改〔2026〕3号: numbered per year and per document type, and unique in the
county because it carries the township's short name. Storage allocates the number; this module only says
how a number is printed, so a county that words its numbers differently edits the JSON, not the code.
"""

from __future__ import annotations

import string

from pjdesk.core.errors import PjdeskError
from pjdesk.core.resources import load_config
from pjdesk.core.townships import COUNTY_CODE, county_name, township

CONFIG = "documents"
_FIELDS = {"township", "type", "year", "number"}
# A township-wide series that lacked one of these would repeat its numbers across years, types or townships.
_REQUIRED = {"number_pattern": {"township", "type", "year", "number"},
             "county_number_pattern": {"type", "year", "number"}}
_SUFFIXES = ("街道", "镇", "乡")


def document_types() -> dict[str, str]:
    """Each document type with the abbreviation its 文号 carries (责令限期整改指令书 → 责改)."""
    return dict(_config()["types"])


def document_number(doc_type: str, township_code: str, year: int, number: int, series: str = "") -> str:
    """The 文号 of the ``number``-th document of ``doc_type`` issued by the station in ``year``; ``series``
    (a device's letter) is printed before the number, so that two devices of a station never give one 文号."""
    types = document_types()
    if doc_type not in types:
        raise PjdeskError(f"没有“{doc_type}”这种文书；可选：{'、'.join(types)}")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise PjdeskError(f"文书序号应为正整数，收到“{number}”")
    if not 2000 <= int(year) <= 9999:
        raise PjdeskError(f"文书年份“{year}”无效")
    county = township_code == COUNTY_CODE
    key = "county_number_pattern" if county else "number_pattern"
    pattern = _pattern(key)
    short = "" if county else township_short_name(township_code)
    pattern = pattern.replace("{number", "{series}{number")
    return pattern.format(township=short, type=types[doc_type], year=int(year), number=number, series=series)


def township_short_name(code: str) -> str:
    """安定镇 → 安定, 汉昌街道 → 汉昌; a name the configuration gives for the code wins."""
    given = _config().get("township_short_names", {}).get(code)
    if given:
        return given
    name = township(code).name
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def default_issuer(code: str) -> str:
    """The name a station's documents are issued in when its settings name none: 平江县安定镇人民政府,
    平江县汉昌街道办事处, and on the county station the bureau itself."""
    if code == COUNTY_CODE:
        return county_bureau()
    place = township(code)
    suffix = _config().get("issuer_suffixes", {}).get(place.kind, "人民政府")
    county = county_name()
    prefix = "" if place.name.startswith(county[:2]) else county  # 平江高新区 already names the county
    return f"{prefix}{place.name}{suffix}"


def county_bureau() -> str:
    return _config()["county_bureau"]


def delegation_sentence(issuer: str) -> str:
    """The sentence that says the issuer acts by the county bureau's delegation; empty for the bureau itself."""
    bureau = county_bureau()
    if not issuer or issuer == bureau:
        return ""
    return _config()["delegation"].format(issuer=issuer, bureau=bureau)


def reconsideration_body() -> str:
    """Where a party applies for 行政复议 against a document of the county's stations."""
    return _config()["reconsideration_body"]


def court() -> str:
    """Where a party brings 行政诉讼 against a document of the county's stations."""
    return _config()["court"]


def _config() -> dict:
    return load_config(CONFIG)


def _pattern(key: str) -> str:
    pattern = _config()[key]
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        pattern.format(township="安定", type="责改", year=2026, number=1)
    except (ValueError, IndexError, KeyError):
        fields = None
    if fields is None or not fields <= _FIELDS:
        raise PjdeskError(f"文书编号格式“{pattern}”无法识别：只能使用 {{township}} {{type}} {{year}} {{number}}，"
                          f"请修改 resources/config/{CONFIG}.json 的 {key}")
    missing = _REQUIRED[key] - fields
    if missing:
        raise PjdeskError(f"文书编号格式“{pattern}”缺少 {'、'.join('{' + m + '}' for m in sorted(missing))}，"
                          f"编号会重复；请修改 resources/config/{CONFIG}.json 的 {key}")
    return pattern
