"""WeChat Pay APIv3 in public-key mode over wechatpayv3, behind the PaymentGateway of gateway.py.

Public-key mode (微信支付公钥): WeChat signs replies and notifications with the key whose id
`PUB_KEY_ID_…` we are given; there are no platform certificates to download. wechatpayv3 signs our
requests (`WECHATPAY2-SHA256-RSA2048`) and verifies 2xx replies; what it leaves to its caller is done here:

- calls answer `(status, text)`: WeChat's error codes become WeChatError / RefundOutcome failures,
  retryable or final as ERROR_CODES says; network errors and a bad reply signature become WeChatUnavailable;
- notifications are verified here rather than by wechatpayv3 (which would go looking for platform
  certificates for an unknown serial and never checks the timestamp): the serial must be our
  WeChat Pay public key id, the timestamp at most 5 minutes off, the signature good, the AES-256-GCM
  resource must decrypt with the APIv3 key, and appid / mchid must be ours;
- `wx.requestPayment` gets `signType` RSA and `paySign` signed with the merchant private key;
- the refund bill: `/v3/bill/tradebill` (bill_type REFUND) gives a download URL, the file is gzip,
  its SHA1 is checked.

The base URL is the real host unless `api_base` points at the sandbox (set here only).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import requests
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.utils import aes_decrypt, load_public_key, rsa_verify

from ..wechat_errors import InvalidNotification, WeChatError, WeChatUnavailable
from .bill import parse_refund_bill
from .gateway import (BillRefund, CloseResult, Complaint, ComplaintHistoryEntry, ComplaintNotice, ComplaintState,
                      NotificationReply, PaymentCreated, PaymentNotification, PaymentQueried, PaymentState,
                      RefundOutcome, RefundStatus, SETTLED_REFUND_STATUSES)

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
NOTIFICATION_MAX_AGE_SECONDS = 300
TRADE_STATES = {"SUCCESS": PaymentState.PAID, "REFUND": PaymentState.REFUNDED, "NOTPAY": PaymentState.UNPAID,
                "USERPAYING": PaymentState.UNPAID, "CLOSED": PaymentState.CLOSED, "REVOKED": PaymentState.CLOSED,
                "PAYERROR": PaymentState.FAILED}
# A refund's status in a reply, a query or a notification.
REFUND_STATES = {"SUCCESS": RefundStatus.SUCCEEDED, "PROCESSING": RefundStatus.PROCESSING,
                 "CLOSED": RefundStatus.CLOSED, "ABNORMAL": RefundStatus.WECHAT_ABNORMAL}
CLOSE_OUTCOMES = {"ORDER_CLOSED": CloseResult.CLOSED, "ORDERCLOSED": CloseResult.CLOSED,
                  "ORDER_PAID": CloseResult.ALREADY_PAID, "ORDERPAID": CloseResult.ALREADY_PAID,
                  "ORDER_NOT_EXIST": CloseResult.NOT_FOUND, "ORDERNOTEXIST": CloseResult.NOT_FOUND,
                  "RESOURCE_NOT_EXISTS": CloseResult.NOT_FOUND}
NOT_FOUND_CODES = {"RESOURCE_NOT_EXISTS", "ORDER_NOT_EXIST", "ORDERNOTEXIST"}
NO_BILL_CODES = {"NO_STATEMENT_EXIST", "STATEMENT_CREATING"}
COMPLAINT_STATES = {"PENDING": ComplaintState.PENDING, "PROCESSING": ComplaintState.PROCESSING,
                    "PROCESSED": ComplaintState.PROCESSED}


@dataclass(frozen=True)
class WeChatPayV3Settings:
    appid: str
    mch_id: str
    mch_private_key: str         # PEM: signs our requests and wx.requestPayment's paySign
    mch_serial: str              # the merchant API certificate's serial number
    wechatpay_public_key: str    # PEM: WeChat Pay's public key (微信支付公钥)
    wechatpay_public_key_id: str  # PUB_KEY_ID_…
    apiv3_key: str               # 32 characters: AES-256-GCM of notification resources
    api_base: str | None = None  # e.g. "http://127.0.0.1:8001/" for the sandbox; None = real WeChat
    timeout: float = 5.0


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc)
    except ValueError:
        return None


def _error(status: int, text) -> WeChatError:
    """WeChat's error reply `{"code", "message"}` as our exception."""
    try:
        body = json.loads(text) if text else {}
    except (TypeError, ValueError):
        body = {}
    code = body.get("code") if isinstance(body, dict) else None
    message = (body.get("message") or "") if isinstance(body, dict) else ""
    if not code:
        if status == 429:
            code = "FREQUENCY_LIMITED"
        elif status >= 500:
            return WeChatUnavailable("NETWORK_ERROR", f"HTTP {status} from WeChat Pay")
        else:
            code = "HTTP_%d" % status
    if status >= 500:
        return WeChatError(code, message, retryable=True)  # WeChat's side: the same request may succeed later
    return WeChatError(code, message)


