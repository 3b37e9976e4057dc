"""表3 on paper: the 进度 column is wide enough for a status and its mark to read as words (it printed one or
two characters a line: 复查 / 合格 / （逾 / 期未 / 销 / 号）)."""

from __future__ import annotations

from pypdf import PdfReader

from pjdesk.core.periods import Month
from pjdesk.services import hazards as hz
from pjdesk.services import returns

MAJOR = {"level": "重大", "major_basis": "《工贸企业重大事故隐患判定标准》第四条", "resp_person": "王五",
         "measures": "停产整改，更换设备", "funds": 0, "emergency_plan": "现场处置方案"}


def test_the_progress_column_reads_as_words(session, unit, tmp_path):
    hazard = hz.record_hazard(session, {"unit_id": unit, "description": "反应釜无自动化控制", "found_date": "2026-09-01",
                                        "deadline": "2026-09-30", **MAJOR}).id
    hz.complete_rectification(session, hazard, "2026-09-20")
    hz.review_hazard(session, hazard, "2026-09-25", True, "李四")
    built = returns.build_return(session, "表3", Month(2026, 10), tmp_path)
    [row] = returns.fill_form(session, "表3", Month(2026, 10)).rows
    assert row["progress"] == "复查合格（逾期未销号）"
    lines = [line.strip() for page in PdfReader(built.pdf).pages for line in page.extract_text().splitlines()]
    cell = lines[lines.index("2026-09-30") + 1:lines.index("2026-09-25")]  # between 整改时限 and 复查
    assert "".join(cell) == "复查合格（逾期未销号）"
    assert len(cell) <= 3 and min(len(line) for line in cell) >= 4, cell
