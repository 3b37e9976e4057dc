"""Bundle files (.pjz): the signed ZIPs that carry changes between devices, townships and the county.

Knows nothing of the database or of Qt: it writes a bundle from plain data and reads one back, refusing
anything it cannot fully verify (DESIGN §5). Services decide what goes in and what to do with what comes out.

Its names are loaded when first used: a page that only names the format's limits (the attachments panel) does
not load the signature library with them.
"""

from importlib import import_module

_WHERE = {"FORMAT_VERSION": "bundle", "Bundle": "bundle", "BundleDamaged": "bundle", "BundleRefused": "bundle",
          "open_bundle": "bundle", "write_bundle": "bundle",
          "DeviceKey": "keys", "fingerprint": "keys", "load_or_create_key": "keys"}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