class WeChatPayV3:
    api = "v3"

    def __init__(self, settings: WeChatPayV3Settings, *, now: Callable[[], float] = time.time):
        self.settings = settings
        self._now = now
        self._pay = WeChatPay(wechatpay_type=WeChatPayType.MINIPROG, mchid=settings.mch_id,
                              private_key=settings.mch_private_key, cert_serial_no=settings.mch_serial,
                              appid=settings.appid, apiv3_key=settings.apiv3_key, timeout=settings.timeout,
                              public_key=settings.wechatpay_public_key,
                              public_key_id=settings.wechatpay_public_key_id)
        if settings.api_base:
            self._pay._core._gate_way = settings.api_base.rstrip("/")
        self._public_key = load_public_key(settings.wechatpay_public_key)

    # -- calls -------------------------------------------------------------------------------

    def _call(self, call, *args, **kwargs) -> dict:
        """The JSON of a 2xx reply (its signature checked by wechatpayv3), else WeChatError."""
        try:
            status, text = call(*args, **kwargs)
        except requests.Timeout as exc:
            raise WeChatUnavailable("TIMEOUT", str(exc)) from exc
        except requests.RequestException as exc:
            raise WeChatUnavailable("NETWORK_ERROR", str(exc)) from exc
        except Exception as exc:  # wechatpayv3 raises a bare Exception for a reply with a bad signature
            if "verify the signature" in str(exc):
                log.warning("WeChat Pay v3 reply with a bad signature")
                raise WeChatUnavailable("BAD_SIGNATURE", "WeChat Pay reply signature does not match") from exc
            raise
        if not 200 <= status < 300:
            raise _error(status, text)
        if not text:
            return {}
        if isinstance(text, bytes):
            return {"content": text}
        try:
            return json.loads(text)
        except ValueError as exc:
            raise WeChatUnavailable("NETWORK_ERROR", "WeChat Pay reply is not JSON") from exc

    # -- payments ----------------------------------------------------------------------------

    def create_payment(self, *, out_trade_no: str, amount_fen: int, description: str, openid: str,
                       notify_url: str, expires_at: datetime | None = None) -> PaymentCreated:
        reply = self._call(self._pay.pay, description=description, out_trade_no=out_trade_no,
                           amount={"total": amount_fen, "currency": "CNY"}, payer={"openid": openid},
                           time_expire=_rfc3339(expires_at) if expires_at else None, notify_url=notify_url,
                           pay_type=WeChatPayType.JSAPI)
        if not reply.get("prepay_id"):
            raise WeChatUnavailable("NETWORK_ERROR", "JSAPI prepay reply without prepay_id")
        return PaymentCreated(reply["prepay_id"], self.pay_params(reply["prepay_id"]))

    def pay_params(self, prepay_id: str) -> dict:
        """wx.requestPayment: paySign = RSA-SHA256 of "appId\\ntimeStamp\\nnonceStr\\npackage\\n"."""
        timestamp, nonce, package = str(int(self._now())), secrets.token_hex(16), f"prepay_id={prepay_id}"
        return {"appId": self.settings.appid, "timeStamp": timestamp, "nonceStr": nonce, "package": package,
                "signType": "RSA", "paySign": self._pay.sign([self.settings.appid, timestamp, nonce, package])}

    def query_payment(self, out_trade_no: str) -> PaymentQueried:
        reply = self._call(self._pay.query, out_trade_no=out_trade_no)
        amount, payer = reply.get("amount") or {}, reply.get("payer") or {}
        return PaymentQueried(out_trade_no=reply.get("out_trade_no") or out_trade_no,
                              state=TRADE_STATES.get(reply.get("trade_state"), PaymentState.UNPAID),
                              transaction_id=reply.get("transaction_id"), amount_fen=amount.get("total"),
                              payer_total_fen=amount.get("payer_total"), openid=payer.get("openid"),
                              paid_at=_parse_time(reply.get("success_time")))

    def close_payment(self, out_trade_no: str) -> CloseResult:
        try:
            self._call(self._pay.close, out_trade_no)
        except WeChatError as exc:
            if exc.code not in CLOSE_OUTCOMES:
                raise
            return CLOSE_OUTCOMES[exc.code]
        return CloseResult.CLOSED

    # -- refunds -----------------------------------------------------------------------------

    def _refund_outcome(self, reply: dict, out_refund_no: str, *, submitted: bool) -> RefundOutcome:
        status = REFUND_STATES.get(reply.get("status") or reply.get("refund_status"))
        if status is None:
            raise WeChatUnavailable("NETWORK_ERROR", f"refund {out_refund_no} without a known status")
        if submitted and status == RefundStatus.PROCESSING:
            status = RefundStatus.ACCEPTED
        amount = reply.get("amount") or {}
        return RefundOutcome(status, reply.get("out_refund_no") or out_refund_no,
                             wechat_refund_id=reply.get("refund_id"), amount_fen=amount.get("refund"),
                             succeeded_at=_parse_time(reply.get("success_time")))

    def refund(self, *, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int, notify_url: str,
               reason: str | None = None) -> RefundOutcome:
        try:
            reply = self._call(self._pay.refund, out_refund_no=out_refund_no, out_trade_no=out_trade_no,
                               amount={"refund": refund_fen, "total": total_fen, "currency": "CNY"},
                               reason=reason, notify_url=notify_url)
            return self._refund_outcome(reply, out_refund_no, submitted=True)
        except WeChatError as exc:
            return RefundOutcome.failure(out_refund_no, exc)

    def apply_abnormal_refund(self, *, wechat_refund_id: str, out_refund_no: str, route: str,
                              bank_type: str | None = None, bank_account: str | None = None,
                              real_name: str | None = None) -> RefundOutcome:
        try:
            reply = self._call(self._pay.abnormal_refund, refund_id=wechat_refund_id, out_refund_no=out_refund_no,
                               type=route.upper(), bank_type=bank_type, bank_account=bank_account,
                               real_name=real_name)
            return self._refund_outcome(reply, out_refund_no, submitted=True)
        except WeChatError as exc:
            return RefundOutcome.failure(out_refund_no, exc)

    def query_refund(self, out_refund_no: str) -> RefundOutcome:
        try:
            reply = self._call(self._pay.query_refund, out_refund_no)
            return self._refund_outcome(reply, out_refund_no, submitted=False)
        except WeChatError as exc:
            if exc.code in NOT_FOUND_CODES:
                return RefundOutcome(RefundStatus.NOT_FOUND, out_refund_no, code=exc.code, message=exc.message)
            return RefundOutcome.failure(out_refund_no, exc)

    def download_refund_bill(self, bill_date: date) -> list[BillRefund]:
        try:
            bill = self._call(self._pay.trade_bill, bill_date.isoformat(), bill_type="REFUND", tar_type="GZIP")
        except WeChatError as exc:
            if exc.code in NO_BILL_CODES:
                return []
            raise
        if not bill.get("download_url"):
            raise WeChatUnavailable("NETWORK_ERROR", "tradebill reply without download_url")
        content = self._call(self._pay.download_bill, bill["download_url"]).get("content")
        if not isinstance(content, bytes):
            raise WeChatUnavailable("NETWORK_ERROR", "bill file is not binary")
        try:
            data = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            raise WeChatUnavailable("NETWORK_ERROR", "bill file is not gzip") from exc
        # The bill file is unsigned; its hash came in the signed tradebill reply.
        if (bill.get("hash_type") or "SHA1").upper() == "SHA1" and bill.get("hash_value") \
                and hashlib.sha1(data).hexdigest().lower() != bill["hash_value"].lower():
            raise WeChatUnavailable("BAD_SIGNATURE", "bill file does not match its SHA1")
        return parse_refund_bill(data.decode("utf-8-sig"))

    # -- notifications -----------------------------------------------------------------------

    def _verified_resource(self, body: bytes, headers: Mapping[str, str], event_prefix: str,
                           check_mchid: bool = True) -> dict:
        """The decrypted resource of a notification whose signature, age and origin are checked."""
        h = {k.lower(): v for k, v in headers.items()}
        if h.get("wechatpay-serial") != self.settings.wechatpay_public_key_id:
            raise InvalidNotification("Wechatpay-Serial is not our WeChat Pay public key id")
        if h.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
            raise InvalidNotification("unsupported signature type")
        timestamp, nonce, signature = (h.get("wechatpay-timestamp") or "", h.get("wechatpay-nonce") or "",
                                       h.get("wechatpay-signature") or "")
        if not (timestamp.isdigit() and nonce and signature):
            raise InvalidNotification("Wechatpay-Timestamp / -Nonce / -Signature missing")
        if abs(self._now() - int(timestamp)) > NOTIFICATION_MAX_AGE_SECONDS:
            raise InvalidNotification("notification timestamp more than 5 minutes off")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidNotification("body is not UTF-8") from exc
        if not rsa_verify(timestamp, nonce, text, signature, self._public_key):
            raise InvalidNotification("bad signature")
        try:
            envelope = json.loads(text)
            resource = envelope["resource"]
            if resource.get("algorithm") != "AEAD_AES_256_GCM":
                raise InvalidNotification(f"unsupported algorithm {resource.get('algorithm')}")
            plain = aes_decrypt(nonce=resource["nonce"], ciphertext=resource["ciphertext"],
                                associated_data=resource.get("associated_data") or "",
                                apiv3_key=self.settings.apiv3_key)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidNotification(f"not a WeChat Pay v3 notification: {exc!r}") from exc
        if plain is None:
            raise InvalidNotification("resource does not decrypt with our APIv3 key")
        if not str(envelope.get("event_type", "")).startswith(event_prefix):
            raise InvalidNotification(f"event_type {envelope.get('event_type')} is not {event_prefix}*")
        try:
            data = json.loads(plain)
        except ValueError as exc:
            raise InvalidNotification("resource is not JSON") from exc
        if not isinstance(data, dict) or (check_mchid and data.get("mchid") != self.settings.mch_id):
            raise InvalidNotification("mchid is not ours")
        return data

    def parse_payment_notification(self, body: bytes, headers: Mapping[str, str]) -> PaymentNotification:
        data = self._verified_resource(body, headers, "TRANSACTION.")
        if data.get("appid") != self.settings.appid:
            raise InvalidNotification("appid is not ours")
        if data.get("trade_state") != "SUCCESS":
            raise InvalidNotification(f"trade_state {data.get('trade_state')}")
        total = (data.get("amount") or {}).get("total")
        if not (data.get("out_trade_no") and data.get("transaction_id") and isinstance(total, int)):
            raise InvalidNotification("out_trade_no, transaction_id or amount.total missing")
        return PaymentNotification(out_trade_no=data["out_trade_no"], transaction_id=data["transaction_id"],
                                   amount_fen=total, paid_at=_parse_time(data.get("success_time")))

    def parse_refund_notification(self, body: bytes, headers: Mapping[str, str]) -> RefundOutcome:
        data = self._verified_resource(body, headers, "REFUND.")
        if not data.get("out_refund_no"):
            raise InvalidNotification("out_refund_no missing")
        if REFUND_STATES.get(data.get("refund_status")) not in SETTLED_REFUND_STATUSES:
            raise InvalidNotification(f"refund_status {data.get('refund_status')} is not an outcome")
        return self._refund_outcome(data, data["out_refund_no"], submitted=False)

    def parse_complaint_notification(self, body: bytes, headers: Mapping[str, str]) -> ComplaintNotice:
        """COMPLAINT.* : the resource names the complaint and the action (it carries no mchid; the
        signature with our WeChat Pay public key and the APIv3 key are what make it ours)."""
        data = self._verified_resource(body, headers, "COMPLAINT.", check_mchid=False)
        if not isinstance(data.get("complaint_id"), str) or not data["complaint_id"]:
            raise InvalidNotification("complaint_id missing")
        return ComplaintNotice(data["complaint_id"], str(data.get("action_type") or ""))

    # -- consumer complaints (消费者投诉2.0) ------------------------------------------------------

    def list_complaints(self, begin: date, end: date, *, limit: int = 50, offset: int = 0
                        ) -> tuple[list[Complaint], int]:
        reply = self._call(self._pay.complaint_list_query, begin_date=begin.isoformat(), end_date=end.isoformat(),
                           limit=limit, offset=offset)
        return [_complaint(item) for item in reply.get("data") or []], int(reply.get("total_count") or 0)

    def get_complaint(self, complaint_id: str) -> Complaint:
        return _complaint(self._call(self._pay.complaint_detail_query, complaint_id))

    def complaint_history(self, complaint_id: str) -> list[ComplaintHistoryEntry]:
        reply = self._call(self._pay.complaint_history_query, complaint_id, limit=300)
        return [ComplaintHistoryEntry(log_id=str(item.get("log_id") or ""), operator=item.get("operator") or "",
                                      operate_time=_parse_time(item.get("operate_time")),
                                      operate_type=item.get("operate_type") or "",
                                      details=item.get("operate_details") or "",
                                      media_urls=_media_urls(item.get("complaint_media_list")))
                for item in reply.get("data") or []]

    def respond_complaint(self, complaint_id: str, text: str) -> None:
        self._call(self._pay.complaint_response, complaint_id, text)

    def complete_complaint(self, complaint_id: str) -> None:
        self._call(self._pay.complaint_complete, complaint_id)

    def update_complaint_refund(self, complaint_id: str, *, approve: bool, launch_refund_day: int | None = None,
                                reject_reason: str | None = None, remark: str | None = None) -> None:
        self._call(self._pay.complaint_update_refund, complaint_id, "APPROVE" if approve else "REJECT",
                   launch_refund_day=launch_refund_day, reject_reason=reject_reason, remark=remark)

    def register_complaint_notify_url(self, url: str) -> str:
        try:
            reply = self._call(self._pay.complaint_notification_create, url)
        except WeChatError as exc:
            if exc.code not in ("ALREADY_EXISTS", "PARAM_ERROR") or exc.retryable:
                raise
            reply = self._call(self._pay.complaint_notification_update, url)  # one URL per merchant
        return reply.get("url") or url

    def complaint_notify_url(self) -> str | None:
        try:
            return self._call(self._pay.complaint_notification_query).get("url")
        except WeChatError as exc:
            if exc.code in NOT_FOUND_CODES:
                return None
            raise

    @staticmethod
    def reply(accepted: bool, message: str = "", status: int = 400) -> NotificationReply:
        if accepted:
            return NotificationReply(204, b"", "application/json")
        body = json.dumps({"code": "FAIL", "message": message or "失败"}, ensure_ascii=False).encode("utf-8")
        return NotificationReply(status, body, "application/json")


