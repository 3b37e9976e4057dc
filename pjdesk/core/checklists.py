"""Inspection checklists, one per sector, kept as data in resources/checklists (one JSON file per list).

A county may edit the files: add an item, reword one, follow a new edition of a standard. So every file is
checked when it is read, and a mistake is refused with the file, the item and what to change named, rather
than showing a half list in the inspection dialog.

A file looks like this (keys beginning with ``_`` are notes for the person editing and are ignored)::

    {"title": "…检查表", "sectors": ["燃气"], "note": "…", "tags": ["…"],
     "sources": {"条例": "《城镇燃气管理条例》（…）", …},
     "items": [{"code": "RQ-01", "group": "经营单位", "text": "…", "source": "条例", "clause": "第十五条",
                "major": {"source": "判定", "clause": "第四条第（一）项（…）"}, "tags": ["…"]}, …]}

``sources`` names each document once; an item's ``source`` is one of its keys and ``clause`` the article.
``major`` marks an item whose failure is a 重大事故隐患 under a judgement standard: the inspection dialog
then suggests level 重大 and fills 判定依据 with that standard and clause. ``tags`` are hazard tags
(vocabulary ``hazard_tag``) that a hazard found on the item carries, so the work plan's targets count it.
The list whose sector is 通用 serves every sector that has no list of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NoReturn

from .errors import PjdeskError
from .resources import load_config, resource_path

FALLBACK_SECTOR = "通用"
MIN_ITEMS, MAX_ITEMS = 10, 25
MAX_TEXT = 150

_LIST_KEYS = {"title", "sectors", "note", "tags", "sources", "items"}
_ITEM_KEYS = {"code", "group", "text", "source", "clause", "major", "tags"}
_MAJOR_KEYS = {"source", "clause"}


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str
    source: str  # the document and its article, as printed: 《…》第…条
    group: str = ""
    major_basis: str = ""  # 判定依据 (standard and clause) when a failure here is a 重大事故隐患
    tags: tuple[str, ...] = ()

    @property
    def major(self) -> bool:
        return bool(self.major_basis)


@dataclass(frozen=True)
class Checklist:
    key: str  # the file name without .json: what an inspection records as its checklist
    title: str
    sectors: tuple[str, ...]
    sources: tuple[str, ...]  # the documents its items cite, in the order the file lists them
    items: tuple[ChecklistItem, ...]
    note: str = ""

    @property
    def is_fallback(self) -> bool:
        return FALLBACK_SECTOR in self.sectors

    def groups(self) -> list[str]:
        return list(dict.fromkeys(item.group for item in self.items if item.group))

    def item(self, code: str) -> ChecklistItem:
        for item in self.items:
            if item.code == code:
                return item
        raise PjdeskError(f"检查表“{self.title}”中没有编号为 {code} 的检查项")


def checklists_dir() -> Path:
    return resource_path("checklists")


def checklists(folder: Path | None = None) -> list[Checklist]:
    """Every checklist, in the order of the sector vocabulary, the general list last.

    ``folder`` defaults to the shipped resources/checklists; each folder is read and checked once."""
    return list(_load(Path(folder) if folder is not None else checklists_dir()))


def checklist_for(sector: str | None, folder: Path | None = None) -> Checklist:
    """The list of a unit's sector; a sector without a list of its own (or none) gets the general list."""
    fallback = None
    for c in checklists(folder):
        if sector and sector in c.sectors:
            return c
        if c.is_fallback:
            fallback = c
    return fallback


def checklist(key: str, folder: Path | None = None) -> Checklist:
    for c in checklists(folder):
        if c.key == key:
            return c
    raise PjdeskError(f"找不到检查表“{key}”：它可能已被县里删除或改名；请换用该单位行业的检查表")


