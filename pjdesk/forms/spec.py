"""A return (报表) or printable list, declared once as data, and the same declaration filled with figures.

A spec says what the paper shows: the title, the columns under their group headers, the 合计 row, the notes
under the table and the signature block. A service fills it with plain values (it knows the database; this
package does not) and hands the ``FilledForm`` to ``render_pdf`` and ``render_xlsx``, which draw the same
cells from it. Adding a return is one ``FormSpec`` and the service that computes its rows.

Values in a row, by column kind:
  INT      an integer (``None`` prints nothing)
  MONEY    integer 分, as stored; the column's ``unit`` (元 or 万元) says how it is printed
  PERCENT  a fraction (0.925 prints 92.5%), ``None`` or "—" when undefined; a column with a ``ratio`` is
           computed here from two other keys of the row instead, so 合计 divides its own sums
  DECIMAL  integer hundredths (hectares, as stored), printed with two decimals and summed like INT
  PERMILLE a fraction printed in ‰ (0.00012 prints 0.12‰), like PERCENT otherwise
  DATE     an ISO date string or a ``datetime.date``
  TEXT     a string
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

INT, MONEY, PERCENT, DATE, TEXT = "int", "money", "percent", "date", "text"
DECIMAL, PERMILLE = "decimal", "permille"
KINDS = (INT, MONEY, PERCENT, DATE, TEXT, DECIMAL, PERMILLE)
NUMERIC_KINDS = (INT, MONEY, PERCENT, DECIMAL, PERMILLE)
RATIO_KINDS = (PERCENT, PERMILLE)
YUAN, WANYUAN = "元", "万元"

# The row label of an aggregate return (行业领域, 乡镇（街道）) and the serial of a list are columns the
# engine adds itself, under these keys.
ROW_LABEL_KEY = "label"
SERIAL_KEY = "serial"


@dataclass(frozen=True)
class Ratio:
    """A percent that is numerator ÷ denominator of two keys of the same row (they need not be printed)."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    # The level-1 header over several adjacent columns (一般隐患); a column without one spans both header rows.
    group: str | None = None
    # In CJK characters at the form's font size. The PDF scales the widths to the page, so they are
    # proportions there; the XLSX uses them as column widths.
    width: float = 6
    unit: str | None = None  # MONEY only: YUAN or WANYUAN
    ratio: Ratio | None = None  # PERCENT only: computed for every row and for 合计
    in_total: bool = True  # INT and MONEY are summed into 合计 unless this is False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"栏目“{self.label}”的类型 {self.kind!r} 无效，应为 {KINDS} 之一")
        if (self.kind == MONEY) != (self.unit is not None) or self.unit not in (None, YUAN, WANYUAN):
            raise ValueError(f"栏目“{self.label}”：金额栏须注明单位（元或万元），其他栏不注单位")
        if self.ratio is not None and self.kind not in RATIO_KINDS:
            raise ValueError(f"栏目“{self.label}”：只有百分比栏可以按比值计算")

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def summed(self) -> bool:
        return self.in_total and self.kind in (INT, MONEY, DECIMAL)


@dataclass(frozen=True)
class FormSpec:
    code: str  # 表号: 表2
    title: str
    period_kind: str  # month, quarter, year, or period for a ledger of any span
    orientation: str  # landscape or portrait (A4 either way)
    columns: tuple[Column, ...]
    # The first column of an aggregate return (行业领域); None for a list of records.
    row_label: str | None = None
    row_label_width: float = 8
    # A list of records numbers its rows under this header (序号); None for no serial column.
    serial_label: str | None = None
    total_row: str | None = "合计"
    notes: tuple[str, ...] = ()  # printed under the table, e.g. the definitions of the figures
    signature_labels: tuple[str, ...] = ("填报人（签字）", "审核人（签字）", "单位（盖章）")
    font_size: float = 9

    def __post_init__(self):
        if self.orientation not in ("landscape", "portrait"):
            raise ValueError(f"{self.code}：纸张方向 {self.orientation!r} 无效，应为 landscape 或 portrait")
        keys = [c.key for c in self.table_columns]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.code}：栏目代码重复")
        for column in self.columns:
            if column.ratio and column.key in (column.ratio.numerator, column.ratio.denominator):
                raise ValueError(f"{self.code}：比值栏“{column.label}”不能由自身计算")

    @property
    def table_columns(self) -> tuple[Column, ...]:
        """Every printed column, left to right, including the row label and serial the engine adds."""
        lead = []
        if self.row_label:
            lead.append(Column(ROW_LABEL_KEY, self.row_label, TEXT, width=self.row_label_width))
        if self.serial_label:
            lead.append(Column(SERIAL_KEY, self.serial_label, INT, width=3, in_total=False))
        return (*lead, *self.columns)

    @property
    def value_keys(self) -> dict[str, str]:
        """The keys a service must provide, with their labels: printed columns that are not computed here,
        and the parts of ratios."""
        keys = {c.key: c.label for c in self.table_columns if c.key != SERIAL_KEY and not c.ratio}
        for column in self.columns:
            if column.ratio:
                for part in (column.ratio.numerator, column.ratio.denominator):
                    keys.setdefault(part, f"{column.label}的{'分子' if part == column.ratio.numerator else '分母'}")
        return keys


@dataclass(frozen=True)
class FilledForm:
    spec: FormSpec
    unit_name: str  # 填报单位: 安定镇
    unit_code: str  # its 9-digit code (430626101), or 430626 for the county
    period_label: str  # 报告期 as printed: 2026年11月
    preparer: str  # 填报人
    reviewer: str  # 审核人（分管领导）
    filled_date: dt.date | str  # 填报日期, a date or an ISO string
    rows: Sequence[Mapping[str, object]]  # values by column key; keys the spec does not print are ignored
    # 合计 is summed from the rows; a value given here wins for its key (a figure that does not add up,
    # such as a count of distinct units). Ratios are then divided from the 合计's own parts.
    total: Mapping[str, object] | None = None
    notes: tuple[str, ...] = ()  # appended to the spec's notes (填报说明 of this period)

    def __post_init__(self):
        # A row may carry more than is printed (a service can hand over whole records), but a key that no
        # row has is a misspelt or forgotten figure, which would otherwise print as a silent blank column.
        if not self.rows:
            return
        missing = [f"{label}（{key}）" for key, label in self.spec.value_keys.items()
                   if not any(key in row for row in self.rows)]
        if missing:
            raise ValueError(f"{self.spec.code} 的行缺少栏目：{'、'.join(missing)}")
