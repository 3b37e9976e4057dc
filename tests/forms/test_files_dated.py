"""Rendered files bear the day on the form, never the moment they were drawn: the program reads no wall clock
(the libraries' own stamps included), and the same form renders to the same bytes, whenever it is drawn."""

from __future__ import annotations

import datetime as dt
import time
import zipfile

import openpyxl
import pytest

from pjdesk.forms import pdf, xlsx
from pjdesk.forms.document_pdf import render_document_pdf
from pjdesk.forms.document_xlsx import render_document_xlsx
from pjdesk.forms.documents import rectification_order
from tests.forms.conftest import table2


@pytest.fixture
def moving_clock(monkeypatch):
    """The wall clock jumps a day and a half between two renderings (and reads as 2031 under it)."""
    now = [1_950_000_000.0]

    def move() -> None:
        now[0] += 129_600

    monkeypatch.setattr(time, "time", lambda: now[0])
    monkeypatch.setattr(time, "localtime", lambda t=None: time.gmtime(now[0] if t is None else t))
    return move


def a_return():
    return table2.__wrapped__()  # 表2 of 2026年11月, filled on 2026-11-30


def an_order():
    inspection = {"date": "2026-11-28", "mode": "计划执法", "officers": []}
    unit = {"name": "平江县恒昌化工有限公司"}
    hazards = [{"hazard_no": "430626101-2026-A0001", "location": "仓库", "description": "灭火器过期",
                "measures": "更换", "deadline": "2026-12-05"}]
    return rectification_order(inspection, unit, hazards, issuer="平江县安定镇人民政府", doc_no="安定安监责改〔2026〕1号")


@pytest.mark.parametrize("render, make", [(pdf.render_pdf, a_return), (xlsx.render_xlsx, a_return),
                                          (render_document_pdf, an_order), (render_document_xlsx, an_order)])
def test_the_same_form_renders_to_the_same_bytes_whatever_the_clock(tmp_path, moving_clock, render, make):
    first = render(make(), tmp_path / "first").read_bytes()
    moving_clock()
    second = render(make(), tmp_path / "second").read_bytes()
    assert first == second


def test_the_files_bear_the_day_on_the_form(tmp_path, moving_clock):
    made = pdf.render_pdf(a_return(), tmp_path / "r.pdf").read_bytes()
    assert b"/CreationDate (D:20261130000000" in made
    book = xlsx.render_xlsx(a_return(), tmp_path / "r.xlsx")
    props = openpyxl.load_workbook(book).properties
    assert props.created == props.modified == dt.datetime(2026, 11, 30)
    assert {i.date_time for i in zipfile.ZipFile(book).infolist()} == {(2026, 11, 30, 0, 0, 0)}
    order = render_document_pdf(an_order(), tmp_path / "o.pdf").read_bytes()
    assert b"/CreationDate (D:20261128000000" in order  # the inspection's day: no 签发 day was given
