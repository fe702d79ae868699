"""WeChat Pay APIv2 (XML + MD5) over wechatpy 1.8, behind the PaymentGateway of gateway.py.

Everything wechatpy gets wrong or leaves to its caller is handled here:

- base URL: the real host by default, the local sandbox when `pay_api_base` is set;
- wechatpy never verifies the signature of a WeChat Pay reply: every reply is checked here;
- network errors escape wechatpy as raw `requests` exceptions: they become WeChatUnavailable;
- every call has a timeout, and unified order gets `client_ip` (wechatpy would otherwise
  resolve the WeChat host to guess the machine's address).
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import requests
import xmltodict
from wechatpy.exceptions import WeChatPayException
from wechatpy.pay import WeChatPay
from wechatpy.pay.utils import calculate_signature

from ..wechat_errors import InvalidNotification, WeChatError, WeChatUnavailable
from ..wechat_settings import WeChatSettings
from .bill import parse_refund_bill
from .gateway import (NOT_SUPPORTED_CODE, BillRefund, CloseResult, NotificationReply, PaymentCreated,
                      PaymentNotification, PaymentQueried, PaymentState, RefundOutcome, RefundStatus)

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TRADE_STATES = {"SUCCESS": PaymentState.PAID, "REFUND": PaymentState.REFUNDED, "NOTPAY": PaymentState.UNPAID,
                "USERPAYING": PaymentState.UNPAID, "CLOSED": PaymentState.CLOSED, "REVOKED": PaymentState.CLOSED,
                "PAYERROR": PaymentState.FAILED}
REFUND_STATES = {"SUCCESS": RefundStatus.SUCCEEDED, "PROCESSING": RefundStatus.PROCESSING,
                 "REFUNDCLOSE": RefundStatus.CLOSED, "CHANGE": RefundStatus.WECHAT_ABNORMAL}


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


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


def _time(text: str | None) -> datetime | None:
    """v2 times: yyyyMMddHHmmss or yyyy-MM-dd HH:mm:ss, Beijing time; returned in UTC."""
    if not text:
        return None
    for fmt in ("%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=SHANGHAI).astimezone(timezone.utc)
        except ValueError:
            continue
    return None


class WeChatPayV2:
    api = "v2"

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

    def create_payment(self, *, out_trade_no: str, amount_fen: int, description: str, openid: str,
                       notify_url: str, expires_at: datetime | None = None) -> PaymentCreated:
        if expires_at is not None:
            if expires_at.tzinfo is None:
                expires_at = expires_at.replace(tzinfo=timezone.utc)
            expires_at = expires_at.astimezone(SHANGHAI)
        reply = self._call_pay(self._pay.order.create, trade_type="JSAPI", body=description, total_fee=amount_fen,
                               notify_url=notify_url, client_ip=self.settings.client_ip, user_id=openid,
                               out_trade_no=out_trade_no, time_expire=expires_at)
        if not reply.get("prepay_id"):
            raise WeChatUnavailable("NETWORK_ERROR", "unified order reply without prepay_id")
        return PaymentCreated(reply["prepay_id"], self.pay_params(reply["prepay_id"]))

    def pay_params(self, prepay_id: str) -> dict:
        """wx.requestPayment arguments signed with MD5 (signType MD5)."""
        return self._pay.jsapi.get_jsapi_params(prepay_id)

    def close_payment(self, out_trade_no: str) -> CloseResult:
        try:
            self._call_pay(self._pay.order.close, out_trade_no)
        except WeChatError as exc:
            outcome = {"ORDERCLOSED": CloseResult.CLOSED, "ORDERPAID": CloseResult.ALREADY_PAID,
                       "ORDERNOTEXIST": CloseResult.NOT_FOUND}.get(exc.code)
            if outcome is None:
                raise
            return outcome
        return CloseResult.CLOSED

    def query_payment(self, out_trade_no: str) -> PaymentQueried:
        reply = self._call_pay(self._pay.order.query, out_trade_no=out_trade_no)
        return PaymentQueried(out_trade_no=reply.get("out_trade_no") or out_trade_no,
                              state=TRADE_STATES.get(reply.get("trade_state"), PaymentState.UNPAID),
                              transaction_id=reply.get("transaction_id"), amount_fen=_int(reply.get("total_fee")),
                              payer_total_fen=_int(reply.get("cash_fee")), openid=reply.get("openid"),
                              paid_at=_time(reply.get("time_end")))

    def parse_payment_notification(self, body: bytes, headers: Mapping[str, str]) -> PaymentNotification:
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
        try:
            amount = int(data["total_fee"])
        except ValueError as exc:
            raise InvalidNotification("total_fee is not a number") from exc
        return PaymentNotification(out_trade_no=data["out_trade_no"], transaction_id=data["transaction_id"],
                                   amount_fen=amount, paid_at=_time(data.get("time_end")))

    def _check_notify_origin(self, data: dict):
        if data.get("return_code") != "SUCCESS":
            raise InvalidNotification(f"return_code {data.get('return_code')}")
        if data.get("appid") != self.settings.appid:
            raise InvalidNotification("appid is not ours")
        if data.get("mch_id") != self.settings.mch_id:
            raise InvalidNotification("mch_id is not ours")

    # -- refunds -----------------------------------------------------------------------------

    def refund(self, *, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int, notify_url: str,
               reason: str | None = None) -> RefundOutcome:
        if self.settings.pay_api_base is None and not (self.settings.mch_cert and self.settings.mch_key):
            return RefundOutcome.failure(out_refund_no, WeChatError(
                "CERT_REQUIRED", "set mch_cert and mch_key to refund on the real WeChat Pay"))
        try:
            reply = self._call_pay(self._pay.refund.apply, total_fee=total_fen, refund_fee=refund_fen,
                                   out_refund_no=out_refund_no, out_trade_no=out_trade_no, refund_desc=reason,
                                   notify_url=notify_url)
        except WeChatError as exc:
            return RefundOutcome.failure(out_refund_no, exc)
        return RefundOutcome(RefundStatus.ACCEPTED, out_refund_no, wechat_refund_id=reply.get("refund_id"),
                             amount_fen=_int(reply.get("refund_fee")))

    def query_refund(self, out_refund_no: str) -> RefundOutcome:
        try:
            reply = self._call_pay(self._pay.refund.query, out_refund_no=out_refund_no)
        except WeChatError as exc:
            if exc.code == "REFUNDNOTEXIST":
                return RefundOutcome(RefundStatus.NOT_FOUND, out_refund_no, code=exc.code, message=exc.message)
            return RefundOutcome.failure(out_refund_no, exc)
        for i in range(int(reply.get("refund_count") or 0)):
            if reply.get(f"out_refund_no_{i}") == out_refund_no:
                return RefundOutcome(REFUND_STATES.get(reply.get(f"refund_status_{i}"), RefundStatus.PROCESSING),
                                     out_refund_no, wechat_refund_id=reply.get(f"refund_id_{i}"),
                                     amount_fen=_int(reply.get(f"refund_fee_{i}")),
                                     succeeded_at=_time(reply.get(f"refund_success_time_{i}")))
        return RefundOutcome(RefundStatus.NOT_FOUND, out_refund_no, code="REFUNDNOTEXIST",
                             message=f"refund query answered without {out_refund_no}")

    def apply_abnormal_refund(self, *, wechat_refund_id: str, out_refund_no: str, route: str,
                              bank_type: str | None = None, bank_account: str | None = None,
                              real_name: str | None = None) -> RefundOutcome:
        """APIv2 has no abnormal-refund call: only APIv3 can re-route a refund to a bank card."""
        return RefundOutcome.failure(out_refund_no, WeChatError(
            NOT_SUPPORTED_CODE, "WeChat Pay APIv2 has no apply-abnormal-refund", retryable=False))

    def parse_refund_notification(self, body: bytes, headers: Mapping[str, str]) -> RefundOutcome:
        """The decrypted req_info, from our appid and mch_id."""
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
        status = REFUND_STATES.get(data["refund_status"])
        if status not in (RefundStatus.SUCCEEDED, RefundStatus.CLOSED, RefundStatus.WECHAT_ABNORMAL):
            raise InvalidNotification(f"refund_status {data['refund_status']} is not an outcome")
        return RefundOutcome(status, data["out_refund_no"], wechat_refund_id=data.get("refund_id"),
                             amount_fen=_int(data.get("refund_fee")), succeeded_at=_time(data.get("success_time")))

    def download_refund_bill(self, bill_date: date) -> list[BillRefund]:
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
    def reply(accepted: bool, message: str = "", status: int = 400) -> NotificationReply:
        if accepted:
            body = b"<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"
            return NotificationReply(200, body, "application/xml")
        safe = message.replace("]]>", "")
        body = (f"<xml><return_code><![CDATA[FAIL]]></return_code>"
                f"<return_msg><![CDATA[{safe}]]></return_msg></xml>").encode("utf-8")
        return NotificationReply(status, body, "application/xml")

    # -- consumer complaints: APIv3 only ---------------------------------------------------------

    @staticmethod
    def _no_complaints(*_args, **_kwargs):
        raise WeChatError(NOT_SUPPORTED_CODE, "WeChat Pay APIv2 has no consumer-complaint API (消费者投诉2.0 is APIv3 only)",
                          retryable=False)

    list_complaints = get_complaint = complaint_history = respond_complaint = _no_complaints
    complete_complaint = update_complaint_refund = register_complaint_notify_url = _no_complaints
    complaint_notify_url = _no_complaints

    def parse_complaint_notification(self, body: bytes, headers: Mapping[str, str]):
        raise InvalidNotification("WeChat Pay APIv2 has no complaint notifications")
