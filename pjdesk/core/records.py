"""Record kinds, declared once.

A kind's declaration drives its table columns (checked by a test against the migrations), its entry dialog,
its list columns, the Excel import header names and the sync encoding. Values travel as plain storage
values: text, ISO dates, integer 分 for money, integer hundredths for decimals, 0/1 for flags, ``|``-joined text for tags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .dates import NotADate, out_of_range, parse_date
from .resources import load_config

TEXT, LONGTEXT, DATE, INT, MONEY, BOOL, CHOICE, TAGS, REF, CHILDREN = (
    "text", "longtext", "date", "int", "money", "bool", "choice", "tags", "ref", "children",
)
# A number with two decimals (hectares): stored, like MONEY in 分, as an integer of hundredths, so that sums
# are exact; entered, listed, imported and exported with its decimals.
DECIMAL = "decimal"
TAG_SEPARATOR = "|"

ERROR = "error"  # refused: nothing is saved
INCOMPLETE = "incomplete"  # saved, and marked 待补充 until completed


@dataclass(frozen=True)
class Problem:
    field: str | None
    message: str
    level: str = ERROR


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = TEXT
    vocabulary: str | None = None  # CHOICE / TAGS: a list of resources/config/vocabularies.json
    required: bool = False
    group: str = "基本信息"
    in_list: bool = False
    # A list column that starts hidden (searched, exported and offered in the 列 menu all the same): what a
    # 1366-pixel screen has no room for beside what a clerk reads first.
    list_hidden: bool = False
    help: str = ""
    ref: str | None = None  # REF: the kind referred to; CHILDREN: the child kind (its rows, edited as a table)
    only_when: tuple[str, str] | None = None  # shown and checked only when field == value
    import_names: tuple[str, ...] = ()  # header names a spreadsheet may use for it
    max_length: int = 2000
    initials: bool = False  # searchable by pinyin initials (adz → 安定镇): storage keeps <name>_initials
    unique: bool = False  # no two live records of a township share a value (a unit's credit code)
    years_ahead: int = 0  # DATE: how many years past today it may lie (a deadline); 0: not after today
    # Personal data (a 身份证号): shown in full only in the record's own dialog; lists, printouts and exports
    # show it masked (``masked``), and only the county receives it in full.
    personal: bool = False

    def choices(self) -> list[str]:
        return list(vocabulary(self.vocabulary)) if self.vocabulary else []

    def applies(self, values: Mapping) -> bool:
        return self.only_when is None or values.get(self.only_when[0]) == self.only_when[1]


def _no_rules(values: Mapping, today: dt.date) -> list[Problem]:
    return []


@dataclass(frozen=True)
class RecordKind:
    """A kind of record, declared once. Storage, sync, the lists and the dialogs act on any kind from this
    declaration and its hooks; nothing in the write or merge path asks which kind it is."""

    name: str
    label: str
    table: str
    fields: tuple[Field, ...]
    rules: Callable[[Mapping, dt.date], list[Problem]] = _no_rules
    # Columns the write path maintains from other data (derived state, search keys). Never typed by a
    # user, never carried by sync: each station derives them again.
    derived: tuple[str, ...] = ()
    # Columns the write path fills once at creation (a serial number) and sync carries like any field.
    assigned: tuple[str, ...] = ()
    title_field: str = "name"
    # Hook: derived columns computed from the record's own values, at every write and every merge.
    derive: Callable[[Mapping], dict] | None = None
    # The numbering scheme (a name storage knows) that fills ``assigned`` at creation.
    numbering: str | None = None
    # A child kind (an event of a hazard, an item of an inspection): (its REF field, the parent kind's name).
    # Writing a child refreshes the parent's state.
    parent: tuple[str, str] | None = None
    # Hook of a parent kind: its state columns from its own row and its live children (kind name → rows, in no
    # particular order). Run after every write of the parent or of a child, at commit.
    state: Callable[[Mapping, Mapping[str, list[Mapping]]], dict] | None = None
    # The parent's columns ``state`` reads (fewer than a whole row: a bulk refresh reads 200,000 of them).
    state_reads: tuple[str, ...] = ()
    # The kind's name on the command line and in status --json (units, hazards, inspections); None for kinds
    # that are parts of another (a hazard's events, an inspection's items).
    command: str | None = None
    # Values a new record starts with (the entry dialog, the import, the service).
    defaults: Mapping[str, object] = field(default_factory=dict)
    # Hook: values made canonical before they are checked and stored (a credit code in capitals).
    prepare: Callable[[dict], dict] | None = None
    # Hook: the checks that depend on where the record is entered, (values, at the county) → problems: a township
    # may not enter the figure of a county-level target.
    station_rules: Callable[[Mapping, bool], list[Problem]] | None = None
    # Derived columns a list shows, with their headings (the state: 状态, 检查人员 …), in order.
    derived_labels: Mapping[str, str] = field(default_factory=dict)
    # Derived text columns a search looks in too (an inspection's inspectors' names).
    searched: tuple[str, ...] = ()
    # The label of the kind's own list page in the window's navigation (检查, 人员 …): the window builds the
    # generic list page for it. None for a kind shown inside another's page or on a page of its own making.
    page: str | None = None
    # The navigation entry the page sits under, as one of its tabs (人员, 培训 and 证书 under 人员培训), so that
    # the window's list stays short; None: an entry of its own.
    page_group: str | None = None
    # Whether the county records this kind itself (the bureau's own 执法检查 are the county's records), by
    # hand or from a sheet. Else the county only reads what the townships send.
    county_writes: bool = False
    # How a sheet's row names a record of this kind that another refers to (a training's attendee, a
    # certificate's holder): alternatives tried in order, each a tuple of fields that together identify one
    # record; a REF field among them is matched by its record's title (a unit by its name).
    matched_by: tuple[tuple[str, ...], ...] = ()
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def field(self, name: str) -> Field:
        if not self._index:
            self._index.update((f.name, f) for f in self.fields)
        return self._index[name]

    def field_names(self) -> list[str]:
        """The stored fields (a CHILDREN field is not a column: its rows are records of the child kind)."""
        return [f.name for f in self.fields if f.type != CHILDREN]

    def children_fields(self) -> list[Field]:
        return [f for f in self.fields if f.type == CHILDREN]

    def refs(self) -> list[Field]:
        """The fields that refer to a record of another (or the same) kind."""
        return [f for f in self.fields if f.type == REF and f.ref]

    def initial_state(self, values: Mapping) -> dict:
        """The state of a record that has no children yet (what an insert and a merge write first)."""
        return self.state(values, {}) if self.state else {}

    def initials_fields(self) -> list[str]:
        """Fields whose pinyin initials storage keeps in ``<field>_initials`` (a derived column), for search."""
        return [f.name for f in self.fields if f.initials]


def masked(value) -> str | None:
    """A personal value as lists and exports show it: an ID number keeps its first six and last four characters
    (430626********1234), a phone number its first three and last four (138****5678), anything shorter its
    last character."""
    if value is None or value == "":
        return value
    text = str(value)
    head = 6 if len(text) >= 15 else 3 if len(text) >= 8 else 0
    tail = 4 if head else 1
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def vocabulary(name: str) -> list[str]:
    return load_config("vocabularies")[name]


def split_tags(value: str | None) -> list[str]:
    return [t for t in (value or "").split(TAG_SEPARATOR) if t]


def join_tags(tags) -> str:
    return TAG_SEPARATOR.join(dict.fromkeys(t.strip() for t in tags if t and t.strip()))


def normalise(kind: RecordKind, values: Mapping) -> dict:
    """Trim text, turn empty strings into None: what is stored for what was typed."""
    out = {}
    for f in kind.fields:
        if f.name not in values:
            continue
        v = values[f.name]
        if f.type == CHILDREN:  # the rows are the child kind's records: normalised as such by their service
            out[f.name] = [dict(row) for row in v or ()]
            continue
        if isinstance(v, str):
            v = v.strip() or None
        elif isinstance(v, dt.date) and f.type == DATE:
            v = (v.date() if isinstance(v, dt.datetime) else v).isoformat()
        if f.type == BOOL:
            v = 1 if v else 0
        out[f.name] = v
    return out


def validate(kind: RecordKind, values: Mapping, today: dt.date) -> list[Problem]:
    """Field-level checks from the declaration, then the kind's own rules. Returns every problem found."""
    problems: list[Problem] = []
    for f in kind.fields:
        if not f.applies(values) or f.type == CHILDREN:
            continue
        v = values.get(f.name)
        if v is None or v == "":
            if f.required:
                verb = "选择" if f.type in (CHOICE, REF) else "填写"
                problems.append(Problem(f.name, f"请{verb}“{f.label}”"))
            continue
        if f.type == DATE:
            try:
                day = parse_date(v)
            except NotADate as e:
                problems.append(Problem(f.name, f"{f.label}：{e}"))
                continue
            if day and day.isoformat() != v:
                problems.append(Problem(f.name, f"{f.label}应写成 YYYY-MM-DD"))
            elif day and (reason := out_of_range(day, today, f.label, years_ahead=f.years_ahead)):
                problems.append(Problem(f.name, reason))
        elif f.type in (INT, MONEY, DECIMAL):
            if not isinstance(v, int) or isinstance(v, bool):
                problems.append(Problem(f.name, f"{f.label}应为整数"))
            elif v < 0:
                problems.append(Problem(f.name, f"{f.label}不能为负数"))
        elif f.type == CHOICE:
            if v not in f.choices():
                problems.append(Problem(f.name, f"{f.label}“{v}”不在可选项中（{'、'.join(f.choices())}）"))
        elif f.type == TAGS:
            unknown = [t for t in split_tags(v) if t not in f.choices()]
            if unknown:
                problems.append(Problem(f.name, f"{f.label}“{'、'.join(unknown)}”不在可选项中"))
        elif f.type in (TEXT, LONGTEXT) and isinstance(v, str) and len(v) > f.max_length:
            problems.append(Problem(f.name, f"{f.label}过长（{len(v)} 字，最多 {f.max_length} 字）"))
    return problems + kind.rules(values, today)


def errors(problems) -> list[Problem]:
    return [p for p in problems if p.level == ERROR]
