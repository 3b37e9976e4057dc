"""Starting the desktop program: the application, the first-run dialog if needed, the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from pjdesk import __version__
from pjdesk.chinese_argparse import ChineseArgumentParser
from pjdesk.core.errors import PjdeskError
from pjdesk.core.resources import resource_path


def make_app(argv=None) -> QApplication:
    """The program's QApplication, named, in Chinese and with a Chinese font; the tests start theirs here too."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("pjdesk")
    app.setApplicationDisplayName("平江县安全生产台账")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("平江县")
    app.setDesktopFileName("pjdesk")
    app.setWindowIcon(QIcon(str(resource_path("icons", "pjdesk.png"))))
    # The shipped font is the last fallback: a PC without a Chinese font still shows Chinese.
    QFontDatabase.addApplicationFont(str(resource_path("fonts", "wqy-microhei.ttc")))
    font = app.font()
    if font.pointSize() < 10:
        font.setPointSize(10)
    font.setFamilies([font.family(), "Microsoft YaHei", "Noto Sans CJK SC", "PingFang SC", "WenQuanYi Micro Hei"])
    font.setStyleStrategy(QFont.PreferAntialias)
    app.setFont(font)
    install_chinese(app)
    return app


# Qt's own words that its Chinese translation lacks in the Qt versions pjdesk supports: labels that gained a
# shortcut letter after the translation was made, and the type the file dialog gives a folder or a drive.
QT_WORDS_MISSING = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QPageSetupWidget", "Page &order:"): "页面顺序(&O)：",
    ("QPageSetupWidget", "Pages &per sheet:"): "每张页数(&P)：",
    ("QPrintSettingsOutput", "Page &Set:"): "页面组(&S)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
}


class _MissingQtWords(QTranslator):
    """Answers only for QT_WORDS_MISSING. Installed before Qt's translation, so it is asked only when that
    one has no answer (the last translator installed is asked first)."""

    def translate(self, context, source, disambiguation=None, n=-1):
        return QT_WORDS_MISSING.get((context, source), "")

    def isEmpty(self) -> bool:
        return False


def install_chinese(app: QApplication) -> None:
    """Qt's own words in Chinese, whatever the PC's language: the buttons of message boxes (是/否, 确定/取消),
    the file, print and page setup dialogs Qt draws itself (always on Linux), input and progress dialogs; and
    Chinese dates, month names and file types wherever Qt formats them. Once per application."""
    if app.property("pjdesk_chinese"):  # (not findChildren: its first call costs a start ~7 ms)
        return
    app.setProperty("pjdesk_chinese", True)
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    app.installTranslator(_MissingQtWords(app))
    qt = QTranslator(app)
    if not any(qt.load("qtbase_zh_CN", str(folder)) for folder in _qt_translation_folders()):
        # English buttons are a nuisance, not a failure: say so where support will look, and go on.
        logging.getLogger("pjdesk").warning("qtbase_zh_CN.qm not found in %s", _qt_translation_folders())
        return
    app.installTranslator(qt)


def _qt_translation_folders() -> list[Path]:
    """Where Qt says its translations are, then where PySide6's wheels put them (Qt/translations on Linux
    and macOS, translations on Windows), should a frozen program's Qt not know its own folder."""
    import PySide6

    package = Path(PySide6.__file__).parent
    return [Path(QLibraryInfo.path(QLibraryInfo.TranslationsPath)), package / "Qt" / "translations",
            package / "translations"]


def start(data_dir=None, today=None):
    """Open the station (running the first-run dialog on a fresh data directory); returns the main window."""
    from .main_window import MainWindow

    session = _open_or_restore(data_dir, today)
    if session is None:
        return None
    wants_demo = False
    if not session.ready:
        from pjdesk.services.session import resolve_data_dir

        from .first_run import FirstRunDialog

        folder = session.data_dir
        session.close()
        wizard = FirstRunDialog(resolve_data_dir(folder), today=today)
        if not wizard.exec():
            return None
        session, wants_demo = wizard.session, wizard.wants_demo()
    window = MainWindow(session, read_later=True)
    window.show_on_start()
    window.dashboard.read_once_painted()
    QTimer.singleShot(3000, window.start_daily_backup)  # after the window is usable, never before
    if wants_demo:
        window.load_demo()
    return window


