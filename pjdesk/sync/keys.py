"""Each device's Ed25519 key pair: made once, the private half kept in the data directory (0600)."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pjdesk.core.errors import PjdeskError

KEY_FILE = Path("keys") / "device.key"


@dataclass(frozen=True)
class DeviceKey:
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of the raw public key in groups of four hex digits, for a person to read out and compare."""
    digest = hashlib.sha256(public_raw).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def public_key_bytes(b64: str) -> bytes:
    try:
        raw = base64.b64decode(b64, validate=True)
    except (ValueError, TypeError) as e:
        raise PjdeskError("设备公钥格式错误") from e
    if len(raw) != 32:
        raise PjdeskError("设备公钥格式错误")
    return raw


def verify(public_raw: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create_key(data_dir: Path) -> DeviceKey:
    """This device's key, made at first use; the private key never leaves the data directory."""
    path = Path(data_dir) / KEY_FILE
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as e:
            raise PjdeskError(f"本机密钥文件 {path} 已损坏。请从备份恢复数据目录，或联系县安委办重新登记本机。") from e
        if not isinstance(key, Ed25519PrivateKey):
            raise PjdeskError(f"本机密钥文件 {path} 不是 Ed25519 密钥")
        return DeviceKey(key)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 from the start (not chmod after): no moment when another user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return DeviceKey(key)
