"""WeChat Pay v2 adapter over wechatpy 1.8 (the mini-program side is in miniprogram.py).

The rest of the shop sees only WeChatGateway and the exceptions of wechat_errors.py. Everything wechatpy gets
wrong or leaves to its caller is handled here:

- base URLs: the real hosts by default, the local sandbox when `api_base` / `pay_api_base`
  are set (wechatpy hard-codes the access-token URL, so that fetch is overridden);
- wechatpy never verifies the signature of a WeChat Pay reply: every reply is checked here;
- network errors escape wechatpy as raw `requests` exceptions: they become WeChatUnavailable;
- every call has a timeout, and unified order gets `client_ip` (wechatpy would otherwise
  resolve the WeChat host to guess the machine's address).
"""
import hmac
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import requests
import xmltodict
from wechatpy.exceptions import WeChatPayException
from wechatpy.pay import WeChatPay
from wechatpy.pay.utils import calculate_signature

from .wechat_errors import ERROR_CODES, InvalidNotification, WeChatError, WeChatUnavailable, is_retryable  # noqa: F401

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")

@dataclass(frozen=True)
class WeChatSettings:
    appid: str
    secret: str
    mch_id: str
    api_key: str
    mch_cert: str | None = None
    mch_key: str | None = None
    api_base: str | None = None  # e.g. "http://127.0.0.1:8001/" for the sandbox; None = real WeChat
    pay_api_base: str | None = None  # same for WeChat Pay
    timeout: float = 5.0
    client_ip: str = "127.0.0.1"


class _Pay(WeChatPay):
    def __init__(self, settings: WeChatSettings, http: requests.Session | None):
        super().__init__(settings.appid, settings.api_key, settings.mch_id, mch_cert=settings.mch_cert,
                         mch_key=settings.mch_key, timeout=settings.timeout)
        if settings.pay_api_base:
            self.API_BASE_URL = settings.pay_api_base
        if http is not None:
            self._http = http


def _parse_xml(body: bytes | str, root: str = "xml") -> dict | None:
    try:
        doc = xmltodict.parse(body, disable_entities=True)
    except Exception:  # expat raises several types for malformed input
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get(root), dict):
        return None
    return dict(doc[root])


def _fen(yuan_text: str) -> int:
    return int(Decimal(yuan_text) * 100)


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


