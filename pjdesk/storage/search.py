"""Search keys for unit names: pinyin initials, so that ``adz`` finds 安定镇… and ``pjxhg`` 平江县化工…."""

from functools import cache


@cache
def _lazy():
    # pypinyin loads its dictionaries on import (a few hundred ms): only when a unit is written.
    from pypinyin import Style, lazy_pinyin

    return lambda text: lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")


def initials(name: str) -> str:
    return "".join(p[:1] for p in _lazy()(name)).lower()
