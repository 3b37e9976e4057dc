"""How a change-log row is stored: the one encode/decode pair every reader and writer of ``change_log`` uses.

A five-year county holds well over a million changes, so a row is kept compact (schema 16, migration m016):

- no ``id`` column: a change's id is ``device:dseq`` (the exchange files check it is), made again on reading;
- ``fields`` as a binary record (below) instead of JSON that repeats every field name in every row.

``record_id`` stays text, as the record tables have it: the backups' increments and the facts of the returns
join the log to the records by it.

The binary ``fields`` start with a format byte. Format 1: for each field, its name as a varint (an index + 1
into NAMES, or 0 followed by the name's UTF-8, length first), then a tag byte and the value. Strings found in
VALUES are stored as their index, canonical UUIDs as 16 bytes, ISO dates as their day number; numbers that
are not integers go as JSON text. NAMES and VALUES are part of the format: an entry once there keeps its
index forever, so they only ever grow at the end (tests/storage/test_change_codec.py holds the first ones
fixed). A decoded record equals what ``json.loads`` gave for the JSON it replaces, key order included.

Exchange files keep their JSON rows: a row is decoded before it is written to a bundle.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

from pjdesk.core.errors import PjdeskError

# The stored columns, in the order of the rows ``stored`` makes and ``change`` reads.
COLUMNS = ("device", "dseq", "hlc", "operator", "kind", "record_id", "township", "op", "fields", "base")
# A change as exchange files carry it and ``change`` gives it back: the id first, then the columns.
KEYS = ("id", *COLUMNS)
SELECTED = ", ".join(COLUMNS)
INSERT = f"INSERT INTO change_log({SELECTED}) VALUES ({', '.join('?' * len(COLUMNS))})"

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# The field names of pjdesk's kinds when format 1 was made. Append only; never reorder or remove.
NAMES = (
    "name", "uscc", "uscc_note", "no_licence", "sector", "is_high_risk", "crowded_type", "is_above_scale",
    "dual_prevention", "yihui_sanka", "new_in_park", "three_simultaneous", "village", "address", "principal",
    "phone", "status", "lead_dept", "note", "hazard_no", "unit_id", "description", "location", "level",
    "category", "source", "found_date", "found_by", "inspection_id", "tags", "resp_unit", "resp_person",
    "measures", "funds", "deadline", "interim_controls", "emergency_plan", "major_basis", "governance_plan",
    "supervision_level", "supervision_body", "supervision_date", "supervision_doc_no", "assignment_no",
    "ledger_date", "notice_record", "hazard_id", "kind", "date", "result", "actor", "new_deadline", "form",
    "period", "title", "preparer", "reviewer", "filled_date", "figures", "pdf_file", "pdf_sha256", "xlsx_file",
    "xlsx_sha256", "mode", "random_draw_ref", "checklist", "content", "findings", "hazards_reported",
    "stop_order", "fine", "unit_signer", "code", "text", "cert_no", "doc_no", "doc_type", "follows_id", "issuer",
    "served_date", "record_kind", "record_id", "sha256", "label", "bytes", "mime", "id_number", "id_note",
    "role_class", "employment", "hired", "left_on", "post", "training_type", "hours", "organiser", "training_id",
    "person_id", "cert_type", "work_class", "issued", "valid_until", "review_due", "version", "filed",
    "filed_with", "next_assessment", "plan_id", "purpose", "scenario", "organizer", "participants",
    "duration_min", "evaluators", "exec_status", "plan_reasonableness", "command_coordination",
    "responder_performance", "equipment_suitability", "goals_met", "summary", "improvements", "reported",
    "drill_id", "problem", "responsible", "type", "founded", "leader", "members", "team_id", "quantity",
    "required_qty", "occurred", "occurred_time", "party_name", "industry", "place", "is_production",
    "is_disaster", "deaths", "missing", "serious", "minor", "loss", "cause", "burned_ha100", "forest_ha100",
    "riders", "helmeted", "vehicles", "modified", "received", "matter", "verified", "amount", "paid_on", "facts",
    "channel", "batch", "meeting_type", "host", "attendees", "topics", "target_id", "value", "numerator",
    "denominator", "reporter", "delete_reason",
)

# Values that recur: the vocabularies and the hazard's statuses and events when format 1 was made. Append only.
VALUES = (
    "危化", "非煤矿山", "烟花爆竹", "金属冶炼", "涉爆粉尘", "钢铁/铝加工", "工贸其他", "建筑施工", "燃气", "交通运输",
    "特种设备使用", "人员密集场所", "自建房经营", "文旅", "学校", "其他", "公众聚集场所", "医院门诊/病房楼",
    "学校教学楼/图书馆/食堂/集体宿舍", "养老院/福利院/托儿所/幼儿园", "公共图书馆阅览室/展览馆/博物馆展厅",
    "劳动密集型企业车间和员工集体宿舍", "旅游/宗教活动场所", "正常", "停产", "关闭", "取缔", "企业自查", "乡镇检查",
    "部门执法", "上级交办", "群众举报", "媒体曝光", "部门移送", "一般", "重大", "基础管理", "现场管理", "人的不安全行为",
    "物的不安全状态", "环境因素", "管理缺陷", "县级", "市级", "省级", "人员密集场所封堵安全出口/疏散通道",
    "高层建筑封堵安全出口/疏散通道", "自建房", "专项整治回头看", "潜在风险重大隐患回头看", "高危企业一单四制", "打非治违",
    "日常巡查", "专项检查", "计划执法", "双随机", "举报核查", "联合检查", "整改复查", "暗查暗访", "符合", "不符合", "不涉及",
    "现场检查方案", "现场检查记录", "现场处理措施决定书", "责令限期整改指令书", "强制措施决定书", "整改复查意见书",
    "立案审批表", "询问笔录", "行政处罚告知书", "陈述申辩笔录", "听证告知书", "行政处罚决定书", "案件移送书", "结案审批表",
    "整改前", "整改后", "现场", "文书扫描件", "主要负责人", "分管负责人", "专职安全管理人员", "班组长", "特种作业人员",
    "高风险岗位操作人员", "一般从业人员", "正式", "劳务派遣", "灵活用工", "岗前培训", "年度再培训", "三类人员培训",
    "三级安全教育", "特种作业培训", "新调整监管人员培训", "合格", "不合格", "特种作业操作证", "特种设备作业人员证",
    "建筑施工特种作业操作资格证", "安全生产知识和管理能力考核合格证", "总体", "专项", "部门", "企业综合", "企业专项",
    "现场处置方案", "应急处置卡", "桌面", "实战", "单项", "综合", "检验性", "示范性", "研究性", "达成", "部分达成",
    "未达成", "未完成", "整改中", "完成", "乡镇应急队伍", "半专业森林消防队", "村级应急分队", "企业应急救援队",
    "农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业", "批发和零售业",
    "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业", "金融业", "房地产业", "租赁和商务服务业",
    "科学研究和技术服务业", "水利、环境和公共设施管理业", "居民服务、修理和其他服务业", "教育", "卫生和社会工作",
    "文化、体育和娱乐业", "公共管理、社会保障和社会组织", "国际组织", "物体打击", "车辆伤害", "机械伤害", "起重伤害",
    "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌", "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸",
    "容器爆炸", "其它爆炸", "中毒和窒息", "其它伤害", "属实", "部分属实", "不属实", "核查中", "专班联席会议",
    "安委办分析研判会", "安委会全体会议", "发现", "已整改待复查", "复查合格", "销号", "整改通知", "整改完成", "复查", "延期",
    "撤销销号", "县应急管理局",
)

_NAME_INDEX = {name: i + 1 for i, name in enumerate(NAMES)}
_VALUE_INDEX = {value: i for i, value in enumerate(VALUES)}
# Tags of format 1.
_NONE, _FALSE, _TRUE, _INT, _NEG, _UUID, _DATE, _TEXT, _VALUE, _JSON = range(10)
_FORMAT_JSON, _FORMAT_1 = 0, 1


def _uuid_bytes(text: str) -> bytes | None:
    """The 16 bytes of a canonical UUID (lower-case hex, hyphens at 8, 13, 18 and 23), else None."""
    if len(text) != 36 or not text[8] == text[13] == text[18] == text[23] == "-":
        return None
    digits = text.replace("-", "")
    try:
        data = bytes.fromhex(digits)
    except ValueError:
        return None
    # fromhex also takes capitals and spaces: only what hex() gives back exactly is canonical.
    return data if len(data) == 16 and data.hex() == digits else None


# --- fields -------------------------------------------------------------------------------------------------
def _varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _text(out: bytearray, tag: int, value: str) -> None:
    data = value.encode("utf-8", "surrogatepass")
    out.append(tag)
    _varint(out, len(data))
    out += data


def encode_fields(fields: Mapping) -> bytes:
    """The stored form of a change's fields (a mapping of names to plain values)."""
    if not isinstance(fields, dict) or not all(type(k) is str for k in fields):
        return bytes([_FORMAT_JSON]) + _json(fields).encode("utf-8", "surrogatepass")
    out = bytearray((_FORMAT_1,))
    put = out.append  # every row takes this path: small numbers (most) are one byte, written inline
    for name, value in fields.items():
        index = _NAME_INDEX.get(name)
        if index is None:
            _text(out, 0, name)
        elif index < 0x80:
            put(index)
        else:
            _varint(out, index)
        kind = type(value)
        if kind is str:
            index = _VALUE_INDEX.get(value)
            if index is not None and index < 0x80:
                put(_VALUE)
                put(index)
                continue
            if index is not None:
                put(_VALUE)
                _varint(out, index)
                continue
            size = len(value)
            if size == 36 and (key := _uuid_bytes(value)) is not None:
                put(_UUID)
                out += key
                continue
            if size == 10 and value[4] == value[7] == "-" and (day := _day(value)) is not None:
                put(_DATE)
                _varint(out, day)
                continue
            data = value.encode("utf-8", "surrogatepass")
            put(_TEXT)
            if len(data) < 0x80:
                put(len(data))
            else:
                _varint(out, len(data))
            out += data
        elif value is None:
            put(_NONE)
        elif kind is bool:
            put(_TRUE if value else _FALSE)
        elif kind is int:
            if 0 <= value < 0x80:
                put(_INT)
                put(value)
            else:
                put(_INT if value >= 0 else _NEG)
                _varint(out, abs(value))
        else:  # a float, or anything else JSON holds: as JSON, which gives it back as json.loads did
            _text(out, _JSON, _json(value))
    return bytes(out)