class WeChatGateway:
    def __init__(self, settings: WeChatSettings, session: requests.Session | None = None):
        self.settings = settings
        self._pay = _Pay(settings, session)

    # -- calls -------------------------------------------------------------------------------

    def _send_pay(self, call, *args, **kwargs):
        """wechatpy's answer to a WeChat Pay call, its exceptions turned into ours."""
        try:
            return call(*args, **kwargs)
        except WeChatPayException as exc:
            raise self._pay_error(exc) from exc
        except requests.Timeout as exc:
            raise WeChatUnavailable("TIMEOUT", str(exc)) from exc
        except requests.RequestException as exc:
            raise WeChatUnavailable("NETWORK_ERROR", str(exc)) from exc

    def _call_pay(self, call, *args, **kwargs) -> dict:
        """A WeChat Pay call whose reply is signed by WeChat: the signature is checked here."""
        reply = self._send_pay(call, *args, **kwargs)
        if not isinstance(reply, dict):
            raise WeChatUnavailable("NETWORK_ERROR", "WeChat Pay reply is not XML")
        self._check_reply_signature(reply)
        return reply

    def _check_reply_signature(self, reply: dict):
        if not reply.get("sign") or not self._pay.check_signature(reply):
            log.warning("WeChat Pay reply with a bad signature: %s", reply.get("return_msg"))
            raise WeChatUnavailable("BAD_SIGNATURE", "WeChat Pay reply signature does not match")

    def _pay_error(self, exc: WeChatPayException) -> WeChatError:
        if exc.return_code is None:
            return WeChatUnavailable("NETWORK_ERROR", f"HTTP error from WeChat Pay: {exc.response}")
        if exc.return_code != "SUCCESS":
            # WeChat does not sign return_code FAIL replies; believing a forged one only makes us fail.
            return WeChatError("RETURN_FAIL", exc.return_msg or "")
        reply = _parse_xml(exc.response.content) if exc.response is not None else None
        self._check_reply_signature(reply or {})
        return WeChatError(exc.errcode or "RETURN_FAIL", exc.errmsg or "")

    # -- payments ----------------------------------------------------------------------------

    def unified_order(self, *, out_trade_no: str, total_fee: int, body: str, openid: str, notify_url: str,
                      time_expire: datetime | None = None) -> str:
        """prepay_id of a JSAPI order. `time_expire`: naive datetimes are taken as UTC."""
        if time_expire is not None:
            if time_expire.tzinfo is None:
                time_expire = time_expire.replace(tzinfo=timezone.utc)
            time_expire = time_expire.astimezone(SHANGHAI)
        reply = self._call_pay(self._pay.order.create, trade_type="JSAPI", body=body, total_fee=total_fee,
                               notify_url=notify_url, client_ip=self.settings.client_ip, user_id=openid,
                               out_trade_no=out_trade_no, time_expire=time_expire)
        if not reply.get("prepay_id"):
            raise WeChatUnavailable("NETWORK_ERROR", "unified order reply without prepay_id")
        return reply["prepay_id"]

    def jsapi_params(self, prepay_id: str) -> dict:
        """Arguments of wx.requestPayment: timeStamp, nonceStr, package, signType, paySign, appId."""
        return self._pay.jsapi.get_jsapi_params(prepay_id)

    def close_order(self, out_trade_no: str) -> None:
        """Closing twice is fine (ORDERCLOSED is success); a paid order raises WeChatError ORDERPAID."""
        try:
            self._call_pay(self._pay.order.close, out_trade_no)
        except WeChatError as exc:
            if exc.code != "ORDERCLOSED":
                raise

    def query_order(self, out_trade_no: str) -> dict:
        reply = self._call_pay(self._pay.order.query, out_trade_no=out_trade_no)
        return {
            "out_trade_no": reply.get("out_trade_no"),
            "trade_state": reply.get("trade_state"),
            "transaction_id": reply.get("transaction_id"),
            "total_fee": _int(reply.get("total_fee")),
            "cash_fee": _int(reply.get("cash_fee")),
            "openid": reply.get("openid"),
            "time_end": reply.get("time_end"),
        }

    def parse_pay_notify(self, body: bytes) -> dict:
        """The verified payment notification, total_fee and cash_fee as int. Checking the amount
        against the order is the caller's job."""
        data = _parse_xml(body)
        if data is None:
            raise InvalidNotification("not a WeChat Pay XML document")
        data = {k: v for k, v in data.items() if isinstance(v, str) or v is None}
        given = data.pop("sign", None) or ""
        if not hmac.compare_digest(given, calculate_signature(data, self.settings.api_key)):
            raise InvalidNotification("bad signature")
        self._check_notify_origin(data)
        if data.get("result_code") != "SUCCESS":
            raise InvalidNotification(f"payment failed: {data.get('err_code')} {data.get('err_code_des')}")
        for name in ("out_trade_no", "transaction_id", "total_fee"):
            if not data.get(name):
                raise InvalidNotification(f"missing {name}")
        for name in ("total_fee", "cash_fee", "settlement_total_fee", "coupon_fee"):
            if data.get(name) not in (None, ""):
                data[name] = int(data[name])
        return data

    def _check_notify_origin(self, data: dict):
        if data.get("return_code") != "SUCCESS":
            raise InvalidNotification(f"return_code {data.get('return_code')}")
        if data.get("appid") != self.settings.appid:
            raise InvalidNotification("appid is not ours")
        if data.get("mch_id") != self.settings.mch_id:
            raise InvalidNotification("mch_id is not ours")

    # -- refunds -----------------------------------------------------------------------------

    def refund(self, *, out_trade_no: str, out_refund_no: str, total_fee: int, refund_fee: int, notify_url: str,
               reason: str | None = None) -> dict:
        """Ask for a refund. Retries must reuse `out_refund_no`: WeChat then answers with the
        same refund instead of paying twice. "PROCESSING" means accepted; the outcome comes
        from the refund notification or query_refund."""
        if self.settings.pay_api_base is None and not (self.settings.mch_cert and self.settings.mch_key):
            raise WeChatError("CERT_REQUIRED", "set mch_cert and mch_key to refund on the real WeChat Pay")
        reply = self._call_pay(self._pay.refund.apply, total_fee=total_fee, refund_fee=refund_fee,
                               out_refund_no=out_refund_no, out_trade_no=out_trade_no, refund_desc=reason,
                               notify_url=notify_url)
        return {
            "refund_id": reply.get("refund_id"),
            "out_refund_no": reply.get("out_refund_no"),
            "refund_fee": _int(reply.get("refund_fee")),
            "status": "PROCESSING",
        }

    def query_refund(self, out_refund_no: str) -> dict:
        """status: SUCCESS, PROCESSING, CHANGE (failed, money needs another route) or REFUNDCLOSE.
        A refund WeChat never accepted raises WeChatError REFUNDNOTEXIST: submitting it again
        with the same out_refund_no is then safe."""
        reply = self._call_pay(self._pay.refund.query, out_refund_no=out_refund_no)
        for i in range(int(reply.get("refund_count") or 0)):
            if reply.get(f"out_refund_no_{i}") == out_refund_no:
                return {
                    "status": reply.get(f"refund_status_{i}"),
                    "refund_id": reply.get(f"refund_id_{i}"),
                    "refund_fee": _int(reply.get(f"refund_fee_{i}")),
                    "success_time": reply.get(f"refund_success_time_{i}"),
                }
        raise WeChatError("REFUNDNOTEXIST", f"refund query answered without {out_refund_no}")

    def parse_refund_notify(self, body: bytes) -> dict:
        """The decrypted req_info (refund_fee, total_fee... as int), from our appid and mch_id."""
        outer = _parse_xml(body)
        if outer is None:
            raise InvalidNotification("not a WeChat Pay XML document")
        self._check_notify_origin(outer)
        try:
            data = dict(self._pay.parse_refund_notify_result(body))
        except Exception as exc:  # bad base64, padding, XML, appid or mch_id: all raise differently
            raise InvalidNotification(f"req_info does not decrypt: {exc!r}") from exc
        for name in ("out_refund_no", "out_trade_no", "refund_status", "refund_fee"):
            if data.get(name) in (None, ""):
                raise InvalidNotification(f"req_info without {name}")
        return data

    def download_refund_bill(self, bill_date: date) -> list[dict]:
        """The day's refunds as WeChat booked them ([] when WeChat has no bill for that day).
        The bill is plain text and unsigned: WeChat offers nothing to verify."""
        try:
            text = self._send_pay(self._pay.tools.download_bill, bill_date, bill_type="REFUND")
        except WeChatError as exc:
            if exc.code == "RETURN_FAIL" and exc.message == "No Bill Exist":
                return []
            raise
        if not isinstance(text, str):
            raise WeChatUnavailable("NETWORK_ERROR", "bill is not text")
        return parse_refund_bill(text)

    # -- answers to WeChat's notifications -----------------------------------------------------

    @staticmethod
    def success_reply() -> bytes:
        return b"<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"

    @staticmethod
    def fail_reply(msg: str) -> bytes:
        safe = msg.replace("]]>", "")
        return (f"<xml><return_code><![CDATA[FAIL]]></return_code>"
                f"<return_msg><![CDATA[{safe}]]></return_msg></xml>").encode("utf-8")


