"""The one table both renderers draw: header cells with their spans, and every body cell as a value and text.

Everything the PDF and the XLSX have in common is decided here, once: which ratios are computed, what 合计
adds up, how a figure is rounded and printed. The PDF prints ``Cell.text``; the XLSX stores ``Cell.value``
under ``NUMBER_FORMATS``, which shows the same text. Rounding is half up on the decimal value, as Excel,
WPS and LibreOffice display it, so 6.25% prints 6.3% on paper and on screen alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .spec import (
    DATE,
    DECIMAL,
    INT,
    MONEY,
    PERCENT,
    PERMILLE,
    RATIO_KINDS,
    SERIAL_KEY,
    WANYUAN,
    Column,
    FilledForm,
    FormSpec,
)

UNDEFINED = "—"  # a ratio with nothing to divide by
NUMBER_FORMATS = {INT: "0", PERCENT: "0.0%", MONEY: "#,##0.00", DATE: "yyyy-mm-dd", DECIMAL: "0.00",
                  PERMILLE: '0.00"‰"'}
FEN_PER_UNIT = {WANYUAN: 1_000_000}  # 元 otherwise: 100 分
PERIOD_LABEL, DATE_LABEL, UNIT_LABEL = "报告期", "填报日期", "填报单位"
PREPARER_LABEL, REVIEWER_LABEL, CODE_LABEL = "填报人", "审核人（分管领导）", "表号"


@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int  # 0-based among the header rows
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Cell:
    value: object  # what a spreadsheet stores: int, float (元, 万元 or a fraction), date, str or None
    text: str  # what is printed


BLANK = Cell(None, "")


@dataclass(frozen=True)
class FormTable:
    columns: tuple[Column, ...]
    header: tuple[HeaderCell, ...]
    header_rows: int
    body: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None


def build_table(filled: FilledForm) -> FormTable:
    spec = filled.spec
    columns = spec.table_columns
    header, depth = header_cells(columns)
    body = tuple(
        tuple(_row_cell(column, row, number) for column in columns)
        for number, row in enumerate(filled.rows, start=1)
    )
    total = None
    if spec.total_row:
        sums = total_values(spec, filled.rows, filled.total)
        # The parts of a ratio are summed to divide them, but printed only if their column adds up.
        printed = {c.key for c in spec.columns if c.summed or c.ratio} | set(filled.total or ())
        total = tuple(_total_cell(spec, column, sums, index) if column.key in printed or index == 0 else BLANK
                      for index, column in enumerate(columns))
    return FormTable(columns, header, depth, body, total)


def header_cells(columns: Sequence[Column]) -> tuple[tuple[HeaderCell, ...], int]:
    """Two header rows when any column has a group: adjacent columns of a group share a merged cell above
    their own labels, and a column without a group spans both rows."""
    if not any(c.group for c in columns):
        return tuple(HeaderCell(c.label, 0, i) for i, c in enumerate(columns)), 1
    cells = []
    index = 0
    while index < len(columns):
        group = columns[index].group
        if group is None:
            cells.append(HeaderCell(columns[index].label, 0, index, rowspan=2))
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == group:
            end += 1
        cells.append(HeaderCell(group, 0, index, colspan=end - index + 1))
        cells.extend(HeaderCell(columns[i].label, 1, i) for i in range(index, end + 1))
        index = end + 1
    return tuple(cells), 2


def total_values(spec: FormSpec, rows: Sequence[Mapping], given: Mapping | None) -> dict[str, object]:
    """合计: the sum of every summed column and of every ratio's parts; a value the service gives wins."""
    keys = [c.key for c in spec.columns if c.summed]
    keys += [k for c in spec.columns if c.ratio for k in (c.ratio.numerator, c.ratio.denominator)]
    sums: dict[str, object] = {key: sum(_number(row.get(key)) for row in rows) for key in keys}
    sums.update(given or {})
    return sums


def ratio_value(column: Column, values: Mapping) -> float | None:
    numerator = values.get(column.ratio.numerator)
    denominator = values.get(column.ratio.denominator)
    if not denominator or numerator is None:
        return None
    return numerator / denominator