def _day(text: str) -> int | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day.toordinal() if day.isoformat() == text else None


class DamagedChange(PjdeskError):
    """A change in the log whose fields cannot be read: the file was damaged, or changed by other software."""


DAMAGED = ("数据文件中有变更记录已损坏，无法读取{where}。本机的数据文件可能已损坏或被其他软件改动过：请从最近的备份恢复"
           "（设置 → 备份与恢复）；仍不行时，请联系县级")


def decode_fields(data: bytes | str) -> dict:
    """The fields a stored value holds (JSON text, as rows written before schema 16 were, is read too).

    A value that is not one ``encode_fields`` (or the JSON before it) wrote, however it came to be so (a
    damaged or forged file: cut short, a wrong tag, a length past its end, text that is not UTF-8), is
    refused with DamagedChange, never read as something else."""
    try:
        fields = _decoded(data)
    except (IndexError, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise DamagedChange(DAMAGED.format(where="")) from e
    if type(fields) is not dict:
        raise DamagedChange(DAMAGED.format(where=""))
    return fields


def _decoded(data: bytes | str) -> dict:
    if type(data) is str:
        return json.loads(data)
    if data[0] == _FORMAT_JSON:
        return json.loads(data[1:].decode("utf-8", "surrogatepass"))
    if data[0] != _FORMAT_1:
        raise ValueError(f"change-log fields of unknown format {data[0]}")
    out = {}
    end, at = len(data), 1
    names, values, fromordinal = NAMES, VALUES, dt.date.fromordinal
    while at < end:
        n = data[at]
        at += 1
        if n >= 0x80:
            n, at = _more(data, at, n)
        if n:
            name = names[n - 1]
        else:
            size = data[at]
            at += 1
            if size >= 0x80:
                size, at = _more(data, at, size)
            if at + size > end:
                raise ValueError("a field name past the end of the fields")
            name = data[at:at + size].decode("utf-8", "surrogatepass")
            at += size
        tag = data[at]
        at += 1
        if tag == _UUID:
            if at + 16 > end:
                raise ValueError("an id past the end of the fields")
            h = data[at:at + 16].hex()
            at += 16
            out[name] = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            continue
        if tag <= _TRUE:
            out[name] = None if tag == _NONE else tag == _TRUE
            continue
        n = data[at]
        at += 1
        if n >= 0x80:
            n, at = _more(data, at, n)
        if tag == _TEXT:
            if at + n > end:
                raise ValueError("a text past the end of the fields")
            out[name] = data[at:at + n].decode("utf-8", "surrogatepass")
            at += n
        elif tag == _VALUE:
            out[name] = values[n]
        elif tag == _DATE:
            out[name] = fromordinal(n).isoformat()
        elif tag == _INT:
            out[name] = n
        elif tag == _NEG:
            out[name] = -n
        elif tag == _JSON:
            if at + n > end:
                raise ValueError("a value past the end of the fields")
            out[name] = json.loads(data[at:at + n].decode("utf-8", "surrogatepass"))
            at += n
        else:
            raise ValueError(f"change-log fields with an unknown tag {tag}")
    return out


def _more(data: bytes, at: int, first: int) -> tuple[int, int]:
    """The rest of a varint whose first byte was ``first`` (past 127)."""
    n, shift = first & 0x7F, 7
    while True:
        b = data[at]
        at += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, at
        shift += 7


# --- rows ---------------------------------------------------------------------------------------------------
def stored(change: Mapping) -> tuple:
    """A change (as an exchange file carries it) as the row ``INSERT`` writes."""
    fields = change["fields"]
    return (change["device"], change["dseq"], change["hlc"], change.get("operator"), change["kind"],
            change["record_id"], change["township"], change["op"],
            encode_fields(json.loads(fields) if isinstance(fields, str) else fields), change.get("base"))


def change(row: Sequence) -> dict:
    """A stored row (the COLUMNS, in order) as the change it is: its id made again, its fields decoded (a
    damaged one refused with DamagedChange, naming it)."""
    device, dseq, hlc, operator, kind, record_id, township, op, fields, base = row
    try:
        decoded = decode_fields(fields)
    except DamagedChange as e:
        where = f"（变更 {str(device)[:12]}:{str(dseq)[:12]}，{str(kind)[:20]} {str(record_id)[:40]}）"
        raise DamagedChange(DAMAGED.format(where=where)) from e.__cause__
    return {"id": f"{device}:{dseq}", "device": device, "dseq": dseq, "hlc": hlc, "operator": operator,
            "kind": kind, "record_id": record_id, "township": township, "op": op, "fields": decoded, "base": base}