def checklist_item(code: str, folder: Path | None = None) -> ChecklistItem:
    """An item by its code; codes are unique across all lists, so an inspection may store the code alone."""
    for c in checklists(folder):
        for item in c.items:
            if item.code == code:
                return item
    raise PjdeskError(f"找不到编号为 {code} 的检查项：检查表可能已被修改；请按现行检查表重新勾选")


@cache
def _load(folder: Path) -> tuple[Checklist, ...]:
    if not folder.is_dir():
        raise PjdeskError(f"找不到检查表文件夹 {folder}；请重新安装 pjdesk，或把县里下发的检查表放回该文件夹")
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise PjdeskError(f"检查表文件夹 {folder} 中没有检查表（.json 文件）；请重新安装 pjdesk 或放回检查表")
    vocabularies = load_config("vocabularies")
    sectors, tags = vocabularies["sector"], vocabularies["hazard_tag"]
    lists = [_read(path, [*sectors, FALLBACK_SECTOR], tags) for path in paths]

    claimed: dict[str, str] = {}
    codes: dict[str, str] = {}
    for path, c in zip(paths, lists, strict=True):
        for s in c.sectors:
            if s in claimed:
                raise PjdeskError(f"检查表文件 {path.name} 与 {claimed[s]} 都适用于行业“{s}”；"
                                  f"一个行业只能有一张检查表，请从其中一个文件的 sectors 中删去“{s}”")
            claimed[s] = path.name
        for item in c.items:
            if item.code in codes:
                raise PjdeskError(f"检查表文件 {path.name} 的检查项 {item.code} 与 {codes[item.code]} 中的编号重复；"
                                  "检查项编号在所有检查表中须唯一，请改用未用过的编号")
            codes[item.code] = path.name
    if FALLBACK_SECTOR not in claimed:
        raise PjdeskError(f"检查表文件夹 {folder} 中缺少适用于“{FALLBACK_SECTOR}”的通用检查表；"
                          "没有本行业检查表的单位要用它，请放回 general.json")

    order = {s: i for i, s in enumerate(sectors)}
    return tuple(sorted(lists, key=lambda c: (c.is_fallback, min(order.get(s, len(order)) for s in c.sectors))))


