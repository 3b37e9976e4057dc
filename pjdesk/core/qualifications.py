"""Who must hold which certificate, and the reminders that follow from it (待办): a certificate that falls due
(有效期 or 复审) within 60 days or has lapsed while its holder is 在册, and a special operator (特种作业人员)
with no valid certificate of the kinds the work needs.

The certificate types of a special operator are defined here once: T51 counts by them
(pjdesk.indicators.people_targets) and the reminders ask for them.
"""

from __future__ import annotations

from .person import lapse_date_sql, on_roster_sql, valid_on_sql
from .reminders import ReminderSource, reminder_source

SPECIAL_OPERATOR = "特种作业人员"
# 特种作业人员持证上岗 (T51): any of these, valid on the day.
SPECIAL_CERTIFICATES = ("特种作业操作证", "特种设备作业人员证", "建筑施工特种作业操作资格证")
DUE_WITHIN_DAYS = 60


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


# The certificate's name as printed: its type and, when recorded, its 作业类别.
_NAME = "c.cert_type || COALESCE('（' || NULLIF(c.work_class, '') || '）', '')"
_REVIEW_FIRST = "(c.review_due IS NOT NULL AND c.review_due = c.lapse)"

CERTIFICATE_DUE = reminder_source(ReminderSource(
    name="certificate_due",
    label="证书到期、复审",
    kind="certificate",
    days=DUE_WITHIN_DAYS,
    # A certificate replaced by a later one of the same type (a renewal entered as a new record) is not due.
    sql=f"""
    SELECT c.id AS record, c.township AS township, p.unit_id AS unit_id, c.person_id AS person_id,
           CASE WHEN c.lapse < :today AND {_REVIEW_FIRST} THEN {_NAME} || '逾期未复审（应于 ' || c.lapse || ' 前复审）'
                WHEN c.lapse < :today THEN {_NAME} || '已过期（有效期至 ' || c.lapse || '）'
                WHEN {_REVIEW_FIRST} THEN {_NAME} || '应于 ' || c.lapse || ' 前复审'
                ELSE {_NAME} || '将于 ' || c.lapse || ' 到期' END AS reason,
           c.lapse AS due
    FROM (SELECT c.*, {lapse_date_sql("c")} AS lapse FROM certificate c WHERE c.deleted = 0) c
    JOIN person p ON p.id = c.person_id AND p.deleted = 0 AND {on_roster_sql("p", ":today")}
    WHERE c.lapse <= :soon
      AND NOT EXISTS (SELECT 1 FROM certificate n WHERE n.person_id = c.person_id AND n.cert_type = c.cert_type
                      AND n.deleted = 0 AND n.id != c.id AND {lapse_date_sql("n")} > c.lapse)
    """))

UNCERTIFIED_OPERATOR = reminder_source(ReminderSource(
    name="uncertified_operator",
    label="特种作业人员无有效证书",
    kind="person",
    topic="certificates",
    days=0,
    # Due since the later of the day they were hired and the day their last such certificate lapsed.
    sql=f"""
    SELECT p.id AS record, p.township AS township, p.unit_id AS unit_id, p.id AS person_id,
           '特种作业人员未持有效的特种作业证书' AS reason,
           COALESCE(NULLIF(MAX(COALESCE(p.hired, ''), COALESCE(
               (SELECT MAX(date({lapse_date_sql("c")}, '+1 day')) FROM certificate c
                WHERE c.person_id = p.id AND c.deleted = 0 AND c.cert_type IN ({_quoted(SPECIAL_CERTIFICATES)})),
               '')), ''), :today) AS due
    FROM person p
    WHERE p.deleted = 0 AND p.role_class = '{SPECIAL_OPERATOR}' AND {on_roster_sql("p", ":today")}
      AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.person_id = p.id AND c.deleted = 0
                      AND c.cert_type IN ({_quoted(SPECIAL_CERTIFICATES)}) AND {valid_on_sql("c", ":today")})
    """))
