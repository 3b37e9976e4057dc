"""The command line: a thin client of the services, for batch work and for tests.

Exit status: 0 success; 1 work refused or failed (one Chinese message on stderr saying what to do);
2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pjdesk import __version__
from pjdesk.chinese_argparse import ChineseArgumentParser
from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HazardFilter
from pjdesk.core.townships import COUNTY_CODE, townships

EXPORT_FILTERS = {
    "all": HazardFilter(),
    "open": HazardFilter(open_only=True),
    "overdue": HazardFilter(overdue=True),
    "closed": HazardFilter(closed_only=True),
}


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="pjdesk", description="平江县安全生产台账桌面端",
                                   epilog="不带命令运行 pjdesk 即打开程序窗口。每个命令的用法和示例：pjdesk 命令 --help，"
                                          "如 pjdesk sync --help")
    parser.add_argument("--version", action="version", version=f"pjdesk {__version__}", help="显示版本号并退出")
    parser.add_argument("--data-dir", metavar="文件夹", help="数据目录（默认取环境变量 PJDESK_DATA_DIR，否则为用户数据目录）")
    commands = parser.add_subparsers(dest="command", metavar="命令")

    init = commands.add_parser("init", help="设置本机站点（乡镇或县级）",
                               example="pjdesk init --township 430626101 --operator 张三")
    role = init.add_mutually_exclusive_group(required=True)
    role.add_argument("--township", metavar="代码", help="乡镇街道 9 位代码，如 430626101")
    role.add_argument("--county", metavar="代码", help=f"县级站点，代码 {COUNTY_CODE}")
    init.add_argument("--operator", required=True, metavar="姓名", help="操作员姓名")
    init.add_argument("--device-name", metavar="名称", help="设备名称（默认取计算机名）")
    init.add_argument("--letter", metavar="字母", help="本机隐患编号字母：站内电脑一般为 A，第一台笔记本 B……（默认：登记第一条隐患时自动选取）")

    demo = commands.add_parser("demo", help="载入演示数据", example="pjdesk demo --hazards 200")
    demo.add_argument("--seed", type=int, default=1, metavar="整数", help="随机数种子：同一种子生成同样的演示数据（默认 1）")
    demo.add_argument("--hazards", type=int, metavar="条数", help="隐患条数（默认为一个乡镇几年的规模）")

    ledger = commands.add_parser("ledger", help="隐患台账的导入与导出",
                                 example="pjdesk ledger import 隐患台账2026.xlsx").add_subparsers(dest="ledger_command", metavar="操作")
    ledger_import = ledger.add_parser("import", help="从 Excel 台账导入（.xlsx / .xls）",
                                      example="pjdesk ledger import 隐患台账2026.xlsx --dry-run")
    ledger_import.add_argument("file", metavar="文件", help="要导入的 Excel 表格")
    ledger_import.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    ledger_export = ledger.add_parser("export", help="导出台账为 Excel（.xlsx）",
                                      example="pjdesk ledger export 未销号隐患.xlsx --status open")
    ledger_export.add_argument("file", metavar="文件", help="写出的 Excel 表格（.xlsx）")
    ledger_export.add_argument("--status", choices=sorted(EXPORT_FILTERS), default="all",
                               help="all 全部（默认）、open 未销号、overdue 逾期未整改、closed 已销号")

    returns = commands.add_parser("return", help="月报表",
                                  example="pjdesk return build --month 2026-11 --out 报表").add_subparsers(dest="return_command", metavar="操作")
    build = returns.add_parser("build", help="生成某月的报表（PDF 和 Excel）",
                               example="pjdesk return build --month 2026-11 --out 报表")
    build.add_argument("--month", required=True, metavar="月份", help="报告期 YYYY-MM，如 2026-11")
    build.add_argument("--form", default="all", metavar="报表", help="表2 至 表9、台账（县级另有 排名）或 all（默认全部）")
    build.add_argument("--out", required=True, metavar="文件夹", help="输出文件夹")

    sync = commands.add_parser("sync", help="数据交换（签名的交换文件 .pjz）", example="pjdesk sync export --out E:\\").add_subparsers(
        dest="sync_command", metavar="操作")
    export = sync.add_parser("export", help="写出交换文件", example="pjdesk sync export --out E:\\")
    export.add_argument("--out", required=True, metavar="文件夹", help="输出文件夹（如 U 盘）")
    export.add_argument("--to", metavar="接收方", help="接收方：county（乡镇的默认）、乡镇代码（县级用；县级不指定则每个乡镇各写一份）"
                                     "或本乡镇另一台设备的编号")
    sync_import = sync.add_parser("import", help="读入交换文件",
                                  example="pjdesk sync import E:\\pjdesk-430626-5c3481ff99-to-430626101-20261130-081500-8724ee.pjz")
    sync_import.add_argument("files", nargs="+", metavar="交换文件", help="一个或多个 .pjz 文件")
    sync_import.add_argument("--trust-new", action="store_true", help="接受首次出现的设备密钥（会列出其指纹）")
    _add_attach_parser(commands)
    _add_document_parser(commands)
    _add_records_parser(commands)

    status = commands.add_parser("status", help="本机站点与数据概况", example="pjdesk status")
    status.add_argument("--json", action="store_true", help="以 JSON 输出")

    restore = commands.add_parser("restore", help="从备份恢复数据（当前数据先另存为备份）",
                                  example="pjdesk restore pjdesk-daily-20261128-083000-000000.db")
    restore.add_argument("file", metavar="备份文件", help="备份文件，或数据目录 backups 文件夹中的备份文件名")

    commands.add_parser("townships", help="列出平江县乡镇街道代码", example="pjdesk townships")
    _add_targets_parser(commands)
    _add_reminders_parser(commands)
    hours = commands.add_parser("hours", help="从业人员年度培训学时下限（县级设置，随目标任务下发）",
                                example="pjdesk hours --others-yearly 10")
    hours.add_argument("--others-yearly", type=float, metavar="学时", help="其他从业人员每年再培训学时（默认 8）")
    hours.add_argument("--default", action="store_true", help="恢复默认学时")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ledger" and not args.ledger_command:
        parser.error("ledger 需要 import 或 export")
    if args.command == "return" and not args.return_command:
        parser.error("return 需要 build")
    if args.command == "sync" and not args.sync_command:
        parser.error("sync 需要 export 或 import")
    try:
        return _run(args)
    except PjdeskError as e:
        print(f"pjdesk: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pjdesk: 已中断", file=sys.stderr)
        return 1
    except Exception:
        # Never a traceback at the officer: the details go to pjdesk.log for whoever supports them.
        log = _log_unexpected(args)
        print(f"pjdesk: 出现意外错误，数据未改动。详情已记录到 {log}，请把该文件发给技术支持。", file=sys.stderr)
        return 1


def _log_unexpected(args) -> Path:
    import logging

    from pjdesk.services.session import resolve_data_dir

    folder = resolve_data_dir(args.data_dir)
    if not folder.is_dir():
        folder = Path.cwd()
    handler = logging.FileHandler(folder / "pjdesk.log", encoding="utf-8")
    logger = logging.getLogger("pjdesk.cli")
    logger.addHandler(handler)
    try:
        logger.exception("pjdesk %s", " ".join(sys.argv[1:]))
    finally:
        logger.removeHandler(handler)
        handler.close()
    return folder / "pjdesk.log"


def _run(args) -> int:
    from pjdesk.services.session import init_station, open_session

    if args.command == "records" and args.records_command == "kinds":
        return _records_kinds()  # needs no station
    if args.command == "townships":
        for t in townships():
            print(f"{t.code}\t{t.name}\t{t.kind}")
        return 0
    if args.command == "init":
        from pjdesk.services.hazards import check_number_letter, set_number_letter

        county = args.county is not None
        letter = check_number_letter(args.letter) if args.letter is not None else None  # before anything is set up
        session = init_station(args.data_dir, code=args.county if county else args.township, operator=args.operator,
                               county=county, device_name=args.device_name)
        try:
            chosen = f"，编号字母 {set_number_letter(session, letter)}" if letter else ""
            print(f"已设置本机为 {session.station.label}，操作员 {session.operator}{chosen}，数据目录 {session.data_dir}")
        finally:
            session.close()
        return 0
    if args.command == "restore":
        # Before opening the station: a station file that was lost or emptied cannot be opened, only restored.
        from pjdesk.services.backups import restore_data_dir

        outcome = restore_data_dir(args.data_dir, args.file, progress=_progress("恢复"))
        print("\n".join(outcome.warnings))
        return 0

    session = open_session(args.data_dir)
    try:
        if args.command == "status":
            return _status(session, args.json)
        session.require_station()
        if args.command == "demo":
            return _demo(session, args)
        if args.command == "ledger":
            return _ledger(session, args)
        if args.command == "attach":
            return _attach(session, args)
        if args.command == "records":
            return _records(session, args)
        if args.command == "document":
            return _document(session, args)
        if args.command == "return":
            return _return_build(session, args)
        if args.command == "sync":
            return _sync(session, args)
        if args.command == "targets":
            return _targets(session, args)
        if args.command == "reminders":
            return _reminders(session, args)
        if args.command == "hours":
            return _training_hours(session, args)
    finally:
        session.close()
    return 0


def _status(session, as_json: bool) -> int:
    from pjdesk.services.status import station_status

    status = station_status(session)
    if as_json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
        return 0
    station = status["station"]
    print(f"站点：{station['name']}（{station['code']}）" if station else "站点：未设置（请先运行 pjdesk init）")
    labels = {"units": "单位", "hazards": "隐患", "hazards_open": "未销号", "hazards_overdue": "逾期未整改",
              "hazards_major": "重大隐患", "hazards_closed": "已销号"}
    labels.update({k.command: k.label for k in _record_kinds() if k.command not in labels})
    print("  ".join(f"{labels[k]} {v}" for k, v in status["counts"].items()))
    numbers = status.get("hazard_numbers")
    if numbers:
        print(f"本机隐患编号字母 {numbers['letter']}（{station['code']}-年份-{numbers['letter']}0001 起）")
        if numbers["clashes"]:
            print(f"编号重复 {len(numbers['clashes'])} 个：{'、'.join(numbers['clashes'])}（两台设备用了同一个编号字母）")
    return 0


def _demo(session, args) -> int:
    from pjdesk.services.demo import load_demo

    counts = load_demo(session, seed=args.seed, hazards=args.hazards, progress=_progress("载入演示数据"))
    print(f"已载入演示数据：单位 {counts['units']} 家，隐患 {counts['hazards']} 条", file=sys.stderr)
    return 0


def _ledger(session, args) -> int:
    if args.ledger_command == "import":
        return _records_import(session, "hazards", args.file, args.dry_run)  # the same as records import hazards
    from pjdesk.services.ledger_export import export_ledger

    rows = export_ledger(session, args.file, EXPORT_FILTERS[args.status], progress=_progress("导出"))
    print(f"已导出 {rows} 条隐患到 {args.file}", file=sys.stderr)
    return 0


# --- pjdesk records kinds | import KIND FILE [--dry-run] | export KIND FILE | list KIND --json [--limit N] -----
def _add_records_parser(commands) -> None:
    records = commands.add_parser("records", help="任一类记录（单位、隐患、检查记录……）的导入、导出与列出",
                                  example="pjdesk records import inspections 检查台账2026.xlsx --dry-run")
    actions = records.add_subparsers(dest="records_command", metavar="操作", required=True)
    actions.add_parser("kinds", help="列出记录类型：命令中的名称和中文名", example="pjdesk records kinds")
    kind_help = "记录类型：units、hazards、inspections 等（见 pjdesk records kinds）"
    imported = actions.add_parser("import", help="从 Excel 表格导入（.xlsx / .xls）：先备份，全部导入或全部不导入",
                                  example="pjdesk records import inspections 检查台账2026.xlsx --dry-run")
    imported.add_argument("kind", metavar="类型", help=kind_help)
    imported.add_argument("file", metavar="文件", help="要导入的 Excel 表格")
    imported.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    exported = actions.add_parser("export", help="导出为可打印的 Excel 表格（.xlsx）",
                                  example="pjdesk records export inspections 检查台账.xlsx")
    exported.add_argument("kind", metavar="类型", help=kind_help)
    exported.add_argument("file", metavar="文件", help="写出的 Excel 表格（.xlsx）")
    listed = actions.add_parser("list", help="列出记录：字段、状态、子项和附件",
                                example="pjdesk records list inspections --json --limit 20")
    listed.add_argument("kind", metavar="类型", help=kind_help)
    listed.add_argument("--json", action="store_true", help="以 JSON 输出（不加则每条一行：ID 和标题）")
    listed.add_argument("--limit", type=int, metavar="条数", help="最多列出这么多条（按登记先后）")


def _record_kinds():
    from pjdesk.services.records import record_kinds

    return record_kinds()


def _records_kinds() -> int:
    from pjdesk.services.record_export import kinds_data

    for kind in kinds_data():
        print(f"{kind['name']}\t{kind['label']}")
    return 0


def _records(session, args) -> int:
    from pjdesk.services import record_export

    if args.records_command == "import":
        return _records_import(session, args.kind, args.file, args.dry_run)
    if args.records_command == "export":
        from pjdesk.services.record_import import spec_for

        spec = spec_for(args.kind)
        rows = record_export.export_records(session, spec.kind, args.file, progress=_progress("导出"))
        print(f"已导出 {rows} 条{spec.noun}到 {args.file}", file=sys.stderr)
        return 0
    records = record_export.records_data(session, args.kind, limit=args.limit)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        from pjdesk.services.records import kind_named

        title = kind_named(args.kind).title_field
        for record in records:
            print(f"{record['id']}\t{record.get(title) or ''}")
    return 0


def _records_import(session, kind: str, file: str, dry_run: bool) -> int:
    from pjdesk.services.record_import import import_records

    result = import_records(session, kind, file, dry_run=dry_run, progress=_progress("导入"))
    preview = result.preview
    for issue in [*preview.refused, *preview.warnings]:
        print(issue.text)
    print(result.summary())
    if dry_run and not preview.can_apply:
        print(f"pjdesk: {preview.refusal()}", file=sys.stderr)
        return 1
    return 0


# --- pjdesk attach KIND RECORD FILE... [--label] ----------------------------------------------------------
def _add_attach_parser(commands) -> None:
    from pjdesk.core.records import vocabulary

    attach = commands.add_parser("attach", help="给一条记录添加附件（照片、扫描件：JPEG、PNG 或 PDF，每个不超过 20 MB）",
                                 example="pjdesk attach hazards 430626101-2026-A0001 整改后.jpg --label 整改后")
    attach.add_argument("kind", metavar="类型", help="记录类型：units、hazards、inspections 等（见 pjdesk records kinds）")
    attach.add_argument("record", metavar="记录", help="记录的 ID；隐患也可写隐患编号")
    attach.add_argument("files", metavar="文件", nargs="+", help="要添加的文件，可写多个")
    attach.add_argument("--label", choices=vocabulary("attachment_label"), help="附件类别")


def _attach(session, args) -> int:
    """Every file is checked before any is attached: one refused file attaches none."""
    from pjdesk.services.attachments import attach_files, find_record, list_attachments
    from pjdesk.services.records import kind_named

    kind = kind_named(args.kind)
    record_id = find_record(session, kind, args.record)
    outcome = attach_files(session, kind, record_id, args.files, args.label)
    added = outcome.changed.get("attachment", frozenset())
    for attachment in list_attachments(session, kind, record_id):
        if attachment["id"] in added:
            label = f"{attachment['label']}，" if attachment["label"] else ""
            print(f"已添加附件：{attachment['name']}（{label}{attachment['bytes'] / (1 << 20):.1f} MB）\t{attachment['id']}")
    for warning in outcome.warnings:
        print(warning, file=sys.stderr)
    return 0


def _return_build(session, args) -> int:
    from pjdesk.services.returns import available_forms, build_returns, parse_month

    month = parse_month(session, args.month)
    codes = list(available_forms(session))
    forms = codes if args.form == "all" else [args.form]
    unknown = [f for f in forms if f not in codes]
    if unknown:
        raise PjdeskError(f"没有“{unknown[0]}”这张报表；可选：{'、'.join(codes)} 或 all")
    for built in build_returns(session, month, forms, args.out):
        print(built.pdf)
        print(built.xlsx)
    return 0


def _sync(session, args) -> int:
    from pjdesk.services import sync

    if args.sync_command == "export":
        if args.to is None and session.require_station().is_county:
            paths = sync.export_for_townships(session, args.out)
        else:
            paths = [sync.export_bundle(session, args.out, to=args.to)]
        for path in paths:
            print(path)
        return 0
    results = sync.import_bundles(session, args.files, trust_new=args.trust_new)
    for result in results:
        for fingerprint in result.fingerprints:
            print(f"已接受新设备密钥：{fingerprint}")
        if result.status == sync.REFUSED:
            # The contract of every command: what was refused is said on stderr, one line, and the exit is 1.
            print(f"pjdesk: {result.path.name}：{result.message}", file=sys.stderr)
        else:
            print(result.message)
    return 1 if any(r.status == sync.REFUSED for r in results) else 0


# --- pjdesk document build DOC --record ID --out DIR ------------------------------------------------------------
def _add_document_parser(commands) -> None:
    document = commands.add_parser("document", help="执法文书（现场检查记录、责令限期整改指令书、整改复查意见书）",
                                   example="pjdesk document build order --record 0193b2c4-5e61-7d20-8a41-263c5f0e9b17 --out 文书")
    actions = document.add_subparsers(dest="document_command", metavar="操作", required=True)
    build = actions.add_parser("build", help="签发（已签发的则原样重印）一份文书，写出 PDF 和 Excel",
                               example="pjdesk document build order --record 0193b2c4-5e61-7d20-8a41-263c5f0e9b17 --out 文书")
    build.add_argument("doc", metavar="文书", help="现场检查记录（site-record）、责令限期整改指令书（order）"
                                                   "或 整改复查意见书（review）")
    build.add_argument("--record", required=True, metavar="ID",
                       help="检查记录的 ID（整改复查意见书：复查记录或原检查记录的 ID）；也可写已签发文书的 ID")
    build.add_argument("--out", required=True, metavar="文件夹", help="输出文件夹")


def _document(session, args) -> int:
    from pjdesk.services.documents import build_document

    built = build_document(session, args.doc, args.record, args.out)
    for warning in built.warnings + ((built.note,) if built.note else ()):
        print(warning, file=sys.stderr)
    print(built.pdf)
    print(built.xlsx)
    return 0


def _add_targets_parser(commands) -> None:
    targets = commands.add_parser("targets", help="工作方案目标完成情况（1月1日至该月末）",
                                  example="pjdesk targets --month 2026-11 --json")
    targets.add_argument("--month", metavar="月份", help="报告期 YYYY-MM（默认本月，统计到今天）")
    targets.add_argument("--json", action="store_true", help="以 JSON 输出")


def _targets(session, args) -> int:
    """Every target pjdesk computes, as the 工作台 shows them; --json in the form targets_json documents."""
    from pjdesk.services.returns import parse_month
    from pjdesk.services.targets import targets_json

    month = parse_month(session, args.month) if args.month else None
    entries = targets_json(session, month)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print(f"{entry['id']}\t{entry['name']}\t{_target_shown(entry)}\t{entry['note']}")
    return 0


def _add_reminders_parser(commands) -> None:
    reminders = commands.add_parser("reminders", help="待办：证书到期、复审，特种作业人员无有效证书等",
                                    example="pjdesk reminders --json")
    reminders.add_argument("--json", action="store_true", help="以 JSON 输出")
    reminders.add_argument("--notice", metavar="单位ID", help="为该单位写出证书到期提醒（PDF 和 XLSX）")
    reminders.add_argument("--out", metavar="目录", default=".", help="证书到期提醒的输出目录（默认当前目录）")


def _reminders(session, args) -> int:
    """What falls due today; --json in the form reminders_json documents; --notice writes a unit's 证书到期提醒."""
    from pjdesk.services.reminders import build_certificate_notice, reminders_json

    if args.notice:
        notice = build_certificate_notice(session, args.notice, args.out)
        print(notice.pdf)
        print(notice.xlsx)
        return 0
    entries = reminders_json(session)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print("\t".join(str(entry[k] or "") for k in ("due", "unit", "person", "reason")))
    return 0


def _training_hours(session, args) -> int:
    """Show the yearly training minimum in force; on the county, set its own figure first."""
    from pjdesk.services.people_rates import current_minimum, set_minimum

    if args.default or args.others_yearly is not None:
        set_minimum(session, {"others.yearly": None if args.default else args.others_yearly})
    minimum = current_minimum(session)
    for group, label in (("managers", "主要负责人、安全管理人员"), ("managers_high_risk", "同上（高危行业）"),
                         ("others", "其他从业人员"), ("others_high_risk", "其他从业人员（高危行业）")):
        hours = minimum.hours[group]
        print(f"{label}\t初次 {hours['first']:g} 学时\t每年再培训 {hours['yearly']:g} 学时")
    return 0


def _target_shown(entry: dict) -> str:
    value = entry["value"]
    if value is None:
        return "暂无数据"
    shown = f"{value:g}" if entry["denominator"] is None else f"{value * 100:.1f}%"
    return shown + {True: " 达标", False: " 未达标", None: ""}[entry["met"]]


def _progress(label: str):
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        print(f"\r{label}… {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return report