def _media_urls(media_list) -> tuple[str, ...]:
    return tuple(url for media in media_list or [] if isinstance(media, dict)
                 for url in media.get("media_url") or [] if isinstance(url, str))


def _complaint(item: dict) -> Complaint:
    """WeChat's complaint object (list item or detail) in our words; payer_phone stays with WeChat."""
    if not item.get("complaint_id"):
        raise WeChatUnavailable("NETWORK_ERROR", "complaint without complaint_id")
    order = next(iter(item.get("complaint_order_info") or []), {}) or {}
    return Complaint(complaint_id=item["complaint_id"],
                     complaint_time=_parse_time(item.get("complaint_time")) or datetime.now(timezone.utc),
                     state=COMPLAINT_STATES.get(item.get("complaint_state"), ComplaintState.PENDING),
                     detail=item.get("complaint_detail") or "",
                     problem_description=item.get("problem_description") or "",
                     out_trade_no=order.get("out_trade_no"), transaction_id=order.get("transaction_id"),
                     amount_fen=order.get("amount"), media_urls=_media_urls(item.get("complaint_media_list")),
                     user_complaint_times=int(item.get("user_complaint_times") or 1),
                     full_refunded=bool(item.get("complaint_full_refunded")),
                     apply_refund_fen=item.get("apply_refund_amount"))
