"""Two pjdesk processes on one data directory (a window and the command line, or two windows).

POSIX drops every lock a process holds on a file when any descriptor of that file closes in that process. If
pjdesk ever opened and closed the station file with a plain file handle while its connection was open, its
SQLite locks would vanish: another process closing its own connection would then take the file for itself,
checkpoint it and delete the -wal that the first process still writes to ("pjdesk.db-wal (deleted)", then
"disk I/O error" at its next write). These tests run real processes, as an officer would.
"""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from pjdesk.services.session import DB_NAME, init_station
from pjdesk.services.units import save_unit

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads the open files from /proc")

# Process A: the window. It works on its session, then runs background tasks as the window does (each on a
# connection of its own, Session.reopen), and waits for the test to run process B before it goes on.
WINDOW = textwrap.dedent("""
    import json, os, sys, threading
    from pjdesk.services.session import open_session
    from pjdesk.services.units import save_unit

    def held():
        links = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                links.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
        return sorted(link for link in links if "pjdesk.db" in link)

    def in_background(name):
        # As ui.tasks.TaskThread: a thread, a session of its own on a new connection, closed at the end.
        def work():
            task = session.reopen()
            try:
                save_unit(task, {"name": name, "sector": "危化"})
            finally:
                task.close()
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()

    session = open_session(sys.argv[1])
    save_unit(session, {"name": "窗口单位一", "sector": "危化"})
    in_background("后台单位一")
    print(json.dumps({"step": "ready", "held": held()}), flush=True)
    sys.stdin.readline()  # process B runs now
    after_b = held()
    result = {"step": "done", "held_after_b": after_b}
    try:
        in_background("后台单位二")
        save_unit(session, {"name": "窗口单位二", "sector": "危化"})
        names = [r[0] for r in session.store.db.execute("SELECT name FROM unit ORDER BY name")]
        result["names"] = names
    except Exception as e:  # reported to the test, which shows it
        result["error"] = f"{type(e).__name__}: {e}"
    result["held_at_end"] = held()
    session.close()
    print(json.dumps(result, ensure_ascii=False), flush=True)
""")


def pjdesk(*args, data_dir):
    return subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120)


def names_in(path):
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM unit"))
    finally:
        conn.close()


@pytest.fixture
def station(data_dir):
    session = init_station(data_dir, code="430626101", operator="张三")
    save_unit(session, {"name": "站里原有单位", "sector": "危化"})
    session.close()
    return data_dir


def run_window_while(station, second):
    """Start the window, run ``second()`` while it is open and idle, then let it work again; its report."""
    window = subprocess.Popen([sys.executable, "-c", WINDOW, str(station)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = json.loads(window.stdout.readline() or "{}")
        assert ready.get("step") == "ready", window.stderr.read()
        assert any(link.endswith("pjdesk.db-wal") for link in ready["held"]), ready
        second()
        window.stdin.write("go\n")
        window.stdin.flush()
        done = json.loads(window.stdout.readline() or "{}")
        assert done.get("step") == "done", window.stderr.read()
        assert window.wait(60) == 0, window.stderr.read()
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
    return done


def test_the_command_line_beside_an_open_window_leaves_the_window_working(station):
    def status():
        done = pjdesk("status", "--json", data_dir=station)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["counts"]["units"] == 3

    report = run_window_while(station, status)
    assert "error" not in report, report["error"]
    assert not [link for link in report["held_after_b"] + report["held_at_end"] if "(deleted)" in link], report
    assert report["names"] == sorted(["站里原有单位", "窗口单位一", "后台单位一", "后台单位二", "窗口单位二"])
    assert names_in(station / DB_NAME) == report["names"], "no record is lost"


def test_a_second_window_beside_the_first_leaves_both_working(station):
    def second_window():
        report = run_window_while(station, lambda: None)
        assert "error" not in report, report["error"]

    report = run_window_while(station, second_window)
    assert "error" not in report, report["error"]
    assert not [link for link in report["held_after_b"] + report["held_at_end"] if "(deleted)" in link], report
    # Both windows added the same names; every one of the eight writes is kept.
    assert len(names_in(station / DB_NAME)) == 9
