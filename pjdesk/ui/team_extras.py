"""应急队伍's own part of the list page (loaded by record_page.py): the derived 装备配齐 column says 是 or 否
(the engine shows a derived column as the number it stores)."""

from __future__ import annotations

from dataclasses import replace


def _yes_no(value, _record) -> str:
    return "是" if value else "否"


def extend_page(page) -> None:
    columns = page.model.columns
    for index, column in enumerate(columns):
        if column.key == "equipment_complete":
            columns[index] = replace(column, format=_yes_no)
