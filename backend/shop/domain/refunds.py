"""Refund states, retry decisions, and what an order's refund_status is (R1, R4)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import Enum

from .clock import to_shanghai
from .orders import RefundStatus


class RefundState(str, Enum):
    PENDING = "pending"        # committed, not yet accepted by WeChat
    PROCESSING = "processing"  # WeChat accepted it, money on its way
    SUCCEEDED = "succeeded"
    FAILED = "failed"          # the last attempt failed; another is scheduled
    ABNORMAL = "abnormal"      # our own: out of retries (or refused for good): finance must act
    # WeChat's own final outcomes other than success (W2), kept apart from our "retries used up":
    WECHAT_ABNORMAL = "wechat_abnormal"  # WeChat could not pay it out (e.g. the shopper's card is closed)
    CLOSED = "closed"                    # WeChat closed it: nothing was paid out

    @property
    def label(self) -> str:
        return REFUND_STATE_LABELS[self]


REFUND_STATE_LABELS = {
    RefundState.PENDING: "待提交",
    RefundState.PROCESSING: "退款中",
    RefundState.SUCCEEDED: "退款成功",
    RefundState.FAILED: "失败重试中",
    RefundState.ABNORMAL: "退款异常",
    RefundState.WECHAT_ABNORMAL: "微信退款异常",
    RefundState.CLOSED: "退款已关闭",
}

OPEN_STATES = {RefundState.PENDING, RefundState.PROCESSING, RefundState.FAILED}
SUBMITTABLE_STATES = {RefundState.PENDING, RefundState.FAILED}
# Money still owed to the shopper that a person must route: the order shows refund_failed until it is.
NEEDS_FINANCE_STATES = {RefundState.ABNORMAL, RefundState.WECHAT_ABNORMAL, RefundState.CLOSED}


class RefundAction(str, Enum):
    """What finance may do with one refund row (W2, R4); the admin draws a button per action."""
    RETRY = "retry"                                          # same out_refund_no again
    REROUTE_TO_USER_BANK_CARD = "reroute_to_user_bank_card"  # WeChat apply-abnormal-refund
    REROUTE_TO_MERCHANT_BANK_CARD = "reroute_to_merchant_bank_card"
    REFUND_TO_BALANCE = "refund_to_balance"                  # a new balance refund replaces it
    REISSUE = "reissue"                                      # a new WeChat refund (new out_refund_no) replaces it

    @property
    def label(self) -> str:
        return REFUND_ACTION_LABELS[self]


REFUND_ACTION_LABELS = {
    RefundAction.RETRY: "手动重试",
    RefundAction.REROUTE_TO_USER_BANK_CARD: "退到顾客银行卡",
    RefundAction.REROUTE_TO_MERCHANT_BANK_CARD: "退到商户银行卡",
    RefundAction.REFUND_TO_BALANCE: "改退到余额",
    RefundAction.REISSUE: "重新发起退款",
}
ABNORMAL_ROUTES = {RefundAction.REROUTE_TO_USER_BANK_CARD: "user_bank_card",
                   RefundAction.REROUTE_TO_MERCHANT_BANK_CARD: "merchant_bank_card"}


def refund_status_label(status: str, replaced: bool) -> str:
    return "已由新的退款替代" if replaced else RefundState(status).label


def refund_actions(status: str, method: str, replaced: bool, *, may_retry: bool,
                   may_resolve: bool) -> list[RefundAction]:
    """The actions a staff member may take on a refund now: retrying ours (retries used up), resolving
    WeChat's outcomes (W2). A replaced row (re-issued or moved to balance) is history."""
    state = RefundState(status)
    if replaced:
        return []
    if state in (RefundState.ABNORMAL, RefundState.FAILED):
        return [RefundAction.RETRY] if may_retry else []
    if not may_resolve:
        return []
    if state == RefundState.WECHAT_ABNORMAL and method == "wechat":
        return [RefundAction.REROUTE_TO_USER_BANK_CARD, RefundAction.REROUTE_TO_MERCHANT_BANK_CARD,
                RefundAction.REFUND_TO_BALANCE]
    if state == RefundState.CLOSED:
        return [RefundAction.REISSUE, RefundAction.REFUND_TO_BALANCE]
    return []

METHOD_LABELS = {"wechat": "原路退回（微信支付）", "balance": "退回账户余额"}


def order_refund_status(states: Iterable[str], succeeded_fen: int, paid_fen: int) -> RefundStatus:
    """`states`: the order's refunds that are not replaced by another (see refund_actions)."""
    states = [RefundState(s) for s in states]
    if not states:
        return RefundStatus.NONE
    if any(s in NEEDS_FINANCE_STATES for s in states):
        return RefundStatus.REFUND_FAILED
    if any(s in OPEN_STATES for s in states):
        return RefundStatus.REFUNDING
    if succeeded_fen >= paid_fen > 0:
        return RefundStatus.REFUNDED
    return RefundStatus.PARTIALLY_REFUNDED if succeeded_fen > 0 else RefundStatus.NONE


def after_failed_attempt(attempts: int, retryable: bool, intervals: list[int]) -> tuple[RefundState, timedelta | None]:
    """What follows a failed attempt number `attempts` (1-based): another try after a pause, or abnormal."""
    if not retryable or attempts > len(intervals):
        return RefundState.ABNORMAL, None
    return RefundState.FAILED, timedelta(seconds=intervals[attempts - 1])


# What the shopper is told while a refund waits for finance, instead of an arrival date (W2).
AWAITING_FINANCE_ARRIVAL = {
    RefundState.ABNORMAL: "退款遇到问题，商家正在处理，处理后将另行通知您",
    RefundState.WECHAT_ABNORMAL: "微信未能退回原支付账户（如银行卡已注销），商家将改退至银行卡或账户余额",
    RefundState.CLOSED: "微信已关闭本次退款，商家将重新为您发起退款",
}


def expected_arrival(method: str, submitted: datetime | None, status: str | None = None) -> str:
    """What the shopper is told about when the money arrives (R7)."""
    if status is not None and RefundState(status) in AWAITING_FINANCE_ARRIVAL:
        return AWAITING_FINANCE_ARRIVAL[RefundState(status)]
    if method == "balance":
        return "即时到账"
    if submitted is None:
        return "1-3 个工作日内原路退回"
    latest = add_working_days(to_shanghai(submitted).date(), 3)
    return f"1-3 个工作日内原路退回，预计 {latest.month} 月 {latest.day} 日前到账"


def add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
