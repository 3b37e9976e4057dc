"""人员, 培训 and 证书: who works in a unit, the training they had and the certificates they hold (工作方案
§二(五) 教育培训, DOMAIN.md §b).

Two questions every figure of this area asks have one definition each, here, in Python and in SQL:

- a person is **在册** (on the roster) on day D when 入职日期 ≤ D (or not recorded) and 离岗日期 is empty or
  after D: ``on_roster`` and ``on_roster_sql``;
- a certificate is **valid** on day D when 有效期至 ≥ D and 下次复审日期, if given, ≥ D: ``valid_on`` and
  ``valid_on_sql``. The day it stops being valid (the earlier of the two) is ``lapse_date`` / ``lapse_date_sql``.

学时 are whole class hours (INT): a sign-in sheet writes 2, 4, 8; a half hour is not a 学时.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .dates import add_years
from .identifiers import check_id_number
from .records import (
    CHILDREN,
    CHOICE,
    DATE,
    ERROR,
    INT,
    LONGTEXT,
    REF,
    Field,
    Problem,
    RecordKind,
)

SPECIAL_OPERATION = "特种作业操作证"  # its 有效期 is six years, 复审 every three (特种作业人员安全技术培训考核管理规定)
PASSED, FAILED = "合格", "不合格"

PERSON_FIELDS = (
    Field("name", "姓名", required=True, in_list=True, max_length=30, initials=True,
          import_names=("姓名", "人员姓名", "员工姓名", "参训人员", "持证人", "持证人姓名")),
    Field("id_number", "身份证号", in_list=True, max_length=18, unique=True, personal=True,
          help="18 位居民身份证号；15 位旧证号或境外证件须在“证件说明”中写明",
          import_names=("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证")),
    Field("id_note", "证件说明", max_length=100,
          help="15 位旧身份证号、护照等境外证件，或校验不通过但确实如此时，写明证件种类或原因"),
    Field("unit_id", "单位", REF, ref="unit", required=True, in_list=True),
    Field("role_class", "岗位类别", CHOICE, "person_role_class", required=True, in_list=True,
          import_names=("岗位类别", "人员类别", "岗位", "人员类型")),
    Field("employment", "用工形式", CHOICE, "employment_form", required=True, in_list=True,
          import_names=("用工形式", "用工类型", "用工方式")),
    Field("hired", "入职日期", DATE, in_list=True, import_names=("入职日期", "入职时间", "上岗日期", "入职")),
    Field("left_on", "离岗日期", DATE, in_list=True, import_names=("离岗日期", "离职日期", "离岗时间", "离职时间")),
    Field("post", "岗位", max_length=50, help="具体岗位或工种，如“电工”“仓库管理员”",
          import_names=("具体岗位", "工种", "岗位名称")),
    Field("phone", "联系电话", max_length=30, personal=True, import_names=("联系电话", "电话", "手机号码", "手机")),
    Field("note", "备注", LONGTEXT),
)

TRAINING_FIELDS = (
    Field("date", "培训日期", DATE, required=True, in_list=True, import_names=("培训日期", "培训时间", "日期")),
    Field("training_type", "培训类型", CHOICE, "training_type", required=True, in_list=True,
          import_names=("培训类型", "培训类别", "培训种类")),
    Field("hours", "学时", INT, required=True, in_list=True, help="本次培训的学时（整数）",
          import_names=("学时", "培训学时", "课时")),
    Field("organiser", "组织单位/培训机构", in_list=True, max_length=100,
          import_names=("培训机构", "组织单位", "培训单位", "主办单位")),
    Field("unit_id", "单位", REF, ref="unit", in_list=True, help="单位自行组织的培训选择该单位；乡镇、县级组织的可不选"),
    Field("attendees", "参训人员", CHILDREN, ref="training_attendee", group="参训人员"),
    Field("note", "备注", LONGTEXT),
)

ATTENDEE_FIELDS = (
    Field("training_id", "培训", REF, ref="training", required=True),
    Field("person_id", "人员", REF, ref="person", required=True),
    Field("result", "考核结果", CHOICE, "exam_result", import_names=("考核结果", "考试结果", "考核情况")),
)

CERTIFICATE_FIELDS = (
    Field("person_id", "人员", REF, ref="person", required=True, in_list=True),
    Field("cert_type", "证书类别", CHOICE, "certificate_type", required=True, in_list=True,
          import_names=("证书类别", "证书类型", "证件类别", "证书名称")),
    Field("work_class", "作业类别/项目", in_list=True, max_length=100,
          import_names=("作业类别", "作业项目", "准操项目", "操作项目", "作业类别/项目")),
    Field("cert_no", "证书编号", in_list=True, max_length=50, import_names=("证书编号", "证号", "证件编号", "证书号")),
    Field("issued", "初领日期", DATE, in_list=True, import_names=("初领日期", "发证日期", "取证日期", "初次领证日期")),
    Field("valid_until", "有效期至", DATE, required=True, in_list=True, years_ahead=10,
          help="特种作业操作证不填时按初领日期加 6 年",
          import_names=("有效期至", "有效期", "有效期限", "到期日期", "有效截止日期")),
    Field("review_due", "下次复审日期", DATE, in_list=True, years_ahead=10,
          help="特种作业操作证不填时按初领日期加 3 年", import_names=("下次复审日期", "复审日期", "应复审日期")),
    Field("issuer", "发证机关", max_length=100, import_names=("发证机关", "发证单位", "发证部门")),
    Field("note", "备注", LONGTEXT),
)


# --- 在册 and valid: the one definition ---------------------------------------------------------------------
def on_roster(values: Mapping, day: dt.date) -> bool:
    """在册 on ``day``: hired on or before it (or no 入职日期 recorded) and not yet left (离岗日期 after it)."""
    d = day.isoformat()
    hired, left = values.get("hired"), values.get("left_on")
    return (not hired or hired <= d) and (not left or left > d)


def on_roster_sql(alias: str = "p", day: str = ":day") -> str:
    """The SQL twin of ``on_roster``: a condition on person ``alias``; ``day`` is an SQL expression for the
    ISO day (a parameter such as ``:day`` or ``?``, or a column). Live rows are the caller's: add
    ``{alias}.deleted = 0``."""
    return (f"(({alias}.hired IS NULL OR {alias}.hired <= {day})"
            f" AND ({alias}.left_on IS NULL OR {alias}.left_on > {day}))")


def valid_on(values: Mapping, day: dt.date) -> bool:
    """A certificate valid on ``day``: 有效期至 on or after it, and 下次复审日期 (if recorded) on or after it."""
    d = day.isoformat()
    until, review = values.get("valid_until"), values.get("review_due")
    return bool(until) and until >= d and (not review or review >= d)


def valid_on_sql(alias: str = "c", day: str = ":day") -> str:
    """The SQL twin of ``valid_on`` on certificate ``alias`` (``day`` as in ``on_roster_sql``)."""
    return (f"({alias}.valid_until IS NOT NULL AND {alias}.valid_until >= {day}"
            f" AND ({alias}.review_due IS NULL OR {alias}.review_due >= {day}))")


def lapse_date(values: Mapping) -> str | None:
    """The last day a certificate is valid: the earlier of 有效期至 and 下次复审日期 (ISO), None if neither."""
    days = [v for v in (values.get("valid_until"), values.get("review_due")) if v]
    return min(days) if days else None


def lapse_date_sql(alias: str = "c") -> str:
    """The SQL twin of ``lapse_date``."""
    return (f"MIN(COALESCE({alias}.valid_until, {alias}.review_due),"
            f" COALESCE({alias}.review_due, {alias}.valid_until))")


def standing(values: Mapping, day: dt.date, due_within: int) -> str:
    """How a certificate stands on ``day``, in the words a detail panel shows: 已失效 (not valid on it), 即将到期
    (its last valid day within ``due_within`` days, as the 待办 list counts it) or 有效."""
    if not valid_on(values, day):
        return "已失效"
    last = lapse_date(values)
    return "即将到期" if last and last <= (day + dt.timedelta(days=due_within)).isoformat() else "有效"


# --- rules -------------------------------------------------------------------------------------------------
def id_number_problems(values: Mapping, today: dt.date) -> list[Problem]:
    """GB 11643: an 18-digit number whose check digit is wrong is refused (the expected digit named); a 15-digit
    legacy number, a foreign document or an impossible birth date is saved only with a 证件说明."""
    raw = values.get("id_number")
    if not raw:
        return []
    check = check_id_number(raw, today)
    if check.ok:
        return []
    if re.fullmatch(r"\d{17}[0-9X]", check.value) and "校验位" in check.message:
        return [Problem("id_number", check.message, ERROR)]
    if values.get("id_note"):
        return []
    if len(check.value) == 15 and check.value.isdigit():
        return [Problem("id_number", "15 位旧身份证号无法校验，请核对证件后在“证件说明”中写明")]
    return [Problem("id_number", check.message.split("；")[0] + "；境外证件或确实如此的，请在“证件说明”中写明")]


def person_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = id_number_problems(values, today)
    hired, left = values.get("hired"), values.get("left_on")
    if hired and left and isinstance(hired, str) and isinstance(left, str) and left < hired:
        problems.append(Problem("left_on", "离岗日期不能早于入职日期"))
    return problems


def _canonical_person(values: dict) -> dict:
    if values.get("id_number"):
        values["id_number"] = re.sub(r"\s", "", values["id_number"]).upper()
    return values


def training_rules(values: Mapping, today: dt.date) -> list[Problem]:
    hours = values.get("hours")
    if isinstance(hours, int) and not isinstance(hours, bool) and hours == 0:
        return [Problem("hours", "学时应大于 0")]
    if isinstance(hours, int) and hours > 200:
        return [Problem("hours", f"学时 {hours} 过大（一次培训最多 200 学时），请核对")]
    people = [a.get("person_id") for a in values.get("attendees") or () if a.get("person_id")]
    if len(people) != len(set(people)):
        return [Problem("attendees", "同一人员在参训人员中出现了两次，请删去重复的一行")]
    return []


def _training_state(row: Mapping, children: Mapping[str, list[Mapping]]) -> dict:
    """From the live attendees: how many took part and how many passed, for the list."""
    rows = [a for a in children.get("training_attendee", ()) if not a.get("deleted")]
    return {"attendee_count": len(rows), "passed_count": sum(1 for a in rows if a.get("result") == PASSED)}


def certificate_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    issued = values.get("issued")
    for name, label in (("valid_until", "有效期至"), ("review_due", "下次复审日期")):
        later = values.get(name)
        if issued and later and isinstance(issued, str) and isinstance(later, str) and later < issued:
            problems.append(Problem(name, f"{label}不能早于初领日期"))
    if values.get("cert_type") == SPECIAL_OPERATION and not issued and not values.get("valid_until"):
        problems.append(Problem("issued", "特种作业操作证请填写初领日期（有效期至按初领日期加 6 年）"))
    return problems


def certificate_defaults(values: dict) -> dict:
    """特种作业操作证: 有效期至 = 初领日期 + 6 years and 下次复审日期 = + 3 years, when not given."""
    if values.get("cert_no"):
        values["cert_no"] = re.sub(r"\s", "", values["cert_no"]).upper()
    if values.get("cert_type") != SPECIAL_OPERATION or not values.get("issued"):
        return values
    try:
        issued = dt.date.fromisoformat(values["issued"])
    except (TypeError, ValueError):
        return values  # the field check names the bad date
    if not values.get("valid_until"):
        values["valid_until"] = add_years(issued, 6).isoformat()
    if not values.get("review_due"):
        values["review_due"] = add_years(issued, 3).isoformat()
    return values


PERSON = RecordKind(
    "person", "人员", "person", PERSON_FIELDS, person_rules, derived=("name_initials",),
    command="people", page="人员", page_group="人员培训", prepare=_canonical_person, matched_by=(("id_number",), ("unit_id", "name")),
    defaults={"employment": "正式", "role_class": "一般从业人员"})
TRAINING = RecordKind(
    "training", "培训", "training", TRAINING_FIELDS, training_rules, title_field="date",
    derived=("attendee_count", "passed_count"), state=_training_state, command="trainings", page="培训", page_group="人员培训",
    derived_labels={"attendee_count": "参训人数", "passed_count": "考核合格"})
TRAINING_ATTENDEE = RecordKind(
    "training_attendee", "参训人员", "training_attendee", ATTENDEE_FIELDS, title_field="person_id",
    parent=("training_id", "training"), defaults={"result": PASSED})
CERTIFICATE = RecordKind(
    "certificate", "证书", "certificate", CERTIFICATE_FIELDS, certificate_rules, title_field="cert_no",
    command="certificates", page="证书", page_group="人员培训", prepare=certificate_defaults)
