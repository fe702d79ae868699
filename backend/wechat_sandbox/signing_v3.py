"""WeChat Pay APIv3 wire security (public-key mode), written from WeChat's 签名认证 pages rather
than imported from wechatpayv3, so that the sandbox checks the client library instead of
agreeing with it by construction:

- requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
  signature="…",timestamp="…",serial_no="…"`, the signature being SHA256withRSA (PKCS#1 v1.5)
  by the merchant's private key over `METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n` (URL = path and
  query as sent);
- replies and notifications carry `Wechatpay-Timestamp/-Nonce/-Signature/-Serial` (and
  `-Signature-Type`), signed by the WeChat Pay private key over `TIMESTAMP\\nNONCE\\nBODY\\n`;
  the serial is the WeChat Pay public key id `PUB_KEY_ID_…`;
- notification resources are AES-256-GCM encrypted with the APIv3 key (12-byte nonce,
  associated data, base64 of ciphertext + tag);
- sensitive request fields (bank account, name) are RSA-OAEP (SHA-1) encrypted with the WeChat
  Pay public key.
"""
from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .keys import ensure_demo_keys
from .signing import nonce

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
# WeChat refuses a request whose timestamp is further than this from its clock.
MAX_CLOCK_SKEW_SECONDS = 300
_AUTH_FIELD = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class V3Keys:
    mch_id: str
    merchant_public_key: object  # RSAPublicKey: checks the merchant's requests
    merchant_serial_no: str
    wechatpay_private_key: object  # RSAPrivateKey: signs replies and notifications
    wechatpay_public_key_id: str
    apiv3_key: str


def load_keys(config: dict) -> V3Keys | None:
    """From the config's explicit values, else from `keys_dir` (created on first use); None when
    neither is given (the v3 endpoints then refuse every call)."""
    values = {name: config.get(name) for name in ("merchant_public_key", "merchant_serial_no",
                                                  "wechatpay_private_key", "wechatpay_public_key_id", "apiv3_key")}
    if config.get("keys_dir"):
        demo = ensure_demo_keys(config["keys_dir"])
        values = {name: value or getattr(demo, name) for name, value in values.items()}
    if not all(values.values()):
        return None
    if len(values["apiv3_key"].encode()) != 32:
        raise ValueError("an APIv3 key is 32 bytes long")
    return V3Keys(
        mch_id=config["mch_id"],
        merchant_public_key=serialization.load_pem_public_key(values["merchant_public_key"].encode()),
        merchant_serial_no=values["merchant_serial_no"],
        wechatpay_private_key=serialization.load_pem_private_key(values["wechatpay_private_key"].encode(), None),
        wechatpay_public_key_id=values["wechatpay_public_key_id"],
        apiv3_key=values["apiv3_key"],
    )


def parse_authorization(header: str | None) -> dict | None:
    if not header or not header.startswith(SCHEMA + " "):
        return None
    return dict(_AUTH_FIELD.findall(header[len(SCHEMA) + 1:]))


def request_message(method: str, url: str, timestamp: str, nonce_str: str, body: str) -> bytes:
    return f"{method}\n{url}\n{timestamp}\n{nonce_str}\n{body}\n".encode("utf-8")


def authorization_problem(keys: V3Keys, header: str | None, method: str, url: str, body: str) -> str | None:
    """Why the request's Authorization does not prove it comes from our merchant, or None."""
    auth = parse_authorization(header)
    if auth is None:
        return f"Authorization 缺失或认证类型不是 {SCHEMA}"
    missing = [name for name in ("mchid", "nonce_str", "signature", "timestamp", "serial_no") if not auth.get(name)]
    if missing:
        return f"Authorization 缺少 {', '.join(missing)}"
    if auth["mchid"] != keys.mch_id:
        return "商户号与签名中的 mchid 不一致"
    if auth["serial_no"].upper() != keys.merchant_serial_no.upper():
        return "商户证书序列号有误"
    if not auth["timestamp"].isdigit() or abs(time.time() - int(auth["timestamp"])) > MAX_CLOCK_SKEW_SECONDS:
        return "签名中的时间戳已过期或不合法"
    message = request_message(method, url, auth["timestamp"], auth["nonce_str"], body)
    if not verify(keys.merchant_public_key, message, auth["signature"]):
        return "签名错误，请检查签名串与商户私钥"
    return None


def sign(private_key, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def verify(public_key, message: bytes, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def signed_headers(keys: V3Keys, body: str) -> dict:
    """The Wechatpay-* headers of a reply or notification whose body is `body`."""
    timestamp, nonce_str = str(int(time.time())), nonce()
    message = f"{timestamp}\n{nonce_str}\n{body}\n".encode("utf-8")
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce_str,
        "Wechatpay-Signature": sign(keys.wechatpay_private_key, message),
        "Wechatpay-Serial": keys.wechatpay_public_key_id,
        "Wechatpay-Signature-Type": SCHEMA,
    }


def encrypt_resource(apiv3_key: str, plaintext: str, associated_data: str) -> dict:
    nonce_str = nonce(12)
    ciphertext = AESGCM(apiv3_key.encode("utf-8")).encrypt(
        nonce_str.encode("utf-8"), plaintext.encode("utf-8"), associated_data.encode("utf-8"))
    return {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
            "associated_data": associated_data, "nonce": nonce_str}


def decrypt_sensitive(keys: V3Keys, ciphertext: str) -> str:
    """A field the merchant encrypted with the WeChat Pay public key (RSA-OAEP, SHA-1)."""
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    return keys.wechatpay_private_key.decrypt(base64.b64decode(ciphertext), oaep).decode("utf-8")
