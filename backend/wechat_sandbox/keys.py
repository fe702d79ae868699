"""Key material for WeChat Pay APIv3 in public-key mode, for the sandbox and the demo merchant.

Two RSA-2048 pairs and one APIv3 key, kept as PEM files in one folder (`var/wechatpay/` for
`make run`, a temporary folder in tests) so that a restart keeps them:

- the merchant's pair: the shop signs requests with the private key; the sandbox verifies them
  with the public key (real WeChat takes it from the merchant's API certificate, whose serial
  number the shop sends as `serial_no` in `Authorization`);
- the WeChat Pay public-key pair (微信支付公钥): the sandbox signs replies and notifications
  with the private key; the shop verifies them with the public key and its id `PUB_KEY_ID_…`;
- the APIv3 key (32 characters): AES-256-GCM for notification resources.

Production never uses this module: there the merchant's files come from WeChat's consoles.
"""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

MERCHANT_PRIVATE = "merchant_private_key.pem"
MERCHANT_PUBLIC = "merchant_public_key.pem"
WECHATPAY_PRIVATE = "wechatpay_private_key.pem"
WECHATPAY_PUBLIC = "wechatpay_public_key.pem"
IDS = "ids.txt"  # three lines: merchant serial, WeChat Pay public key id, APIv3 key


@dataclass(frozen=True)
class DemoKeys:
    folder: Path
    merchant_private_key: str  # PEM
    merchant_public_key: str  # PEM
    merchant_serial_no: str  # 40 hex digits, as WeChat prints a certificate serial
    wechatpay_private_key: str  # PEM, the sandbox's only
    wechatpay_public_key: str  # PEM
    wechatpay_public_key_id: str  # PUB_KEY_ID_ + 32 digits
    apiv3_key: str  # 32 ASCII characters

    @property
    def merchant_private_key_path(self) -> Path:
        return self.folder / MERCHANT_PRIVATE

    @property
    def merchant_public_key_path(self) -> Path:
        return self.folder / MERCHANT_PUBLIC

    @property
    def wechatpay_private_key_path(self) -> Path:
        return self.folder / WECHATPAY_PRIVATE

    @property
    def wechatpay_public_key_path(self) -> Path:
        return self.folder / WECHATPAY_PUBLIC


def _pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def ensure_demo_keys(folder: Path | str) -> DemoKeys:
    """The keys in `folder`, created on first use (mode 0700 folder, 0600 files)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    names = (MERCHANT_PRIVATE, MERCHANT_PUBLIC, WECHATPAY_PRIVATE, WECHATPAY_PUBLIC, IDS)
    if not all((folder / name).exists() for name in names):
        merchant_private, merchant_public = _pair()
        wechatpay_private, wechatpay_public = _pair()
        alphabet = string.ascii_letters + string.digits
        ids = "\n".join([
            secrets.token_hex(20).upper(),
            "PUB_KEY_ID_" + "".join(secrets.choice(string.digits) for _ in range(32)),
            "".join(secrets.choice(alphabet) for _ in range(32)),
        ]) + "\n"
        for name, text in zip(names, (merchant_private, merchant_public, wechatpay_private, wechatpay_public, ids)):
            path = folder / name
            path.write_text(text)
            path.chmod(0o600)
    serial, public_key_id, apiv3_key = (folder / IDS).read_text().split()
    return DemoKeys(
        folder=folder,
        merchant_private_key=(folder / MERCHANT_PRIVATE).read_text(),
        merchant_public_key=(folder / MERCHANT_PUBLIC).read_text(),
        merchant_serial_no=serial,
        wechatpay_private_key=(folder / WECHATPAY_PRIVATE).read_text(),
        wechatpay_public_key=(folder / WECHATPAY_PUBLIC).read_text(),
        wechatpay_public_key_id=public_key_id,
        apiv3_key=apiv3_key,
    )
