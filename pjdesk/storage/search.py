"""Search keys for unit names: pinyin initials, so that ``adz`` finds 安定镇… and ``pjxhg`` 平江县化工…."""

from functools import cache, lru_cache


@cache
def _lazy():
    # pypinyin loads its dictionaries on import (a few hundred ms): only when a unit is written.
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.simpleseg import seg

    @lru_cache(maxsize=1 << 16)
    def word(text: str) -> str:
        return "".join(p[:1] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()

    # Names repeat their words (平江县, 有限公司, 加油站): converted once per word of pypinyin's own
    # segmentation, the same initials as the whole name's, at a third of the cost on an import of many units.
    return lambda text: "".join(word(w) for w in seg(text))


def initials(name: str) -> str:
    return _lazy()(name)