def format_value(column: Column, value: object) -> Cell:
    """A value of the column's kind as stored in a spreadsheet and as printed."""
    if value is None or value == "":
        return Cell(None, UNDEFINED) if column.kind in RATIO_KINDS else BLANK
    kind = column.kind
    if kind == INT:
        return Cell(int(value), str(int(value)))
    if kind == DATE:
        return _date(value) if isinstance(value, str) else _date.__wrapped__(value)
    if kind not in _FIGURES:  # text: a ledger's most cells
        return Cell(str(value), str(value))
    if kind == PERCENT:
        return _percent(value)
    if kind == PERMILLE:
        return _permille(value)
    if kind == DECIMAL:
        return _hundredths(value)
    return _money(value, column.unit)


_FIGURES = frozenset((PERCENT, PERMILLE, DECIMAL, MONEY))


def header_block(filled: FilledForm) -> tuple[tuple[str, str, str], ...]:
    """The lines over the table, each read left, centre, right."""
    return (
        (f"{UNIT_LABEL}：{filled.unit_name}（{filled.unit_code}）", f"{PERIOD_LABEL}：{filled.period_label}",
         f"{CODE_LABEL}：{filled.spec.code}"),
        (f"{PREPARER_LABEL}：{filled.preparer}", f"{REVIEWER_LABEL}：{filled.reviewer}",
         f"{DATE_LABEL}：{long_date(filled.filled_date)}"),
    )


def note_lines(filled: FilledForm) -> tuple[str, ...]:
    notes = (*filled.spec.notes, *filled.notes)
    if not notes:
        return ()
    return ("说明：", *(f"{number}. {text}" for number, text in enumerate(notes, start=1)))


def footer_label(filled: FilledForm) -> str:
    """Printed on every page beside the page number, so a loose sheet still says what it belongs to."""
    return f"{filled.spec.code} {filled.spec.title}　{filled.unit_name}　{filled.period_label}"


def long_date(value: dt.date | str) -> str:
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else str(value)


def _row_cell(column: Column, row: Mapping, number: int) -> Cell:
    if column.key == SERIAL_KEY:
        return Cell(number, str(number))
    if column.ratio:
        return format_value(column, ratio_value(column, row))
    return format_value(column, row.get(column.key))


def _total_cell(spec: FormSpec, column: Column, sums: Mapping, index: int) -> Cell:
    if index == 0:  # the row label, else the serial, else the first column of a list
        return Cell(spec.total_row, spec.total_row)
    if column.ratio:
        return format_value(column, ratio_value(column, sums))
    return format_value(column, sums.get(column.key))


def _number(value: object) -> int | float:
    return value if isinstance(value, (int, float)) else 0


def _percent(value: object) -> Cell:
    if value == UNDEFINED:
        return Cell(None, UNDEFINED)
    shown = (Decimal(repr(float(value))) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Cell(float(value), f"{shown}%")


def _permille(value: object) -> Cell:
    """A fraction in ‰: the spreadsheet stores the ‰ figure (0.12), its format adds the sign."""
    if value == UNDEFINED:
        return Cell(None, UNDEFINED)
    shown = (Decimal(repr(float(value))) * 1000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Cell(float(shown), f"{shown}‰")


def _hundredths(value: object) -> Cell:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"两位小数的数值应以百分之一为单位的整数给出，收到 {value!r}")
    amount = Decimal(value) / 100
    return Cell(float(amount), f"{amount.quantize(Decimal('0.01'))}")


def _money(fen: object, unit: str) -> Cell:
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"金额应为以分为单位的整数，收到 {fen!r}")
    amount = Decimal(fen) / FEN_PER_UNIT.get(unit, 100)
    return Cell(float(amount), f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,}")


@lru_cache(maxsize=4096)
def _date(value: object) -> Cell:
    """(Kept for the ISO dates a ledger repeats; a Cell is immutable.)"""
    day = _as_date(value)
    return Cell(day, day.isoformat()) if day else Cell(str(value), str(value))


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None  # free text such as 长期 is printed as written
