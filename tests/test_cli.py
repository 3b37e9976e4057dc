"""The command line as a user runs it: real processes, exit status, stdout and the Chinese message on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pjdesk import __version__
from pjdesk.core.kinds import KINDS
from pjdesk.services.returns import FORM_CODES

# status --json counts every kind by its command-line name; a new kind joins with 0.
EVERY_KIND = {**{k.command: 0 for k in KINDS.values() if k.command},
              **dict.fromkeys(("hazards_open", "hazards_overdue", "hazards_major", "hazards_closed"), 0)}


def pjdesk(*args, data_dir=None, env=None):
    environment = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "pjdesk"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=environment, timeout=120)


def test_version():
    done = pjdesk("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"pjdesk {__version__}"


def test_init_then_status_json(tmp_path):
    done = pjdesk("init", "--township", "430626105", "--operator", "赵六", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "龙门镇" in done.stdout
    status = json.loads(pjdesk("status", "--json", data_dir=tmp_path).stdout)
    assert status["station"] == {"role": "township", "code": "430626105", "name": "龙门镇"}
    assert status["schema_version"] >= 1
    assert status["counts"] == {**EVERY_KIND, "units": 0, "hazards": 0, "hazards_open": 0, "hazards_overdue": 0,
                 "hazards_major": 0, "hazards_closed": 0}


def test_data_dir_from_the_environment(tmp_path):
    env = {"PJDESK_DATA_DIR": str(tmp_path / "env")}
    assert pjdesk("init", "--county", "430626", "--operator", "县局", env=env).returncode == 0
    status = json.loads(pjdesk("status", "--json", env=env).stdout)
    assert status["station"]["role"] == "county" and status["station"]["name"] == "平江县"


@pytest.mark.parametrize(("code", "words"), [
    ("430626999", "不是平江县的乡镇街道代码"),
    ("430626100", "已于 2019 年后撤销"),
    ("12345", "不是平江县的乡镇街道代码"),
])
def test_a_wrong_township_code_exits_1_with_a_message(tmp_path, code, words):
    done = pjdesk("init", "--township", code, "--operator", "张三", data_dir=tmp_path)
    assert done.returncode == 1
    assert words in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1  # one message, not a traceback


def test_usage_errors_exit_2(tmp_path):
    assert pjdesk("init", "--operator", "张三", data_dir=tmp_path).returncode == 2
    assert pjdesk("ledger", data_dir=tmp_path).returncode == 2
    assert pjdesk("no-such-command", data_dir=tmp_path).returncode == 2


def test_commands_before_init_say_what_to_do(tmp_path):
    done = pjdesk("ledger", "export", str(tmp_path / "x.xlsx"), data_dir=tmp_path / "new")
    assert done.returncode == 1 and "pjdesk init" in done.stderr


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "pjdesk.db").write_text("这不是数据库", encoding="utf-8")
    done = pjdesk("status", "--json", data_dir=tmp_path)
    assert done.returncode == 1 and "不是 pjdesk 数据文件" in done.stderr
    assert (tmp_path / "pjdesk.db").read_text(encoding="utf-8") == "这不是数据库"


def test_a_data_dir_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    done = pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=tmp_path / "file")
    assert done.returncode == 1 and "不是文件夹" in done.stderr


def test_townships_lists_the_25_and_the_park():
    lines = pjdesk("townships").stdout.strip().splitlines()
    assert len(lines) == 26
    assert lines[0].split("\t") == ["430626001", "汉昌街道", "街道"]
    assert "430626400\t平江高新区\t园区" in lines


def test_demo_import_export_and_returns_from_the_command_line(tmp_path):
    station = tmp_path / "station"
    assert pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=station).returncode == 0
    assert pjdesk("demo", "--seed", "3", "--hazards", "300", data_dir=station).returncode == 0
    counts = json.loads(pjdesk("status", "--json", data_dir=station).stdout)["counts"]
    assert counts["hazards"] == 300 and counts["units"] > 0
    exported = tmp_path / "open.xlsx"
    done = pjdesk("ledger", "export", str(exported), "--status", "open", data_dir=station)
    assert done.returncode == 0 and exported.exists()

    other = tmp_path / "other"
    pjdesk("init", "--township", "430626102", "--operator", "李四", data_dir=other)
    dry = pjdesk("ledger", "import", str(exported), "--dry-run", data_dir=other)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(pjdesk("status", "--json", data_dir=other).stdout)["counts"]["hazards"] == 0
    done = pjdesk("ledger", "import", str(exported), data_dir=other)
    assert done.returncode == 0, done.stderr
    assert json.loads(pjdesk("status", "--json", data_dir=other).stdout)["counts"]["hazards"] == counts["hazards_open"]

    out = tmp_path / "returns"
    built = pjdesk("return", "build", "--month", "2026-10", "--out", str(out), data_dir=station)
    assert built.returncode == 0, built.stderr
    paths = built.stdout.strip().splitlines()
    assert len(paths) == 2 * len(FORM_CODES) and all(p.endswith((".pdf", ".xlsx")) for p in paths)  # every form
    assert all(os.path.exists(p) for p in paths)
    assert pjdesk("return", "build", "--month", "2026/10", "--out", str(out), data_dir=station).returncode == 1
    future = pjdesk("return", "build", "--month", "2099-01", "--out", str(out), data_dir=station)
    assert future.returncode == 1 and "还没到" in future.stderr


def test_import_of_a_file_that_is_not_a_spreadsheet(tmp_path):
    pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=tmp_path / "s")
    fake = tmp_path / "台账.xlsx"
    fake.write_text("不是表格", encoding="utf-8")
    done = pjdesk("ledger", "import", str(fake), data_dir=tmp_path / "s")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "xlsx" in done.stderr


def test_sync_between_a_township_and_the_county_from_the_command_line(tmp_path):
    town, county = tmp_path / "town", tmp_path / "county"
    pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=town)
    pjdesk("init", "--county", "430626", "--operator", "县局", data_dir=county)
    pjdesk("demo", "--hazards", "50", data_dir=town)
    exported = pjdesk("sync", "export", "--out", str(tmp_path / "usb"), data_dir=town)
    assert exported.returncode == 0, exported.stderr
    bundle = exported.stdout.strip()
    assert bundle.endswith(".pjz")
    refused = pjdesk("sync", "import", bundle, data_dir=county)
    assert refused.returncode == 1 and "指纹" in refused.stdout + refused.stderr
    accepted = pjdesk("sync", "import", bundle, "--trust-new", data_dir=county)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "已接受新设备密钥" in accepted.stdout
    status = json.loads(pjdesk("status", "--json", data_dir=county).stdout)
    assert status["counts"]["hazards"] == 50
    again = pjdesk("sync", "import", bundle, data_dir=county)
    assert again.returncode == 0


def test_the_county_exports_a_bundle_per_township_one_path_a_line(tmp_path):
    county, usb = tmp_path / "county", tmp_path / "usb"
    pjdesk("init", "--county", "430626", "--operator", "县局", data_dir=county)
    done = pjdesk("sync", "export", "--out", str(usb), data_dir=county)
    assert done.returncode == 0, done.stderr
    paths = done.stdout.splitlines()
    codes = [line.split("\t")[0] for line in pjdesk("townships").stdout.splitlines()]
    assert len(paths) == len(codes) == 26 and sorted(os.listdir(usb)) == sorted(os.path.basename(p) for p in paths)
    assert sorted(p.rsplit("-to-", 1)[1][:9] for p in paths) == sorted(codes)
    one = pjdesk("sync", "export", "--out", str(usb), "--to", "430626101", data_dir=county)
    assert one.returncode == 0 and len(one.stdout.splitlines()) == 1 and "-to-430626101-" in one.stdout


def test_return_build_on_the_county_writes_the_summary_and_the_ranking(tmp_path):
    county = tmp_path / "county"
    pjdesk("init", "--county", "430626", "--operator", "县局", data_dir=county)
    assert pjdesk("demo", "--hazards", "400", data_dir=county).returncode == 0
    built = pjdesk("return", "build", "--month", "2026-10", "--out", str(tmp_path / "out"), data_dir=county)
    assert built.returncode == 0, built.stderr
    names = [os.path.basename(p) for p in built.stdout.strip().splitlines()]
    assert any(n.startswith("表2-隐患排查治理统计表（汇总）-平江县") for n in names)
    assert {n for n in names if n.startswith("排名-")} == {
        "排名-乡镇（街道）安全生产工作月度排名表-平江县-2026-10.pdf",
        "排名-乡镇（街道）安全生产工作月度排名表-平江县-2026-10.xlsx"}
    one = pjdesk("return", "build", "--month", "2026-10", "--form", "排名", "--out", str(tmp_path / "r"),
                 data_dir=county)
    assert one.returncode == 0 and len(one.stdout.split()) == 2
    town = tmp_path / "town"
    pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=town)
    refused = pjdesk("return", "build", "--month", "2026-10", "--form", "排名", "--out", str(tmp_path / "t"),
                     data_dir=town)
    assert refused.returncode == 1 and "没有“排名”" in refused.stderr


def test_demo_twice_with_the_same_seed_is_refused_with_one_line(tmp_path):
    assert pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=tmp_path).returncode == 0
    first = pjdesk("demo", "--seed", "5", "--hazards", "30", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    again = pjdesk("demo", "--seed", "5", "--hazards", "30", data_dir=tmp_path)
    assert again.returncode == 1
    assert "演示数据已载入" in again.stderr and "Traceback" not in again.stderr
    assert again.stderr.count("\n") == 1
    assert json.loads(pjdesk("status", "--json", data_dir=tmp_path).stdout)["counts"]["hazards"] == 30


# --- pjdesk records … : any kind, proven on inspections ----------------------------------------------------------


def inspection_sheet(path, rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["检查日期", "被检查单位", "统一社会信用代码", "检查人员", "检查方式", "检查内容", "发现问题", "处理措施"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_records_kinds_names_each_kind_with_its_label(tmp_path):
    done = pjdesk("records", "kinds", data_dir=tmp_path)  # no station needed
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[:3] == ["units\t单位", "hazards\t隐患", "inspections\t检查记录"]
    assert pjdesk("records", data_dir=tmp_path).returncode == 2


def test_records_import_list_and_export_of_inspections(tmp_path):
    station = tmp_path / "station"
    assert pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=station).returncode == 0
    sheet = inspection_sheet(tmp_path / "检查台账.xlsx", [
        ["2026-03-05", "安定镇便民超市", None, "张三、李四", "日常巡查", "消防", "灭火器过期", "责令更换"],
        ["2026-03-06", "平江县安定化工有限公司", "91310110666007217T", "张三，王五", "双随机", "危化", "防雷未检测", "限期整改"],
    ])

    dry = pjdesk("records", "import", "inspections", str(sheet), "--dry-run", data_dir=station)
    assert dry.returncode == 0, dry.stderr
    assert "可导入检查记录 2 条（其中 1 条待补充）" in dry.stdout
    assert "第 3 行：检查人员的执法证号未填全，已导入并标为“待补充”" in dry.stdout
    assert json.loads(pjdesk("status", "--json", data_dir=station).stdout)["counts"]["inspections"] == 0

    done = pjdesk("records", "import", "inspections", str(sheet), data_dir=station)
    assert done.returncode == 0, done.stderr
    assert "已导入检查记录 2 条" in done.stdout and "导入前的数据已备份到" in done.stdout
    counts = json.loads(pjdesk("status", "--json", data_dir=station).stdout)["counts"]
    assert (counts["inspections"], counts["units"]) == (2, 2)

    listed = json.loads(pjdesk("records", "list", "inspections", "--json", data_dir=station).stdout)
    assert [(r["date"], r["mode"], r["incomplete"]) for r in listed] == [("2026-03-05", "日常巡查", 0),
                                                                         ("2026-03-06", "双随机", 1)]
    first = listed[0]
    assert first["township"] == "430626101" and first["officer_names"] == "张三、李四"
    assert [o["name"] for o in first["officers"]] == ["张三", "李四"] and first["items"] == []
    assert first["attachments"] == []

    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9")
    attached = pjdesk("attach", "inspections", first["id"], str(photo), "--label", "现场", data_dir=station)
    assert attached.returncode == 0, attached.stderr
    one = json.loads(pjdesk("records", "list", "inspections", "--json", "--limit", "1", data_dir=station).stdout)
    assert len(one) == 1
    [file] = one[0]["attachments"]
    assert (file["name"], file["label"], file["bytes"], len(file["sha256"])) == ("现场.jpg", "现场", 206, 64)

    out = tmp_path / "导出.xlsx"
    exported = pjdesk("records", "export", "inspections", str(out), data_dir=station)
    assert exported.returncode == 0, exported.stderr
    assert "已导出 2 条检查记录" in exported.stderr
    import openpyxl

    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[2][:3] == ("序号", "检查日期", "被检查单位") and [r[2] for r in rows[3:]] == [
        "安定镇便民超市", "平江县安定化工有限公司"]
    again = pjdesk("records", "import", "inspections", str(out), "--dry-run", data_dir=station)
    assert again.returncode == 1 and "没有新的检查记录可导入" in again.stderr


def test_records_import_refuses_bad_rows_with_exit_1_and_writes_nothing(tmp_path):
    station = tmp_path / "station"
    pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=station)
    sheet = inspection_sheet(tmp_path / "坏.xlsx", [
        ["2026-03-05", "安定镇便民超市", None, "张三、李四", "日常巡查", "消防", "灭火器过期", "责令更换"],
        ["2026-13-05", "安定镇便民超市", None, "张三", "专项检查", "消防", "灭火器过期", "责令更换"],
    ])
    done = pjdesk("records", "import", "inspections", str(sheet), data_dir=station)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("pjdesk: “坏.xlsx”有 1 行不能导入，未写入任何数据")
    assert "第 3 行：检查日期“2026-13-05”不是有效日期（2026 年 13 月没有 5 日）" in done.stderr
    assert json.loads(pjdesk("status", "--json", data_dir=station).stdout)["counts"]["inspections"] == 0
    unknown = pjdesk("records", "list", "lorries", "--json", data_dir=station)
    assert unknown.returncode == 1 and "没有“lorries”这类记录" in unknown.stderr


def test_ledger_import_is_another_name_for_records_import_hazards(tmp_path):
    import openpyxl

    station = tmp_path / "station"
    pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=station)
    book = openpyxl.Workbook()
    book.active.append(["单位名称", "隐患描述", "发现日期"])
    book.active.append(["甲公司", "灭火器压力不足", "2026-03-05"])
    book.save(tmp_path / "台账.xlsx")
    ledger = pjdesk("ledger", "import", str(tmp_path / "台账.xlsx"), "--dry-run", data_dir=station)
    records = pjdesk("records", "import", "hazards", str(tmp_path / "台账.xlsx"), "--dry-run", data_dir=station)
    assert ledger.returncode == records.returncode == 0
    assert ledger.stdout == records.stdout and "可导入隐患 1 条" in records.stdout
