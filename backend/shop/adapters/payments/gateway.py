"""The payment boundary: what the shop asks of WeChat Pay, and the shop's own words for the answers.

Services talk to a `PaymentGateway` (built once in services/context.py from `WECHATPAY_API`, reached
as `deps().payments`) and never see WeChat's field names, XML or v3 JSON. Two implementations:
`v3.WeChatPayV3` (APIv3, public-key mode, the default) and `v2.WeChatPayV2` (APIv2, XML + MD5).

How answers come back:

- `create_payment`, `pay_params`, `query_payment`, `close_payment`, `download_refund_bill` return the
  types below or raise `WeChatError` (WeChat refused; `.code` is WeChat's code, `.retryable` says
  whether the same call may succeed later) / `WeChatUnavailable` (no trustworthy answer: network,
  time-out, bad signature; always retryable).
- `refund` and `query_refund` never raise for WeChat's answers: they return a `RefundOutcome` whose
  `status` is one of `RefundStatus` (failures carry WeChat's `code` and `message`).
- `parse_payment_notification` / `parse_refund_notification` return the verified content or raise
  `InvalidNotification` (forged, tampered, expired, another merchant's: it must change nothing);
  `reply(accepted, message)` builds what to answer WeChat, in the protocol's own format.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Protocol

from ..wechat_errors import WeChatError


class PaymentState(str, Enum):
    """Where a WeChat payment stands (v3 trade_state / v2 trade_state, in our words)."""
    UNPAID = "unpaid"          # NOTPAY, USERPAYING
    PAID = "paid"              # SUCCESS
    REFUNDED = "refunded"      # REFUND: paid, then (partly) refunded
    CLOSED = "closed"          # CLOSED, REVOKED
    FAILED = "failed"          # PAYERROR


class CloseResult(str, Enum):
    CLOSED = "closed"              # closed now or before: it can no longer be paid
    ALREADY_PAID = "already_paid"  # too late: the payment notification (or a query) brings the money
    NOT_FOUND = "not_found"        # WeChat never saw it: nothing to close


class RefundStatus(str, Enum):
    """WeChat's answer about one refund (one `out_refund_no`)."""
    ACCEPTED = "accepted"                    # submitted; the outcome comes by notification or query
    PROCESSING = "processing"                # WeChat is paying it out
    SUCCEEDED = "succeeded"                  # money is back with the shopper
    CLOSED = "closed"                        # WeChat closed it (v3 CLOSED, v2 REFUNDCLOSE): nothing paid out
    WECHAT_ABNORMAL = "wechat_abnormal"      # WeChat could not pay it out (v3 ABNORMAL, v2 CHANGE), e.g. the
                                             # shopper's card is closed: re-route it (apply-abnormal-refund)
    NOT_FOUND = "not_found"                  # (query only) WeChat has no such refund: submitting again with
                                             # the same out_refund_no is safe
    RETRYABLE_FAILURE = "retryable_failure"  # refused or unanswered, the same request may succeed later
    FINAL_FAILURE = "final_failure"          # refused, the same request cannot succeed (a person must act)


# A gateway whose protocol has no such call (APIv2) answers this code.
NOT_SUPPORTED_CODE = "NOT_SUPPORTED_BY_API"

SETTLED_REFUND_STATUSES = frozenset({RefundStatus.SUCCEEDED, RefundStatus.CLOSED, RefundStatus.WECHAT_ABNORMAL})


@dataclass(frozen=True)
class PaymentCreated:
    prepay_id: str
    pay_params: dict  # the arguments of wx.requestPayment: timeStamp, nonceStr, package, signType, paySign


@dataclass(frozen=True)
class PaymentQueried:
    out_trade_no: str
    state: PaymentState
    transaction_id: str | None
    amount_fen: int | None       # the order's total
    payer_total_fen: int | None  # what the shopper paid after WeChat-side discounts
    openid: str | None
    paid_at: datetime | None     # UTC


@dataclass(frozen=True)
class RefundOutcome:
    status: RefundStatus
    out_refund_no: str
    wechat_refund_id: str | None = None
    amount_fen: int | None = None
    succeeded_at: datetime | None = None  # UTC
    code: str | None = None      # failures: WeChat's error code (or NETWORK_ERROR / TIMEOUT / BAD_SIGNATURE)
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status in (RefundStatus.RETRYABLE_FAILURE, RefundStatus.FINAL_FAILURE)

    @property
    def retryable(self) -> bool:
        return self.status == RefundStatus.RETRYABLE_FAILURE

    @property
    def settled(self) -> bool:
        """WeChat's final word on the refund."""
        return self.status in SETTLED_REFUND_STATUSES

    @classmethod
    def failure(cls, out_refund_no: str, error: WeChatError) -> "RefundOutcome":
        status = RefundStatus.RETRYABLE_FAILURE if error.retryable else RefundStatus.FINAL_FAILURE
        return cls(status, out_refund_no, code=error.code, message=error.message)


@dataclass(frozen=True)
class PaymentNotification:
    """A verified 'the shopper paid' notification from our appid and merchant id."""
    out_trade_no: str
    transaction_id: str
    amount_fen: int  # the order's total as WeChat booked it; checking it against ours is the service's job
    paid_at: datetime | None = None  # UTC


