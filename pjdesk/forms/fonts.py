"""The CJK font every PDF embeds: 文泉驿微米黑 from resources/fonts, registered with reportlab once per process.

reportlab embeds TrueType outlines only, as a subset of the glyphs used, with a ToUnicode map, so the
Chinese prints the same on every PC and copies and searches as written. Parsing the 5 MB collection takes
about a third of a second; the program may call ``register_cjk_font`` early (off the GUI thread) so the
first return does not wait for it.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from functools import cache, lru_cache

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from pjdesk.core.resources import resource_path

CJK_FONT = "WenQuanYiMicroHei"
_lock = threading.Lock()  # two threads building returns at once must not parse the font twice


def register_cjk_font() -> str:
    """The registered font's name; loads it the first time."""
    with _lock:
        return _register()


@cache
def _register() -> str:
    font = TTFont(CJK_FONT, str(resource_path("fonts", "wqy-microhei.ttc")), subfontIndex=0)
    font.face.makeSubset = _kept_subsets(font.face.makeSubset)
    font.face.addSubsetObjects = _kept_compressed(font.face, font.face.addSubsetObjects)
    pdfmetrics.registerFont(font)
    return CJK_FONT


def _kept_subsets(make: Callable[[list[int]], bytes]) -> Callable[[list[int]], bytes]:
    """The font's subset-maker, its recent subsets kept: a document embeds the glyphs it uses as subsets of
    256 in the order it first used them, and returns of the same form (a year of 表8, the same headers and
    notes) make the same subsets again; each takes milliseconds to cut from the font."""

    @lru_cache(maxsize=64)
    def made(codes: tuple[int, ...]) -> bytes:
        return make(list(codes))

    return lambda subset: made(tuple(subset))


def _kept_compressed(face, add: Callable) -> Callable:
    """The face's subset embedder, the subset's stream compressed through _KeptFlate (compressing 50 KB of
    glyph outlines takes about 3 ms, as long as cutting them did). reportlab names the stream it registers
    ``fontFile:<file>(<subset name>)``; should it name it otherwise, the stream is compressed as before."""

    def added(doc, fontname, subset):
        reference = add(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
        if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [_KEPT_FLATE]
        return reference

    return added


class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate, as reportlab's, its recent results kept: the same subset (kept by _kept_subsets, so the very
    same bytes) compresses to the same stream."""

    def encode(self, text):
        return _flate(text) if isinstance(text, bytes) else super().encode(text)


@lru_cache(maxsize=64)
def _flate(data: bytes) -> bytes:
    return zlib.compress(data)


_KEPT_FLATE = _KeptFlate()


@cache
def char_widths(font_name: str) -> dict[str, float]:
    """A cache of glyph advance widths at size 1, filled as characters are met (line breaking measures
    every character of every cell, and reportlab's own lookup is several times slower)."""
    return {}


def text_width(text: str, font_name: str, size: float) -> float:
    widths = char_widths(font_name)
    total = 0.0
    for char in text:
        width = widths.get(char)
        if width is None:
            width = widths[char] = pdfmetrics.stringWidth(char, font_name, 1)
        total += width
    return total * size
