"""WeChat Pay v2 wire format: MD5/HMAC-SHA256 signatures, XML bodies, refund encryption.

Written from WeChat Pay's "安全规范" page rather than imported from wechatpy, so that the
sandbox checks the client library instead of agreeing with it by construction.
"""
import base64
import hashlib
import hmac
import secrets
import string
from xml.parsers.expat import ExpatError

import xmltodict
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_NONCE_ALPHABET = string.ascii_letters + string.digits


def nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


def string_to_sign(params: dict, api_key: str) -> str:
    """Non-empty parameters except `sign`, sorted by name, as k=v&..., then &key=API_KEY."""
    pairs = [f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k] not in (None, "")]
    pairs.append(f"key={api_key}")
    return "&".join(pairs)


def sign(params: dict, api_key: str, sign_type: str = "MD5") -> str:
    text = string_to_sign(params, api_key).encode("utf-8")
    if sign_type == "HMAC-SHA256":
        digest = hmac.new(api_key.encode("utf-8"), text, hashlib.sha256).hexdigest()
    else:
        digest = hashlib.md5(text).hexdigest()
    return digest.upper()


def is_signed(params: dict, api_key: str) -> bool:
    given = params.get("sign") or ""
    expected = sign(params, api_key, params.get("sign_type") or "MD5")
    return hmac.compare_digest(given, expected)


def to_xml(params: dict, root: str = "xml") -> str:
    parts = [f"<{root}>"]
    for key, value in params.items():
        if value is None:
            continue
        text = str(value)
        if text.isdigit():
            parts.append(f"<{key}>{text}</{key}>")
        else:
            parts.append(f"<{key}><![CDATA[{text.replace(']]>', ']]]]><![CDATA[>')}]]></{key}>")
    parts.append(f"</{root}>")
    return "".join(parts)


def signed_xml(params: dict, api_key: str) -> str:
    body = {k: v for k, v in params.items() if v is not None}
    body["sign"] = sign(body, api_key)
    return to_xml(body)


def parse_xml(body: bytes | str, root: str = "xml") -> dict | None:
    """Flat dict of the <xml> children, or None when the body is not such a document."""
    try:
        doc = xmltodict.parse(body, disable_entities=True)
    except (ExpatError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get(root), dict):
        return None
    return {k: (v if isinstance(v, str) else "") for k, v in doc[root].items()}


def _refund_key(api_key: str) -> bytes:
    return hashlib.md5(api_key.encode("utf-8")).hexdigest().encode("ascii")


def encrypt_refund_info(inner_xml: str, api_key: str) -> str:
    """req_info of a refund notification: base64(AES-256-ECB(md5(key) hex, PKCS7))."""
    padder = padding.PKCS7(128).padder()
    data = padder.update(inner_xml.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_refund_key(api_key)), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


def decrypt_refund_info(req_info: str, api_key: str) -> str:
    decryptor = Cipher(algorithms.AES(_refund_key(api_key)), modes.ECB()).decryptor()
    data = decryptor.update(base64.b64decode(req_info)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")