@dataclass(frozen=True)
class NotificationReply:
    """What to answer WeChat: a 2xx tells it to stop re-sending."""
    status: int
    body: bytes
    content_type: str

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class BillRefund:
    """One line of WeChat's refund bill (R6)."""
    out_refund_no: str | None
    out_trade_no: str | None
    refund_id: str | None
    refund_fen: int
    status: RefundStatus  # SUCCEEDED, PROCESSING, CLOSED or WECHAT_ABNORMAL
    bill_status: str      # the bill's own word (SUCCESS, PROCESSING, REFUNDCLOSE, CHANGE, ABNORMAL...)


class ComplaintState(str, Enum):
    """Where WeChat says a consumer complaint (消费者投诉2.0) stands: complaint_state."""
    PENDING = "pending"        # PENDING: waiting for the merchant's first reply
    PROCESSING = "processing"  # PROCESSING: replied, not yet marked complete
    PROCESSED = "processed"    # PROCESSED: the merchant marked it complete


@dataclass(frozen=True)
class Complaint:
    """One WeChat Pay consumer complaint (v3 only), in our words."""
    complaint_id: str
    complaint_time: datetime  # UTC
    state: ComplaintState
    detail: str                  # complaint_detail: what the shopper wrote
    problem_description: str
    out_trade_no: str | None     # complaint_order_info[0]
    transaction_id: str | None
    amount_fen: int | None
    media_urls: tuple[str, ...] = ()  # the shopper's pictures (complaint_media_list)
    user_complaint_times: int = 1
    full_refunded: bool = False
    apply_refund_fen: int | None = None


@dataclass(frozen=True)
class ComplaintHistoryEntry:
    """One step of WeChat's negotiation history (协商历史) of a complaint."""
    log_id: str
    operator: str
    operate_time: datetime | None  # UTC
    operate_type: str              # WeChat's code, e.g. USER_CREATE_COMPLAINT, MERCHANT_RESPONSE
    details: str
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComplaintNotice:
    """A verified complaint notification: which complaint changed and how (action_type)."""
    complaint_id: str
    action_type: str


class PaymentGateway(Protocol):
    api: str  # "v3" or "v2": which notification routes belong to it

    def create_payment(self, *, out_trade_no: str, amount_fen: int, description: str, openid: str,
                       notify_url: str, expires_at: datetime | None = None) -> PaymentCreated:
        """A JSAPI prepay for the mini-program. `expires_at`: naive datetimes are UTC."""

    def pay_params(self, prepay_id: str) -> dict:
        """Fresh wx.requestPayment arguments for an existing prepay (paying again later)."""

    def query_payment(self, out_trade_no: str) -> PaymentQueried: ...

    def close_payment(self, out_trade_no: str) -> CloseResult: ...

    def refund(self, *, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int, notify_url: str,
               reason: str | None = None) -> RefundOutcome:
        """Submit a refund. Retries must reuse `out_refund_no`: WeChat then answers with the same refund
        instead of paying twice. Never raises for WeChat's answers (see RefundOutcome)."""

    def query_refund(self, out_refund_no: str) -> RefundOutcome: ...

    def apply_abnormal_refund(self, *, wechat_refund_id: str, out_refund_no: str, route: str,
                              bank_type: str | None = None, bank_account: str | None = None,
                              real_name: str | None = None) -> RefundOutcome:
        """Re-route a WECHAT_ABNORMAL refund (`route`: user_bank_card | merchant_bank_card) to the
        shopper's bank card (bank_type, bank_account and real_name needed; sent encrypted) or the merchant's.
        ACCEPTED when WeChat took it (the outcome comes as for any refund); a failure otherwise, with
        NOT_SUPPORTED_CODE when the protocol has no such call. Never raises for WeChat's answers."""

    def download_refund_bill(self, bill_date: date) -> list[BillRefund]:
        """The day's refunds as WeChat booked them ([] when WeChat has no bill for that day)."""

    def parse_payment_notification(self, body: bytes, headers: Mapping[str, str]) -> PaymentNotification: ...

    def parse_refund_notification(self, body: bytes, headers: Mapping[str, str]) -> RefundOutcome:
        """The refund's settled outcome (SUCCEEDED / CLOSED / WECHAT_ABNORMAL)."""

    def reply(self, accepted: bool, message: str = "", status: int = 400) -> NotificationReply:
        """The answer to a notification: accepted, or refused so that WeChat sends it again."""

    # -- consumer complaints (消费者投诉2.0, W6): APIv3 only; v2 raises WeChatError(NOT_SUPPORTED_CODE) --

    def list_complaints(self, begin: date, end: date, *, limit: int = 50, offset: int = 0
                        ) -> tuple[list[Complaint], int]:
        """Complaints filed between `begin` and `end` (Beijing dates, at most 30 days), one page, and the total."""

    def get_complaint(self, complaint_id: str) -> Complaint: ...

    def complaint_history(self, complaint_id: str) -> list[ComplaintHistoryEntry]: ...

    def respond_complaint(self, complaint_id: str, text: str) -> None:
        """Reply to the shopper (at most 200 characters)."""

    def complete_complaint(self, complaint_id: str) -> None: ...

    def update_complaint_refund(self, complaint_id: str, *, approve: bool, launch_refund_day: int | None = None,
                                reject_reason: str | None = None, remark: str | None = None) -> None: ...

    def register_complaint_notify_url(self, url: str) -> str:
        """Create (or update) the complaint notify URL; returns the URL WeChat now holds."""

    def complaint_notify_url(self) -> str | None:
        """The complaint notify URL WeChat holds, None when none is registered."""

    def parse_complaint_notification(self, body: bytes, headers: Mapping[str, str]) -> ComplaintNotice: ...
