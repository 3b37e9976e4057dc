"""The user guide (使用说明) as written in resources/help/guide.md, read into sections.

The file is Markdown of a small kind, so that the program shows it and the PDF prints it alike: a title (#),
one section (##) per page of the program, named exactly as the page, and in each section paragraphs, bullet
lists (- ) and numbered lists (1. ). Anything else is refused with the line it is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .resources import resource_path

PARAGRAPH, BULLET, NUMBERED = "paragraph", "bullet", "numbered"
_NUMBERED = re.compile(r"^(\d+)\. +(.*)$")


@dataclass(frozen=True)
class Block:
    kind: str  # PARAGRAPH, BULLET or NUMBERED
    text: str
    number: int | None = None  # of a NUMBERED item


@dataclass(frozen=True)
class GuideSection:
    title: str
    blocks: tuple[Block, ...]
    markdown: str  # the section as written, its heading included


@dataclass(frozen=True)
class Guide:
    title: str
    intro: GuideSection  # what comes before the first section, under the guide's title
    sections: tuple[GuideSection, ...]

    def section(self, title: str) -> GuideSection | None:
        return next((s for s in self.sections if s.title == title), None)


@cache
def user_guide() -> Guide:
    """The guide shipped with the program, read once per process."""
    return parse_guide(resource_path("help", "guide.md").read_text(encoding="utf-8-sig"))


def parse_guide(text: str) -> Guide:
    title, parts = None, []  # parts: [heading, [lines]]
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# "):
            if title is not None:
                raise ValueError(f"guide.md 第 {number} 行：只能有一个一级标题（# ），且在最前面")
            title = line[2:].strip()
            parts.append([title, []])
        elif line.startswith("## ") and title is not None:
            parts.append([line[3:].strip(), []])
        elif line.startswith("#") and title is not None:
            raise ValueError(f"guide.md 第 {number} 行：只用一级（# ）和二级（## ）标题")
        elif title is None:
            if line.strip():
                raise ValueError(f"guide.md 第 {number} 行：第一行应是标题（# ）")
        else:
            parts[-1][1].append((number, line))
    if title is None:
        raise ValueError("guide.md 没有标题（# ）")
    intro, *sections = (GuideSection(heading, _blocks(lines), _markdown(heading, lines)) for heading, lines in parts)
    return Guide(title, intro, tuple(sections))


def _markdown(heading: str, lines) -> str:
    return "\n".join([f"## {heading}", *(line for _, line in lines)]).strip() + "\n"


def _blocks(lines) -> tuple[Block, ...]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block(PARAGRAPH, "".join(paragraph)))
            paragraph.clear()

    for number, line in lines:
        stripped = line.strip()
        numbered = _NUMBERED.match(stripped)
        if not stripped:
            end_paragraph()
        elif stripped.startswith("- "):
            end_paragraph()
            blocks.append(Block(BULLET, stripped[2:].strip()))
        elif numbered:
            end_paragraph()
            blocks.append(Block(NUMBERED, numbered.group(2).strip(), int(numbered.group(1))))
        elif line.startswith((" ", "\t")) and blocks and blocks[-1].kind != PARAGRAPH and not paragraph:
            last = blocks.pop()  # a list item running on to the next line
            blocks.append(Block(last.kind, last.text + stripped, last.number))
        elif stripped.startswith(("*", "+", ">", "|", "```")):
            raise ValueError(f"guide.md 第 {number} 行：只用段落、“- ”列表和“1. ”编号列表")
        else:
            paragraph.append(stripped)
    end_paragraph()
    return tuple(blocks)