def _read(path: Path, sectors: list[str], tags: list[str]) -> Checklist:
    where = f"检查表文件 {path.name}"
    try:
        # utf-8-sig: Windows Notepad may save UTF-8 with a byte order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PjdeskError(f"{where} 不是 UTF-8 编码；请用记事本“另存为”并把编码选为 UTF-8") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise PjdeskError(f"{where} 的格式有误（第 {e.lineno} 行第 {e.colno} 列附近）；常见原因是漏了逗号或引号，"
                          "或最后一项后多了逗号；请改正后重新打开") from None

    def fail(message: str) -> NoReturn:
        raise PjdeskError(f"{where}：{message}")

    if not isinstance(data, dict):
        fail("内容应为一个以 { 开头、以 } 结尾的对象；请对照其他检查表文件改正")
    _no_unknown_keys(data, _LIST_KEYS, fail, "")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("缺少检查表名称（title），请补上，如 \"title\": \"燃气安全检查表\"")
    listed = data.get("sectors")
    if not isinstance(listed, list) or not listed or not all(isinstance(s, str) for s in listed):
        fail("缺少适用行业（sectors），应为行业名称的列表，如 [\"燃气\"]")
    for s in listed:
        if s not in sectors:
            fail(f"适用行业“{s}”不在行业列表中；可用的行业：{'、'.join(sectors)}")
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in sources.items()):
        fail("缺少依据文件列表（sources），应写成 {\"简称\": \"《文件全称》\"}")
    list_tags = _tags(data.get("tags", []), tags, fail, "")
    items = data.get("items")
    if not isinstance(items, list):
        fail("缺少检查项列表（items），请补上检查项")
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        fail(f"有 {len(items)} 项检查项，每张检查表应有 {MIN_ITEMS}–{MAX_ITEMS} 项；请增删检查项")

    parsed: list[ChecklistItem] = []
    seen: set[str] = set()
    cited: set[str] = set()
    for n, raw in enumerate(items, start=1):
        code = raw.get("code") if isinstance(raw, dict) else None
        label = f"第 {n} 项（{code}）" if isinstance(code, str) and code.strip() else f"第 {n} 项"
        if not isinstance(raw, dict):
            fail(f"{label}应为一个 {{…}} 对象")
        _no_unknown_keys(raw, _ITEM_KEYS, fail, label)
        if not isinstance(code, str) or not code.strip() or code != code.strip() or " " in code or len(code) > 12:
            fail(f"{label}缺少编号（code），或编号含空格、超过 12 个字符；请写上如 RQ-21 这样的短编号")
        if code in seen:
            fail(f"{label}的编号 {code} 重复；每个检查项的编号须唯一，请改用本表未用过的编号")
        seen.add(code)
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            fail(f"{label}缺少检查内容（text），请写上要检查的内容")
        if len(text) > MAX_TEXT:
            fail(f"{label}的检查内容有 {len(text)} 个字，请缩短到 {MAX_TEXT} 字以内")
        group = raw.get("group", "")
        if not isinstance(group, str):
            fail(f"{label}的分组（group）应为文字")
        source = _cite(raw.get("source"), raw.get("clause", ""), sources, fail, label, "来源（source）")
        cited.add(raw["source"])
        major = raw.get("major")
        basis = ""
        if major is not None:
            if not isinstance(major, dict):
                fail(f"{label}的重大隐患标记（major）应写成 {{\"source\": \"简称\", \"clause\": \"条款\"}}")
            _no_unknown_keys(major, _MAJOR_KEYS, fail, f"{label}的 major 中")
            if not isinstance(major.get("clause"), str) or not major["clause"].strip():
                fail(f"{label}标为重大隐患，但未写判定标准的条款（major 的 clause）；判定依据须写明标准和条款")
            basis = _cite(major.get("source"), major["clause"], sources, fail, label, "判定标准（major 的 source）")
            cited.add(major["source"])
        item_tags = _tags(raw.get("tags", []), tags, fail, label)
        parsed.append(ChecklistItem(code=code, text=text.strip(), source=source, group=group.strip(),
                                    major_basis=basis,
                                    tags=tuple(dict.fromkeys(list_tags + item_tags))))

    note = data.get("note", "")
    if not isinstance(note, str):
        fail("说明（note）应为一段文字")
    return Checklist(key=path.stem, title=title.strip(), sectors=tuple(listed),
                     sources=tuple(v.strip() for k, v in sources.items() if k in cited), items=tuple(parsed),
                     note=note.strip())


def _cite(key, clause, sources: dict, fail, label: str, what: str) -> str:
    if not isinstance(key, str) or not key.strip():
        fail(f"{label}缺少{what}；每个检查项都要写明所依据的文件")
    if key not in sources:
        fail(f"{label}的{what}“{key}”不在本文件的 sources 中；请在 sources 中加上它的全称，或改用已列出的简称："
             + "、".join(sources))
    if not isinstance(clause, str):
        fail(f"{label}的条款（clause）应为文字，如“第十六条”")
    return sources[key].strip() + clause.strip()


def _tags(value, allowed: list[str], fail, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        fail(f"{label}的隐患标签（tags）应为标签名称的列表")
    for t in value:
        if t not in allowed:
            fail(f"{label}的隐患标签“{t}”不在隐患标签列表中；可用的标签：{'、'.join(allowed)}")
    return list(value)


def _no_unknown_keys(data: dict, known: set[str], fail, label: str) -> None:
    # A misspelt key ("sorce") would otherwise be dropped without a word and the item lose its source.
    for key in data:
        if key not in known and not (isinstance(key, str) and key.startswith("_")):
            fail(f"{label}有无法识别的字段“{key}”；可用的字段：{'、'.join(sorted(known))}（以 _ 开头的字段作为备注）")
