"""The WeChat credentials and hosts the mini-program client and the WeChat Pay v2 gateway share."""
from dataclasses import dataclass


@dataclass(frozen=True)
class WeChatSettings:
    appid: str
    secret: str
    mch_id: str
    api_key: str  # WeChat Pay v2 (MD5) key
    mch_cert: str | None = None
    mch_key: str | None = None
    api_base: str | None = None  # e.g. "http://127.0.0.1:8001/" for the sandbox; None = real WeChat
    pay_api_base: str | None = None  # same for WeChat Pay
    timeout: float = 5.0
    client_ip: str = "127.0.0.1"
