"""The user guide's text: read into sections as the program shows them and the PDF prints them; a mistake in
the file is named by its line."""

from __future__ import annotations

import pytest

from pjdesk.core.guide import BULLET, NUMBERED, PARAGRAPH, Block, parse_guide, user_guide


def test_the_shipped_guide_has_a_section_with_text_for_each_page():
    guide = user_guide()
    assert guide.title == "pjdesk 使用说明"
    titles = [s.title for s in guide.sections]
    assert len(titles) == len(set(titles))
    for section in guide.sections:
        assert sum(len(b.text) for b in section.blocks) > 60, section.title
        assert section.markdown.startswith(f"## {section.title}\n")


def test_paragraphs_lists_and_numbered_steps():
    guide = parse_guide("# 说明\n\n前言第一行\n接着一行\n\n## 报表\n\n一段。\n\n1. 第一步\n2. 第二步\n   接着写\n- 要点\n")
    assert guide.intro.blocks == (Block(PARAGRAPH, "前言第一行接着一行"),)
    assert guide.section("报表").blocks == (Block(PARAGRAPH, "一段。"), Block(NUMBERED, "第一步", 1),
                                            Block(NUMBERED, "第二步接着写", 2), Block(BULLET, "要点"))
    assert guide.section("没有") is None


@pytest.mark.parametrize(("text", "line"), [("## 无标题\n", 1), ("# 说明\n\n### 三级\n", 3), ("# 说明\n# 又一个\n", 2),
                                            ("# 说明\n\n* 星号列表\n", 3)])
def test_a_mistake_is_named_by_its_line(text, line):
    with pytest.raises(ValueError, match=f"第 {line} 行"):
        parse_guide(text)
