"""Chinese text broken to a cell's width the way a reader expects (the PDF draws these lines)."""

from __future__ import annotations

import pytest

from pjdesk.forms.fonts import register_cjk_font, text_width
from pjdesk.forms.pdf_text import balanced_lines, break_lines

SIZE = 9


@pytest.fixture(scope="module")
def font():
    return register_cjk_font()


def test_lines_fit_the_width_and_lose_nothing(font):
    text = "危险化学品超量储存，禁配物质混放；储罐区防雷检测过期，且未按GB 50057-2010设置防雷设施（已停用）。"
    lines = break_lines(text, font, SIZE, 60)
    assert len(lines) > 3
    assert all(text_width(line, font, SIZE) <= 60 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in "，；。）" for line in lines)  # no line starts with closing punctuation
    assert not any(line[-1] == "（" for line in lines)  # and none ends with an opening one
    assert any("50057-2010" in line for line in lines)  # a standard's number stays whole


def test_a_code_wider_than_the_cell_breaks_after_its_hyphen(font):
    assert break_lines("430626101-2026-0001", font, 8, 50) == ["430626101-", "2026-0001"]


def test_headers_break_between_words_evenly(font):
    width = text_width("年度累计查", font, SIZE)  # five characters: greedy would leave 出 alone
    assert balanced_lines("年度累计查出", font, SIZE, width) == ["年度累计", "查出"]
    narrow = text_width("逾期未销", font, SIZE)
    assert balanced_lines("逾期未销号", font, SIZE, narrow) == ["逾期", "未销号"]


def test_explicit_newlines_are_kept(font):
    assert break_lines("第一行\n第二行", font, SIZE, 200) == ["第一行", "第二行"]
