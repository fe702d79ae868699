"""WeChat Pay APIv3 from the merchant's side, for the sandbox's own tests: the real
`wechatpayv3` client, and an independent implementation of WeChat's documented signing
(`METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n` / `TIMESTAMP\nNONCE\nBODY\n`, SHA256withRSA) and
notification decryption (AES-256-GCM) written here with `cryptography` alone."""
from __future__ import annotations

import base64
import functools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from werkzeug.serving import make_server
from wechatpayv3 import WeChatPay, WeChatPayType

APPID = "wxsandboxappid0001"
MCH_ID = "1900000109"


class Served:
    """A WSGI app on a free local port, in a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.base_url}/__control__/{path}", timeout=5, **kwargs)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def client(base_url: str, keys, notify_url: str = "http://127.0.0.1:9/unused") -> WeChatPay:
    """The unmodified wechatpayv3 client in public-key mode, pointed at the sandbox."""
    pay = WeChatPay(wechatpay_type=WeChatPayType.MINIPROG, mchid=MCH_ID, private_key=keys.merchant_private_key,
                    cert_serial_no=keys.merchant_serial_no, appid=APPID, apiv3_key=keys.apiv3_key,
                    notify_url=notify_url, public_key=keys.wechatpay_public_key,
                    public_key_id=keys.wechatpay_public_key_id, timeout=(2, 10))
    pay._core._gate_way = base_url.rstrip("/")  # wechatpayv3 appends paths that start with /
    return pay


@functools.lru_cache(maxsize=8)
def _private_key(pem: str):
    return serialization.load_pem_private_key(pem.encode(), None)  # slow: checks the key


def authorization(keys, method: str, url: str, body: str, *, private_key_pem: str | None = None,
                  serial_no: str | None = None, timestamp: int | None = None) -> str:
    """WeChat's documented Authorization header, built without wechatpayv3."""
    key = _private_key(private_key_pem or keys.merchant_private_key)
    stamp, nonce = str(timestamp if timestamp is not None else int(time.time())), secrets.token_hex(16)
    message = f"{method}\n{url}\n{stamp}\n{nonce}\n{body}\n".encode()
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    return (f'WECHATPAY2-SHA256-RSA2048 mchid="{MCH_ID}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{stamp}",serial_no="{serial_no or keys.merchant_serial_no}"')


def raw_call(base_url: str, keys, method: str, url: str, payload: dict | None = None, *,
             signed_payload: dict | None = None, unsigned: bool = False, headers: dict | None = None,
             **signing) -> requests.Response:
    """One v3 call signed in the test; `signed_payload` signs another body than the one sent."""
    body = json.dumps(payload) if payload is not None else ""
    headers = {"Accept": "application/json", "Content-Type": "application/json", **(headers or {})}
    if not unsigned:
        signed = json.dumps(signed_payload) if signed_payload is not None else body
        headers["Authorization"] = authorization(keys, method, url, signed, **signing)
    return requests.request(method, base_url.rstrip("/") + url, data=body.encode(), headers=headers, timeout=10)


def is_signed_by_wechatpay(keys, headers, body: str) -> bool:
    """Checks Wechatpay-Signature over TIMESTAMP\nNONCE\nBODY\n with the WeChat Pay public key."""
    if headers.get("Wechatpay-Serial") != keys.wechatpay_public_key_id:
        return False
    public_key = serialization.load_pem_public_key(keys.wechatpay_public_key.encode())
    message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n{body}\n".encode()
    try:
        public_key.verify(base64.b64decode(headers["Wechatpay-Signature"]), message, padding.PKCS1v15(),
                          hashes.SHA256())
    except Exception:
        return False
    return True


def decrypt_resource(keys, notification: dict) -> dict:
    resource = notification["resource"]
    assert resource["algorithm"] == "AEAD_AES_256_GCM"
    plain = AESGCM(keys.apiv3_key.encode()).decrypt(resource["nonce"].encode(),
                                                    base64.b64decode(resource["ciphertext"]),
                                                    resource["associated_data"].encode())
    return json.loads(plain)


class Receiver:
    """The merchant's notify URLs: records (path, headers, body); answers 204, or 500 while told
    to refuse."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[str, dict, str]] = []
        self.refusals_left = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                with receiver.lock:
                    receiver.received.append((self.path, dict(self.headers.items()), body))
                    refuse = receiver.refusals_left > 0
                    receiver.refusals_left -= 1 if refuse else 0
                if refuse:
                    reply = json.dumps({"code": "FAIL", "message": "失败"}).encode()
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                else:
                    self.send_response(204)
                    self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base_url + path

    def notifications(self, path: str) -> list[tuple[dict, str]]:
        with self.lock:
            return [(headers, body) for p, headers, body in self.received if p == path]

    def clear(self):
        with self.lock:
            self.received.clear()
            self.refusals_left = 0

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