def _open_or_restore(data_dir, today):
    """The station; where its file was lost or emptied beside its backups, the newest backup is offered (the
    settings page cannot be reached without a station). None: the person chose to quit."""
    from pjdesk.core.clock import Clock
    from pjdesk.services.backups import StationEmptied, restore_data_dir
    from pjdesk.services.session import open_session

    try:
        _upgrade_first(data_dir, today)
        return open_session(data_dir, today=today)
    except StationEmptied as e:
        box = QMessageBox(QMessageBox.Warning, "找不到本站数据", str(e))
        restore = box.addButton("从最新备份恢复", QMessageBox.AcceptRole)
        box.addButton("退出", QMessageBox.RejectRole)
        box.exec()
        if box.clickedButton() is not restore:
            return None
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            outcome = restore_data_dir(data_dir, e.newest, clock=Clock(today))
        finally:
            QApplication.restoreOverrideCursor()
        QMessageBox.information(None, "已恢复", "\n".join(outcome.warnings))
        return open_session(data_dir, today=today)


def _upgrade_first(data_dir, today) -> None:
    """A file from an older pjdesk is brought up to date before the window opens (a backup, then the new
    structure): on a county's five-year file that takes a minute or two, so it is done on a thread of its own
    behind a dialog that says so, instead of a program that seems not to start. What fails is said by the
    opening that follows, as for any file."""
    from pjdesk.services.session import open_session, upgrade_pending

    from .tasks import TaskThread

    if not upgrade_pending(data_dir):
        return
    dialog = QProgressDialog("正在把数据文件升级到本版本的结构（升级前已自动备份）。\n"
                             "县级数据较多时需要一两分钟，请稍候，不要关闭程序。", None, 0, 0)
    dialog.setObjectName("upgrading")
    dialog.setWindowTitle("正在升级数据文件")
    dialog.setMinimumDuration(0)
    thread = TaskThread(None, lambda _none, _progress, _cancelled: open_session(data_dir, today=today).close())
    loop = QEventLoop()
    thread.finished.connect(loop.quit)
    dialog.show()
    thread.start()
    loop.exec()
    thread.wait()
    dialog.close()
    dialog.deleteLater()


def install_error_log(data_dir: Path) -> None:
    """Unexpected errors go to pjdesk.log in the data directory and to a plain message, never a traceback."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(data_dir / "pjdesk.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("pjdesk").addHandler(handler)

    def hook(kind, value, tb):
        logging.getLogger("pjdesk").error("unexpected error", exc_info=(kind, value, tb))
        if isinstance(value, PjdeskError):
            message = str(value)
        else:
            message = f"出现意外错误，已记录到 {data_dir / 'pjdesk.log'}。已保存的数据不受影响；请重试，如仍出错请把该文件发给技术支持。"
        QMessageBox.warning(QApplication.activeWindow(), "pjdesk", message)

    sys.excepthook = hook


def run(argv: list[str]) -> int:
    from pjdesk.services.session import resolve_data_dir

    parser = ChineseArgumentParser(prog="pjdesk")
    parser.add_argument("--data-dir", metavar="文件夹")
    args, qt_args = parser.parse_known_args(argv)
    app = make_app([sys.argv[0], *qt_args])
    install_error_log(resolve_data_dir(args.data_dir))
    try:
        window = start(args.data_dir)
    except PjdeskError as e:
        QMessageBox.critical(None, "pjdesk 无法启动", str(e))
        return 1
    if window is None:
        return 0
    return app.exec()
