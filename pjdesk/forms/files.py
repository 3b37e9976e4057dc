"""Writing a rendered file so that a crash or an error never leaves half of one where the old one was, and
dated by the day the form bears, never by the wall clock.

The libraries stamp their files with the moment they are written (reportlab's creation date, openpyxl's
created and modified). Here they bear the day on the form instead (填报日期, the day a document is signed): the
program reads time only through the session's clock, and the same form renders to the same bytes (a frozen
return's SHA-256 can be checked by drawing it again). A file with no such day (the user guide) bears
reportlab's fixed date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import struct
import uuid
from collections.abc import Callable
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo


def write_replacing(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Calls ``write`` with a temporary path beside ``path``, then moves the result into place."""
    target = Path(path)
    # Not mkstemp: its file is private (0600), and a return is meant to be opened by other programs.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def as_day(value: dt.date | str | None) -> dt.date | None:
    """A form's day from a date or an ISO string (its first ten characters); None if it is neither."""
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def date_pdf(canvas, day: dt.date | str | None) -> None:
    """Give a reportlab canvas made with ``invariant=True`` (which takes no time from the clock) ``day`` as its
    creation date. Without a day it keeps reportlab's fixed one."""
    day = as_day(day)
    if day is None:
        return
    from reportlab.lib.utils import TimeStamp

    stamp = TimeStamp(invariant=True)
    stamp.t = calendar.timegm(day.timetuple())
    stamp.lt = day.timetuple()  # midnight, in UTC as the invariant stamp is
    stamp.YMDhms = tuple(stamp.lt)[:6]
    canvas._doc._timeStamp = stamp


def save_workbook(workbook, path: Path, day: dt.date | str | None) -> None:
    """Save an openpyxl workbook created and modified on ``day`` (its save() would stamp the wall clock)."""
    from openpyxl.writer.excel import ExcelWriter

    day = as_day(day) or dt.date(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = dt.datetime.combine(day, dt.time())
    with _DatedZip(path, day) as archive:
        ExcelWriter(workbook, archive).save()


def redate_zip(data: bytes, day: dt.date) -> bytes:
    """A ZIP archive (XlsxWriter's, which dates every member 1980-01-01) with every member dated ``day``: the
    date and time fields of each member's local header and of its central directory entry, rewritten in place
    (nothing else of the archive depends on them)."""
    stamp = struct.pack("<HH", 0, (day.year - 1980) << 9 | day.month << 5 | day.day)  # midnight, DOS format
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    if end < 0:
        raise ValueError("not a ZIP archive")
    count, directory = struct.unpack_from("<H4xI", out, end + 10)
    for _ in range(count):
        if out[directory:directory + 4] != b"PK\x01\x02":
            raise ValueError("a ZIP central directory entry expected")
        out[directory + 12:directory + 16] = stamp
        name, extra, comment = struct.unpack_from("<HHH", out, directory + 28)
        (local,) = struct.unpack_from("<I", out, directory + 42)
        if out[local:local + 4] != b"PK\x03\x04":
            raise ValueError("a ZIP member's header expected")
        out[local + 10:local + 14] = stamp
        directory += 46 + name + extra + comment
    return bytes(out)


class _DatedZip(ZipFile):
    """A ZIP whose members are dated ``day`` (ZipFile dates a member written from bytes by the clock)."""

    def __init__(self, path: Path, day: dt.date):
        super().__init__(path, "w", ZIP_DEFLATED, allowZip64=True)
        self._day = (day.year, day.month, day.day, 0, 0, 0)

    def writestr(self, member, data, compress_type=None, compresslevel=None):
        if not isinstance(member, ZipInfo):
            member = ZipInfo(member, date_time=self._day)
            member.compress_type = self.compression
            member.external_attr = 0o600 << 16
        super().writestr(member, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # A member written from a file (a worksheet openpyxl spooled to disk) would be dated by its mtime.
        self.writestr(arcname or os.path.basename(filename), Path(filename).read_bytes(), compress_type, compresslevel)
