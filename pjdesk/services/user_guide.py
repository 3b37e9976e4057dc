"""The user guide (使用说明): its sections for the help window, and the same guide as a PDF to print."""

from __future__ import annotations

from pathlib import Path

from pjdesk import __version__
from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.guide import Guide, user_guide
from pjdesk.core.resources import resource_path

from .session import Session


def guide() -> Guide:
    """The guide shipped with the program: a section per page of the program, titled as the page."""
    return user_guide()


def guide_pdf(session: Session) -> Path:
    """The guide as an A4 PDF in the data directory's scratch folder, made when first asked for in a version
    (and again should the guide's text be newer); the caller may hand it to the desktop's PDF viewer."""
    from pjdesk.forms.guide_pdf import render_guide_pdf  # reportlab: only when the PDF is asked for

    path = session.data_dir / "tmp" / "help" / f"pjdesk使用说明-{__version__}.pdf"
    source = resource_path("help", "guide.md")
    try:
        if path.exists() and path.stat().st_mtime >= source.stat().st_mtime:
            return path  # a viewer may hold it open: rewriting it then would fail on Windows
        path.parent.mkdir(parents=True, exist_ok=True)
        return render_guide_pdf(user_guide(), path, version=__version__)
    except OSError as e:
        raise PjdeskError(f"无法生成使用说明的 PDF（{os_reason(e)}）。请检查数据目录所在的磁盘后重试。") from e
