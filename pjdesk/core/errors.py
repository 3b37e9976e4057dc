"""The one exception a user may see: its message is plain Chinese and says what to do next; and the file
system's refusals in Chinese, for the messages that name them."""

import errno


class PjdeskError(Exception):
    """Work refused or failed for a reason the user can act on.

    ``str(error)`` is the message shown to the user (dialog, status bar, stderr), never a traceback.
    """


class ValidationError(PjdeskError):
    """A record failed its rules; ``problems`` holds one entry per field."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("；".join(p.message for p in self.problems))


# The file system's refusals in the words of the person at the PC (Python's own strerror is in English on
# every Chinese Windows). By errno, which Windows sets for these too; then by Windows' own error code for
# the causes errno lumps together (a file another program holds open is EACCES there).
OS_REASONS = {
    errno.ENOENT: "找不到文件或文件夹",
    errno.EACCES: "没有权限（文件可能正被其他程序打开，或为只读）",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已有同名的文件或文件夹",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EROFS: "磁盘只读（U 盘是否打开了写保护？）",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EINVAL: "文件名无效（不能含有 \\ / : * ? \" < > | 等字符）",
    errno.EIO: "读写磁盘出错（U 盘是否已拔出？）",
    errno.ENXIO: "找不到设备（U 盘是否已拔出？）",
    errno.ENODEV: "找不到设备（U 盘是否已拔出？）",
    errno.EMFILE: "同时打开的文件太多，请关闭一些程序后重试",
    errno.ENFILE: "同时打开的文件太多，请关闭一些程序后重试",
    errno.ELOOP: "路径中的快捷方式（链接）互相指向",
    errno.EFBIG: "文件太大",
    errno.EXDEV: "不能跨磁盘移动",
}
WINDOWS_REASONS = {
    32: "文件正被其他程序（如 Excel、WPS）打开，请关闭后重试",
    33: "文件的一部分被其他程序锁定，请关闭该程序后重试",
    21: "设备未就绪（U 盘是否已插好？）",
    1392: "文件或文件夹已损坏，无法读取",
    1006: "文件已被改动或删除（U 盘是否已拔出？）",
    206: "文件名或路径太长",
    123: "文件名、文件夹名或盘符不正确",
}


def os_reason(error: OSError) -> str:
    """Why the file system refused, in Chinese, for a message such as 无法读取“台账.xlsx”：{reason}."""
    winerror = getattr(error, "winerror", None)
    if winerror in WINDOWS_REASONS:
        return WINDOWS_REASONS[winerror]
    if error.errno in OS_REASONS:
        return OS_REASONS[error.errno]
    if error.errno:
        return f"读写文件出错（系统错误号 {error.errno}）"
    return "读写文件出错"
