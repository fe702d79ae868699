"""WeChat Pay APIv3 signatures and notifications, written here from WeChat's documentation with the
`cryptography` package only, so that the shop's v3 code (wechatpayv3 + adapters/payments/v3.py) is
checked against an implementation that shares nothing with it.

- request signature: `WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`,
  RSA-SHA256 (PKCS#1 v1.5) of "METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n" with the merchant's private key;
- reply / notification signature: RSA-SHA256 of "TIMESTAMP\\nNONCE\\nBODY\\n" with WeChat Pay's private key,
  sent as Wechatpay-Signature / -Timestamp / -Nonce / -Serial (the public key id);
- notification resource: AEAD_AES_256_GCM with the APIv3 key, base64(ciphertext + tag);
- wx.requestPayment paySign: RSA-SHA256 of "appId\\ntimeStamp\\nnonceStr\\npackage\\n" with the merchant key.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def rsa_sign(private_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verifies(public_pem: str, message: str, signature: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    try:
        key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    return True


def parse_authorization(header: str) -> dict:
    scheme, _, rest = header.partition(" ")
    assert scheme == "WECHATPAY2-SHA256-RSA2048", header
    return dict(re.findall(r'(\w+)="([^"]*)"', rest))


def request_signature_verifies(merchant_public_pem: str, method: str, url: str, body: str, authorization: str) -> bool:
    fields = parse_authorization(authorization)
    message = f"{method}\n{url}\n{fields['timestamp']}\n{fields['nonce_str']}\n{body}\n"
    return rsa_verifies(merchant_public_pem, message, fields["signature"])


def signed_headers(wechatpay_private_pem: str, public_key_id: str, body: str, *, timestamp: int | None = None,
                   nonce: str | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    nonce = nonce or secrets.token_hex(16)
    return {"Wechatpay-Timestamp": str(timestamp), "Wechatpay-Nonce": nonce, "Wechatpay-Serial": public_key_id,
            "Wechatpay-Signature": rsa_sign(wechatpay_private_pem, f"{timestamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}


def encrypt_resource(apiv3_key: str, plain: dict, associated_data: str) -> dict:
    nonce = secrets.token_hex(6)  # 12 characters, as WeChat sends
    data = json.dumps(plain, ensure_ascii=False).encode()
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), data, associated_data.encode())
    return {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated_data, "original_type": associated_data, "nonce": nonce}


def notification(keys, event_type: str, plain: dict, *, timestamp: int | None = None,
                 signing_key: str | None = None) -> tuple[bytes, dict]:
    """(body, headers) of a notification as WeChat Pay sends it; `signing_key` forges it with another key."""
    kind = "transaction" if event_type.startswith("TRANSACTION.") else "refund"
    body = json.dumps({"id": secrets.token_hex(18), "create_time": "2026-11-21T12:00:00+08:00",
                       "resource_type": "encrypt-resource", "event_type": event_type, "summary": "通知",
                       "resource": encrypt_resource(keys.apiv3_key, plain, kind)}, ensure_ascii=False)
    headers = signed_headers(signing_key or keys.wechatpay_private_key, keys.wechatpay_public_key_id, body,
                             timestamp=timestamp)
    return body.encode(), headers


def payment_plain(appid: str, mchid: str, out_trade_no: str, total: int) -> dict:
    return {"appid": appid, "mchid": mchid, "out_trade_no": out_trade_no,
             "transaction_id": "4200000000000000000000000001", "trade_type": "JSAPI", "trade_state": "SUCCESS",
             "trade_state_desc": "支付成功", "bank_type": "OTHERS", "success_time": "2026-11-21T12:00:00+08:00",
             "payer": {"openid": "sandbox-alice"},
             "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"}}


def refund_plain(mchid: str, out_trade_no: str, out_refund_no: str, refund: int, total: int,
                 status: str = "SUCCESS") -> dict:
    return {"mchid": mchid, "out_trade_no": out_trade_no, "transaction_id": "4200000000000000000000000001",
            "out_refund_no": out_refund_no, "refund_id": "50300000000000000000000001", "refund_status": status,
            "success_time": "2026-11-21T12:00:00+08:00", "user_received_account": "支付用户零钱",
            "amount": {"total": total, "refund": refund, "payer_total": total, "payer_refund": refund}}


def pay_sign_verifies(merchant_public_pem: str, params: dict) -> bool:
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    return params["signType"] == "RSA" and rsa_verifies(merchant_public_pem, message, params["paySign"])
