"""Bundle files (.pjz): the signed ZIPs that carry changes between devices, townships and the county.

Knows nothing of the database or of Qt: it writes a bundle from plain data and reads one back, refusing
anything it cannot fully verify (DESIGN §5). Services decide what goes in and what to do with what comes out.
"""

from .bundle import FORMAT_VERSION, Bundle, BundleRefused, open_bundle, write_bundle
from .keys import DeviceKey, fingerprint, load_or_create_key

__all__ = ["FORMAT_VERSION", "Bundle", "BundleRefused", "DeviceKey", "fingerprint", "load_or_create_key",
           "open_bundle", "write_bundle"]