_BILL_COLUMNS = {
    "微信订单号": "transaction_id",
    "商户订单号": "out_trade_no",
    "微信退款单号": "refund_id",
    "商户退款单号": "out_refund_no",
    "退款金额": "refund_fee",
    "退款状态": "refund_status",
    "退款申请时间": "requested_at",
    "退款成功时间": "succeeded_at",
}


def parse_refund_bill(text: str) -> list[dict]:
    """Rows of a REFUND bill: header line, lines of `-prefixed fields, then the summary lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise WeChatUnavailable("NETWORK_ERROR", "empty bill")
    header = [name.strip().lstrip("\ufeff") for name in lines[0].split(",")]
    missing = {"商户订单号", "商户退款单号", "微信退款单号", "退款金额", "退款状态"} - set(header)
    if missing:
        raise WeChatUnavailable("NETWORK_ERROR", f"bill without columns {sorted(missing)}")
    rows = []
    for line in lines[1:]:
        if line.startswith("总交易单数"):
            break
        fields = [f.strip().lstrip("`") for f in line.split(",")]
        record = dict(zip(header, fields))
        row = {key: record.get(name) or None for name, key in _BILL_COLUMNS.items() if name in record}
        try:
            row["refund_fee"] = _fen(record["退款金额"])
        except (InvalidOperation, KeyError) as exc:
            raise WeChatUnavailable("NETWORK_ERROR", f"bad refund amount in bill line {line!r}") from exc
        rows.append(row)
    return rows
