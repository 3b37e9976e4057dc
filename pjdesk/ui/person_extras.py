"""人员's own part of the list page (loaded by record_page.py): the detail panel says, under the person's fields,
the trainings they attended (日期, 类型, 学时, 考核) and the certificates they hold (类别, 编号, 有效期至, and how it
stands today: 有效, 即将到期 as the 待办 list counts it, 已失效), the latest first, from the records that refer to
the person."""

from __future__ import annotations

import html

from pjdesk.core.kinds import KINDS
from pjdesk.core.person import standing
from pjdesk.core.qualifications import DUE_WITHIN_DAYS
from pjdesk.services.referring import referring_records

HISTORY = "<h4 style='margin-bottom:2px'>修改记录</h4>"  # the panel's last section: these go above it
STANDING_COLOURS = {"已失效": "#b3261e", "即将到期": "#8a5300"}
# What each referring kind shows, in the order shown: (section, [(column, how to read it from a row)]).
SECTIONS = {
    "training": ("培训记录", [("日期", lambda r, _: r.get("date")), ("类型", lambda r, _: r.get("training_type")),
                          ("学时", lambda r, _: r.get("hours")), ("考核", lambda r, _: (r.get("via") or {}).get("result"))]),
    "certificate": ("持有证书", [("类别", lambda r, _: _certificate_name(r)), ("编号", lambda r, _: r.get("cert_no")),
                             ("有效期至", lambda r, _: r.get("valid_until")), ("状态", lambda r, day: _standing(r, day))]),
}


def extend_page(page) -> None:
    shown = page.detail_text

    def detail_text(row: dict) -> str:
        text = shown(row)
        extra = held_html(page.session, row["id"])
        at = text.rfind(HISTORY)
        return text[:at] + extra + text[at:] if at >= 0 else text + extra

    page.detail_text = detail_text


def held_html(session, person_id: str) -> str:
    """The person's trainings and certificates as the detail panel shows them (a section each, even empty)."""
    found = {r.kind.name: r for r in referring_records(session, KINDS["person"], person_id)}
    day, parts = session.today(), []
    for name, (title, columns) in SECTIONS.items():
        referring = found.get(name)
        total = referring.total if referring else 0
        parts.append(f"<h4 style='margin-bottom:2px'>{title}（{total}）</h4>")
        if not referring:
            continue
        parts.append("<table cellspacing=0 cellpadding=2 border=1 style='border-color:#ccc'><tr>"
                     + "".join(f"<th>{label}</th>" for label, _ in columns) + "</tr>")
        for row in referring.rows:
            parts.append("<tr>" + "".join(f"<td>{_cell(read(row, day))}</td>" for _, read in columns) + "</tr>")
        parts.append("</table>")
        if total > len(referring.rows):
            parts.append(f"<p style='color:#555;margin:2px 0'>只列出最近的 {len(referring.rows)} 条。</p>")
    return "".join(parts)


def _certificate_name(row: dict) -> str:
    return row["cert_type"] + (f"（{row['work_class']}）" if row.get("work_class") else "")


def _standing(row: dict, day) -> tuple[str, str | None]:
    said = standing(row, day, DUE_WITHIN_DAYS)
    return said, STANDING_COLOURS.get(said)


def _cell(value) -> str:
    """A cell's HTML: a value, or (text, colour)."""
    text, colour = value if isinstance(value, tuple) else (value, None)
    text = "" if text is None else html.escape(str(text))
    return f"<span style='color:{colour}'>{text}</span>" if colour else text
