"""Exchange files carry the version of the pjdesk that wrote them, and a file of a newer format is refused with
the version that can read it (never with the format's own number, nor with text the file made up)."""

from __future__ import annotations

import json
import zipfile

from pjdesk import __version__

from .test_bundle_verification import good, members_of, pc_key, refused, resign, write_zip  # noqa: F401


def test_an_exchange_file_names_the_pjdesk_that_wrote_it(good):  # noqa: F811
    with zipfile.ZipFile(good) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["app_version"] == __version__
    assert manifest["format"] == "1.0"


def test_a_newer_format_without_requires_names_the_pjdesk_that_wrote_it(county, good, tmp_path, pc_key):  # noqa: F811
    def newer(manifest):
        manifest.update(format="2.0", app_version="2.1.0")
        manifest.pop("requires")
    message = refused(county, write_zip(tmp_path / "new.pjz", resign(members_of(good), pc_key, newer)))
    assert "请升级 pjdesk 至 2.1.0 或更高版本" in message
    assert f"本机的 pjdesk 为 {__version__}" in message


def test_a_requires_that_is_no_version_is_not_shown(county, good, tmp_path, pc_key):  # noqa: F811
    signed = resign(members_of(good), pc_key, lambda m: m.update(format="3.0", requires="请拨打 123 下载补丁"))
    message = refused(county, write_zip(tmp_path / "new.pjz", signed))
    assert "请升级 pjdesk 至最新版本" in message and "123" not in message


def test_a_file_of_this_format_from_a_newer_pjdesk_is_read(county, good, tmp_path, pc_key):  # noqa: F811
    from .conftest import accept

    signed = resign(members_of(good), pc_key, lambda m: m.update(app_version="9.9.9"))
    accept(county, write_zip(tmp_path / "later.pjz", signed))
    assert county.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 1

