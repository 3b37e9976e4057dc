"""The printable 台账 of a month lists every hazard open at any time in the month, and those closed in it: a
hazard found in an earlier month and still open was left out, so the month's ledger hid the old work still
owed."""

from __future__ import annotations

from pypdf import PdfReader

from pjdesk.core.periods import Month
from pjdesk.services import hazards as hz
from pjdesk.services import returns

OCTOBER = Month(2026, 10)


def _hazard(session, unit, text, found, deadline="2026-12-31"):
    return hz.record_hazard(session, {"unit_id": unit, "description": text, "found_date": found,
                                      "deadline": deadline}).id


def _closed(session, hazard, rectified, reviewed, closed):
    hz.complete_rectification(session, hazard, rectified)
    hz.review_hazard(session, hazard, reviewed, True, "李四")
    hz.close_hazard(session, hazard, closed)


def test_the_months_ledger_lists_what_was_open_in_it_and_what_was_closed_in_it(session, unit, tmp_path):
    _hazard(session, unit, "八月发现至今未改", "2026-08-03")
    _hazard(session, unit, "去年发现至今未改", "2025-11-20")
    _closed(session, _hazard(session, unit, "九月发现十月销号", "2026-09-10"), "2026-10-02", "2026-10-05", "2026-10-08")
    _closed(session, _hazard(session, unit, "九月发现九月销号", "2026-09-01"), "2026-09-05", "2026-09-08", "2026-09-20")
    _closed(session, _hazard(session, unit, "十月发现十月销号", "2026-10-03"), "2026-10-10", "2026-10-12", "2026-10-15")
    _hazard(session, unit, "十一月发现", "2026-11-02")
    closed_then_withdrawn = _hazard(session, unit, "九月销号十月撤销", "2026-09-02")
    _closed(session, closed_then_withdrawn, "2026-09-04", "2026-09-06", "2026-09-09")
    hz.reopen_hazard(session, closed_then_withdrawn, "2026-10-12", "复查记录有误")
    _closed(session, _hazard(session, unit, "八月发现十一月销号", "2026-08-20"), "2026-11-01", "2026-11-02", "2026-11-03")

    filled = returns.fill_form(session, "台账", OCTOBER)
    listed = {r["description"]: r["status"] for r in filled.rows}
    assert listed == {
        "去年发现至今未改": "发现",
        "八月发现至今未改": "发现",
        "八月发现十一月销号": "发现",  # as it stood on 31 October
        "九月销号十月撤销": "复查合格",  # its 销号 withdrawn in October: open again in the month
        "九月发现十月销号": "销号",
        "十月发现十月销号": "销号",
    }
    assert [r["description"] for r in filled.rows][:2] == ["去年发现至今未改", "八月发现至今未改"], "oldest first"

    built = returns.build_return(session, "台账", OCTOBER, tmp_path)
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(built.pdf).pages)
    assert "本期内任何时候未销号的隐患" in text and "本期销号的隐患" in text, "its 说明 says what it lists"
    assert "九月发现九月销号" not in text and "十一月发现" not in text
